// gpu.js backend ('gpujs', float32) against the float64 TypeScript reference (baseline) and the C++ addon, same
// process: EFP jets/s (d <= 4 and d <= 5 at M = 30, 50) and the pairwise SEMD matrix in pairs/s (M = 30).
// Also prints the gpu.js mode that ran (webasm on a machine without WebGL) and the worst float32 deviation.
// Run: npx tsc -p tsconfig.json && node bench/gpujs.mjs [--quick]. Prints a table and a final JSON line.
import { EFPSet, JetBatch, Rng } from '../dist/index.js';
import { backendsFor } from '../dist/backend/dispatch.js';
import { loadGpuJs } from '../dist/backend/gpujs.js';
import { computeSpectra } from '../dist/semd/spectrum.js';
import { semdMatrixFromSpectra } from '../dist/semd/distance.js';

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 0.3 : 1.0;
const { mode } = await loadGpuJs();
const native = backendsFor('efp').includes('native');

function jets(n, M, seed) {
  const rng = new Rng(seed);
  return JetBatch.fromNested(Array.from({ length: n }, () =>
    Array.from({ length: M }, () => [rng.range(1, 100), rng.range(-0.4, 0.4), rng.range(-0.4, 0.4)])));
}

/** items/s of fn(n) (n doubled until SECONDS of wall time or maxN); returns [rate, last result]. */
async function rate(fn, maxN, n = 8) {
  for (;;) {
    const t0 = performance.now();
    const res = await fn(n);
    const dt = (performance.now() - t0) / 1000;
    if (dt >= SECONDS || n >= maxN) return [n / dt, res];
    n = Math.min(maxN, Math.ceil(n * Math.max(2, (1.2 * SECONDS) / Math.max(dt, 1e-4))));
  }
}

const maxRel = (a, b) => a.reduce((w, v, i) => Math.max(w, Math.abs(v - b[i]) / Math.max(Math.abs(b[i]), 1e-300)), 0);
const rows = [];
for (const [sel, M] of [['d<=4', 30], ['d<=5', 30], ['d<=5', 50]]) {
  const set = new EFPSet(sel);
  const row = { op: 'efp', sel, M, K: set.length, unit: 'jets/s' };
  [row.reference] = await rate((n) => set.batchCompute(jets(n, M, n), { backend: 'reference' }), 256);
  [row.gpujs] = await rate((n) => set.batchCompute(jets(n, M, n), { backend: 'gpujs' }), 1024);
  if (native) [row.native] = await rate((n) => set.batchCompute(jets(n, M, n), { backend: 'native', threads: 1 }), 20000);
  const b = jets(32, M, 1);
  row.maxRelDev = maxRel(await set.batchCompute(b, { backend: 'gpujs' }), await set.batchCompute(b, { backend: 'reference' }));
  rows.push(row);
}
{
  const M = 30;
  const row = { op: 'semd.matrix', sel: 'pairwise', M, unit: 'pairs/s' };
  const pairs = async (backend, n) => {
    const S = await computeSpectra(jets(n, M, n));
    await semdMatrixFromSpectra(S, null, { backend, threads: 1 });
    return (n * (n - 1)) / 2;
  };
  const pr = async (backend, maxN) => {
    let n = 16;
    for (;;) {
      const t0 = performance.now();
      const p = await pairs(backend, n);
      const dt = (performance.now() - t0) / 1000;
      if (dt >= SECONDS || n >= maxN) return p / dt;
      n = Math.min(maxN, Math.ceil(n * Math.max(1.5, Math.sqrt((1.2 * SECONDS) / Math.max(dt, 1e-4)))));
    }
  };
  row.reference = await pr('reference', 2000);
  row.gpujs = await pr('gpujs', 2000);
  if (backendsFor('semd.matrix').includes('native')) row.native = await pr('native', 4000);
  const S = await computeSpectra(jets(100, M, 5));
  const g = await semdMatrixFromSpectra(S, null, { backend: 'gpujs' });
  const r = await semdMatrixFromSpectra(S, null, { backend: 'reference' });
  row.maxRelDev = maxRel(g, r);
  rows.push(row);
}
for (const r of rows) { r.gpujsVsReference = r.gpujs / r.reference; if (r.native) r.nativeVsGpujs = r.native / r.gpujs; }

const f = (x, d = 0) => (x === undefined ? '-' : x.toFixed(d));
console.log(`gpu.js mode: ${mode} (float32); native addon: ${native ? 'yes (1 thread)' : 'no'}`);
console.log('op           sel       M     K  unit       reference      gpujs     native  gpujs/ref  native/gpujs  max rel dev');
for (const r of rows) {
  console.log(`${r.op.padEnd(12)} ${r.sel.padEnd(8)} ${String(r.M).padStart(3)} ${String(r.K ?? '-').padStart(5)}  ${r.unit.padEnd(8)} ${f(r.reference).padStart(10)} ${f(r.gpujs).padStart(10)} ${f(r.native).padStart(10)}  ${f(r.gpujsVsReference, 2).padStart(9)}  ${f(r.nativeVsGpujs, 1).padStart(12)}  ${r.maxRelDev.toExponential(1).padStart(11)}`);
}
console.log(JSON.stringify({ bench: 'gpujs', mode, rows }));
