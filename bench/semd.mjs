// SEMD benchmark: pairwise SEMD pairs/second (reference vs C++ 1 and 2 threads, M = 30 and 60) and exact
// k-NN (k = 10) on 1e4 and 1e5 jets (generator W/QCD and a busier toy shower) vs brute force (measured on 1e4 rows x 1e3 queries, extrapolated).
// Run: npx tsc -p tsconfig.json && node bench/semd.mjs [--quick]. Prints a table and a final JSON line.
import { JetBatch } from '../dist/jets/batch.js';
import { Rng } from '../dist/util/rng.js';
import { computeSpectra, selectSpectra } from '../dist/semd/spectrum.js';
import { semdMatrixFromSpectra, semdReference } from '../dist/semd/distance.js';
import { knnFromSpectra } from '../dist/semd/knn.js';
import { loadavg } from 'node:os';
import { generateMixture } from '../dist/jets/generator/index.js';

const quick = process.argv.includes('--quick');
const now = () => performance.now();

/** A crude angular-ordered shower (W: two prongs at the decay angle; QCD: one), good enough for NN structure. */
function showerJet(rng, w) {
  const pt = rng.range(300, 400);
  const y0 = rng.range(-1.7, 1.7), phi0 = rng.range(0, 2 * Math.PI);
  const seeds = [];
  if (w) {
    const z = rng.range(0.2, 0.8), th = 80.4 / (pt * Math.sqrt(z * (1 - z)));
    const a = rng.range(0, 2 * Math.PI);
    seeds.push([z * pt, (1 - z) * th * Math.cos(a), (1 - z) * th * Math.sin(a), th]);
    seeds.push([(1 - z) * pt, -z * th * Math.cos(a), -z * th * Math.sin(a), th]);
  } else seeds.push([pt, 0, 0, 1.0]);
  const out = [];
  const branch = (e, y, p, thMax, depth) => {
    let th = thMax;
    for (;;) {
      th *= Math.exp(-rng.uniform() * 0.25); // ordered angles, log-spaced
      const z = 0.5 * Math.exp(-5 * rng.uniform());
      if (th < 0.01) break;
      if (z * e * th < 1) continue; // below the kt cut-off: no resolved emission at this angle
      const a = rng.range(0, 2 * Math.PI);
      const ey = y + th * Math.cos(a), ep = p + th * Math.sin(a);
      if (depth < 3 && z * e > 5) branch(z * e, ey, ep, th, depth + 1);
      else out.push([z * e, ey, ep]);
      e *= 1 - z;
    }
    out.push([e, y, p]);
  };
  for (const [e, dy, dp, th] of seeds) branch(e, y0 + dy, phi0 + dp, th, 0);
  const kept = out.filter(([, y, p]) => (y - y0) ** 2 + (p - phi0) ** 2 < 1.0);
  return kept.map(([e, y, p]) => [e, y, ((p % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI), 211]);
}

function showerJets(n, seed) {
  const rng = new Rng(seed);
  const jets = [];
  for (let i = 0; i < n; i++) jets.push(showerJet(rng, i % 2 === 0));
  return JetBatch.fromNested(jets, { labels: jets.map((_, i) => (i % 2 === 0 ? 1 : 0)) });
}

function gaussJets(n, m, seed) {
  const rng = new Rng(seed);
  return JetBatch.fromNested(Array.from({ length: n }, () => Array.from({ length: m }, () => [rng.range(1, 50), 0.3 * rng.normal(), 0.3 * rng.normal()])));
}

const rows = [];
const cellWidths = [24, 32, 30, 30];
const json = { machine: '2-core shared (noisy)', load_before: loadavg()[0], pairs_per_s: {} };

// 1. Pairwise SEMD throughput.
for (const m of [30, 60]) {
  const S = await computeSpectra(gaussJets(quick ? 200 : 600, m, m));
  const nRef = quick ? 60 : 150;
  let t0 = now();
  let acc = 0;
  for (let i = 0; i < nRef; i++) for (let j = 0; j < nRef; j++) acc += semdReference(S, i, S, j);
  const ref = (nRef * nRef) / ((now() - t0) / 1000);
  const res = { reference: ref };
  for (const threads of [1, 2]) {
    t0 = now();
    await semdMatrixFromSpectra(S, null, { backend: 'native', threads });
    const n = S.offsets.length - 1;
    res[`native_${threads}t`] = (n * (n - 1)) / 2 / ((now() - t0) / 1000);
  }
  json.pairs_per_s[`M${m}`] = res;
  rows.push([`SEMD pairs/s M=${m}`, `ref ${ref.toExponential(2)}`, `C++ 1t ${res.native_1t.toExponential(2)} (x${(res.native_1t / ref).toFixed(1)})`, `C++ 2t ${res.native_2t.toExponential(2)} (x${(res.native_2t / ref).toFixed(1)})`]);
  if (acc < 0) console.log(acc);
}

// 2. Exact kNN, k = 10, on the project's generator (W vs QCD, its default shower) and on a busier toy shower.
const sizes = quick ? [10000] : [10000, 100000];
const nMax = sizes[sizes.length - 1];
const samples = [
  ['generator W/QCD', generateMixture({ signal: 'w', background: 'qcd', n: nMax / 2, seed: 7 })],
  ['toy shower', showerJets(nMax, 7)],
];
for (const [label, all] of samples) {
  let mult = 0;
  for (let j = 0; j < all.length; j++) mult += all.mult(j);
  const info = { mean_multiplicity: mult / all.length, knn: {} };
  let t0 = now();
  const Sall = await computeSpectra(all, { threads: 2 });
  info.spectra_s = (now() - t0) / 1000;
  for (const n of sizes) {
    const S = n === all.length ? Sall : selectSpectra(Sall, Array.from({ length: n }, (_, i) => i));
    t0 = now();
    const c0 = process.cpuUsage();
    const r = await knnFromSpectra(S, { k: 10, backend: 'native', threads: 2 });
    const tree = (now() - t0) / 1000;
    const cpu = process.cpuUsage(c0).user / 1e6;
    const entry = {
      seconds: tree, cpu_seconds: cpu, refined_per_query: r.refined / n, nodes_per_query: r.nodes / n,
      bounds_per_query: r.bounds / n, refined_fraction: r.refined / (n * (n - 1)),
    };
    if (n === 10000) {
      // Brute force: 1000 queries x all 1e4 candidates with the same kernel, extrapolated to N^2.
      const q = selectSpectra(S, Array.from({ length: 1000 }, (_, i) => i * 10));
      t0 = now();
      await semdMatrixFromSpectra(q, S, { backend: 'native', threads: 2 });
      const perPair = (now() - t0) / 1000 / (1000 * n);
      entry.brute_seconds_extrapolated = perPair * n * n;
      info.brute_seconds_1e5_extrapolated = perPair * 1e10;
      entry.speedup = entry.brute_seconds_extrapolated / tree;
    }
    info.knn[`N${n}`] = entry;
    const brute = entry.brute_seconds_extrapolated ?? info.brute_seconds_1e5_extrapolated;
    rows.push([`${label} kNN N=${n}`, `tree ${tree.toFixed(2)} s (cpu ${cpu.toFixed(1)} s)`, `${entry.refined_per_query.toFixed(1)} exact SEMD/query`, `brute ~${brute.toFixed(0)} s (x${(brute / tree).toFixed(0)})`]);
  }
  rows.push([`${label}: ${all.length} jets`, `spectra ${info.spectra_s.toFixed(2)} s`, `mean M ${info.mean_multiplicity.toFixed(1)}`, '']);
  json[label.replace(/[^a-z]+/gi, '_')] = info;
}
json.load_after = loadavg()[0];
for (const r of rows) console.log(r.map((c, i) => String(c).padEnd(cellWidths[i])).join(' '));
console.log(JSON.stringify(json));
