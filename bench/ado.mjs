// Benchmark of the decision-ordering metrics: the naive O(N_S N_B) TypeScript reference against the native
// kernels (Fenwick sweep for the full ADO, CDQ divide and conquer for ADO on D(H, G)) in the same process.
//   npx tsc -p tsconfig.json && node bench/ado.mjs [--sizes 1e3,1e4,1e5,1e6] [--naive-max 1e4] [--batch 4]
// Prints a table and a final line of JSON. Sizes are events per class (N_S = N_B = n; pairs = n^2).
import { ado, adoOnDisagreement, adoOnDisagreementBatch, auc } from '../dist/metrics/index.js';
import { backendsFor } from '../dist/backend/dispatch.js';
import { Rng } from '../dist/util/rng.js';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const sizes = arg('sizes', '1e3,1e4,1e5,1e6').split(',').map(Number);
const naiveMax = Number(arg('naive-max', '1e4'));
const batchK = Number(arg('batch', '4'));
if (!backendsFor('ado').includes('native')) {
  console.error('bench/ado: the native addon is not built (npm run build); only the reference would run');
  process.exit(1);
}

/** f, g, h: three correlated discriminants of a latent signal-likeness (like an observable, a CNN, a DNN). */
function data(n, seed = 1) {
  const rng = new Rng(seed);
  const N = 2 * n;
  const labels = new Uint8Array(N), f = new Float64Array(N), g = new Float64Array(N), h = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    labels[i] = i & 1;
    const z = rng.normal() + 1.2 * labels[i];
    f[i] = z + rng.normal();
    g[i] = z + 0.4 * rng.normal();
    h[i] = z + 0.6 * rng.normal();
  }
  return { labels, f, g, h };
}

function time(fn) {
  const t0 = performance.now();
  const value = fn();
  return { value, s: (performance.now() - t0) / 1e3 };
}
async function timeAsync(fn) {
  const t0 = performance.now();
  const value = await fn();
  return { value, s: (performance.now() - t0) / 1e3 };
}

const rows = [];
for (const n of sizes) {
  const d = data(n);
  const row = { perClass: n, pairs: n * n };
  const full = time(() => ado(d.f, d.g, d.labels, undefined, { backend: 'native' }));
  const dis = time(() => adoOnDisagreement(d.f, d.g, d.h, d.labels, undefined, { backend: 'native' }));
  const a = time(() => auc(d.f, d.labels, undefined, { backend: 'native' }));
  // Weighted events (float64, double-double Fenwick sums): same kernels, other code path.
  const w = d.f.map((_, i) => 0.5 + ((i * 7919) % 1000) / 1000);
  const fullW = time(() => ado(d.f, d.g, d.labels, w, { backend: 'native' }));
  const disW = time(() => adoOnDisagreement(d.f, d.g, d.h, d.labels, w, { backend: 'native' }));
  row.adoWNative_s = fullW.s;
  row.adoDWNative_s = disW.s;
  Object.assign(row, { adoNative_s: full.s, adoDNative_s: dis.s, aucNative_s: a.s, ado: full.value.adoRaw, adoD: dis.value.adoRaw, disagreeFraction: dis.value.disagreeFraction });
  if (n <= naiveMax) {
    const fr = time(() => ado(d.f, d.g, d.labels, undefined, { backend: 'reference' }));
    const dr = time(() => adoOnDisagreement(d.f, d.g, d.h, d.labels, undefined, { backend: 'reference' }));
    Object.assign(row, {
      adoRef_s: fr.s,
      adoDRef_s: dr.s,
      adoSpeedup: fr.s / full.s,
      adoDSpeedup: dr.s / dis.s,
      maxRelDiff: Math.max(Math.abs(fr.value.adoRaw - full.value.adoRaw) / fr.value.adoRaw, Math.abs(dr.value.adoRaw - dis.value.adoRaw) / dr.value.adoRaw),
    });
  }
  rows.push(row);
}

// Batch: K candidates against one (G, H), 1 thread vs all threads, at the largest size <= 1e5 per class.
let batch;
const nb = Math.max(...sizes.filter((n) => n <= 1e5));
if (batchK > 0 && Number.isFinite(nb)) {
  const d = data(nb, 2);
  const rng = new Rng(9);
  const cands = Array.from({ length: batchK }, () => d.f.map((v) => v + 0.5 * rng.normal()));
  const one = await timeAsync(() => adoOnDisagreementBatch(cands, d.g, d.h, d.labels, { threads: 1 }));
  const all = await timeAsync(() => adoOnDisagreementBatch(cands, d.g, d.h, d.labels, { threads: 0 }));
  batch = { perClass: nb, candidates: batchK, threads1_s: one.s, threadsAll_s: all.s, speedup: one.s / all.s };
}

const fmt = (v, w = 10) => (v === undefined ? '-' : typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(4) : String(v)).padStart(w);
console.log(['per class', 'ADO ref s', 'ADO nat s', 'x', 'ADO_D ref s', 'ADO_D nat s', 'x', 'AUC nat s', 'ADO w nat', 'ADO_D w nat', 'rel diff'].map((s) => s.padStart(11)).join(' '));
for (const r of rows)
  console.log([r.perClass, r.adoRef_s, r.adoNative_s, r.adoSpeedup, r.adoDRef_s, r.adoDNative_s, r.adoDSpeedup, r.aucNative_s, r.adoWNative_s, r.adoDWNative_s, r.maxRelDiff].map((v) => fmt(v, 11)).join(' '));
if (batch) console.log(`batch: ${batch.candidates} candidates x ${batch.perClass} per class: 1 thread ${batch.threads1_s.toFixed(3)} s, all threads ${batch.threadsAll_s.toFixed(3)} s (x${batch.speedup.toFixed(2)})`);
console.log(JSON.stringify({ bench: 'ado', rows, batch }));
