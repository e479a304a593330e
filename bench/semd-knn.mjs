// SEMD at real multiplicities (issue #20.6): exact kNN (k = 10) over jets of 30-60 particles, timed on a sample of
// queries and extrapolated to all N (per-query cost measured in the same process), and the pairwise kernel's
// throughput at M = 30, 60, 120 against the memory bandwidth measured in this process (a 256 MiB memcpy).
//   npx tsc -p tsconfig.json && node bench/semd-knn.mjs [--n 100000] [--queries 2000] [--threads 2] [--skip-knn]
//     [--jets v2|showers] [--all]
// Jets: generator v2 quark/gluon jets (default) or synthetic showers (three hard prongs and a soft spray,
// multiplicity uniform in 30..60). Reports CPU seconds (the machine is shared) next to wall seconds.
import { loadavg } from 'node:os';
import { JetBatch, Rng, computeSpectra, knnFromSpectra } from '../dist/index.js';
import { generateMixture } from '../dist/jets/generator/index.js';
import { semdMatrixFromSpectra } from '../dist/semd/distance.js';
import { knnFromSpectra as knnRef } from '../dist/semd/knn.js';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const N = Number(arg('n', '100000'));
const Q = Number(arg('queries', '2000'));
const threads = Number(arg('threads', '2'));
// --jets v2 (default): generator v2 quark vs gluon jets at hadron level (multiplicity about 30-60, mean ~46);
// --jets showers: the synthetic showers of the first measurement (multiplicity uniform 30..60).
const jetKind = arg('jets', 'v2');
// --all: run every one of the N queries (a real run, not an extrapolation) after the timed samples.
const all = process.argv.includes('--all');

function jets(n, mlo, mhi, seed) {
  const rng = new Rng(seed);
  const out = [];
  for (let j = 0; j < n; j++) {
    const m = mlo + rng.int(mhi - mlo + 1);
    const jet = [];
    for (let k = 0; k < m; k++) jet.push([k < 3 ? rng.range(50, 300) : rng.range(0.5, 20) * Math.exp(-k / 20), 0.15 * rng.normal(), 0.15 * rng.normal()]);
    out.push(jet);
  }
  return JetBatch.fromNested(out);
}

async function timed(fn) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await fn();
  const c = process.cpuUsage(c0);
  return { r, wall: (performance.now() - t0) / 1e3, cpu: (c.user + c.system) / 1e6 };
}

// memory bandwidth: memcpy of 256 MiB (read + write), best of 3
const src = Buffer.alloc(256 * 2 ** 20, 1);
const dst = Buffer.alloc(src.length);
// per CPU second too: under load the wall clock counts other processes (the kernel figures are per CPU second)
let bw = 0;
let bwCpu = 0;
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  src.copy(dst);
  const c = process.cpuUsage(c0);
  bw = Math.max(bw, (2 * src.length) / ((performance.now() - t0) / 1e3));
  bwCpu = Math.max(bwCpu, (2 * src.length) / ((c.user + c.system) / 1e6));
}

const kernelRows = [];
for (const [m, n] of [[30, 300], [60, 150], [120, 60]]) {
  const S = await computeSpectra(jets(n, m, m, m), {});
  const entries = S.offsets[S.offsets.length - 1];
  const t = await timed(() => semdMatrixFromSpectra(S, null, { threads: 1 }));
  const pairs = (n * (n - 1)) / 2;
  const perPair = (2 * entries / n) * 16; // two spectra of omega + cum doubles
  const pps = pairs / t.cpu;
  kernelRows.push({ M: m, 'spectrum entries': Math.round(entries / n), 'pairs/s (1 thread, per CPU s)': Math.round(pps), 'bytes/pair': Math.round(perPair), 'GB/s streamed': +((pps * perPair) / 1e9).toFixed(2), 'memcpy GB/s (wall)': +(bw / 1e9).toFixed(2), 'memcpy GB/s per CPU s': +(bwCpu / 1e9).toFixed(2), 'fraction of memcpy (CPU)': +((pps * perPair) / bwCpu).toFixed(3) });
}
console.table(kernelRows);

let knn = null;
if (!process.argv.includes('--skip-knn')) {
  const b = jetKind === 'v2' ? generateMixture({ signal: 'quark', background: 'gluon', n: Math.ceil(N / 2), seed: 1 }).slice(0, N) : jets(N, 30, 60, 1);
  let mult = 0;
  for (let j = 0; j < b.length; j++) mult += b.offsets[j + 1] - b.offsets[j];
  const spec = await timed(() => computeSpectra(b, { threads }));
  const S = spec.r;
  const q0 = Math.floor(N / 3);
  const first = await timed(() => knnFromSpectra(S, { k: 10, threads, queries: [q0, q0 + Q] }));
  const second = await timed(() => knnFromSpectra(S, { k: 10, threads, queries: [q0 + Q, q0 + 3 * Q] }));
  const perQuery = (second.cpu - first.cpu) / Q; // the embedding and tree are built by both calls
  const setup = first.cpu - perQuery * Q;
  // exactness: brute force on sampled rows
  const sample = 5;
  const ref = await knnRef(S, { k: 10, backend: 'reference', queries: [q0, q0 + sample] });
  let same = true;
  for (let i = 0; i < sample * 10; i++) same &&= ref.index[i] === first.r.index[i] && Math.abs(ref.distance[i] - first.r.distance[i]) <= 1e-9 * Math.max(1, ref.distance[i]);
  const totalCpu = spec.cpu + setup + perQuery * N;
  let allRun = null;
  if (all) {
    const t = await timed(() => knnFromSpectra(S, { k: 10, threads }));
    allRun = { 'all N queries: wall s': +t.wall.toFixed(1), 'cpu s': +t.cpu.toFixed(1), 'exact SEMD / query': +(t.r.refined / N).toFixed(1) };
  }
  knn = {
    N, jets: jetKind, 'mean multiplicity': +(mult / N).toFixed(1), queries: `${Q} + ${2 * Q}`, 'spectra cpu s': +spec.cpu.toFixed(1), 'embedding + tree cpu s': +setup.toFixed(1),
    'cpu ms / query': +(perQuery * 1e3).toFixed(2), 'exact SEMD / query': +(first.r.refined / Q).toFixed(1),
    'all N queries, cpu s (extrapolated)': +totalCpu.toFixed(0), [`on ${threads} idle cores, s`]: +(totalCpu / threads).toFixed(0),
    'brute force equal on sampled rows': same,
    ...allRun,
  };
  console.table([knn]);
}
console.log(JSON.stringify({ bench: 'semd-knn', loadavg: loadavg().map((x) => +x.toFixed(2)), kernel: kernelRows, knn }));
