// EFP throughput: native plan executor vs the TypeScript plan executor ('reference') and the brute-force M^n
// definition (extrapolated from small M), plus achieved GFLOP/s against this machine's peak.
// Run: npx tsc -p tsconfig.json && node bench/efp.mjs [--quick]
import { readFileSync } from 'node:fs';
import { EFPSet, JetBatch, Rng, efpBruteForce } from '../dist/index.js';
import { graphFromEdges } from '../dist/efp/graph.js';
import { measureJet, resolveMeasure } from '../dist/efp/measure.js';

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 0.3 : 1.0;
const ENERGYFLOW_D5_M50 = 170; // jets/s, EnergyFlow 1.4 batch_compute, d<=5, M=50, one core (recorded in bench/README.md)

function jets(n, M, seed) {
  const rng = new Rng(seed);
  return JetBatch.fromNested(Array.from({ length: n }, () =>
    Array.from({ length: M }, () => [rng.range(1, 100), rng.range(-0.4, 0.4), rng.range(-0.4, 0.4)])));
}

/** jets/s of a backend (wall clock), repeating until SECONDS of wall time; .cpu = jets per CPU-second. */
let lastCpuRate = 0;
async function rate(set, M, opts, maxJets = 4096) {
  let n = 8;
  for (;;) {
    const b = jets(n, M, n);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await set.batchCompute(b, opts);
    const dt = (performance.now() - t0) / 1000;
    const cu = process.cpuUsage(c0);
    lastCpuRate = n / ((cu.user + cu.system) / 1e6);
    if (dt >= SECONDS || n >= maxJets) return n / dt;
    n = Math.min(maxJets, Math.ceil(n * Math.max(2, (1.2 * SECONDS) / Math.max(dt, 1e-4))));
  }
}

/** Brute-force seconds per jet at multiplicity M, extrapolated: measured ns per term at M = 3, times M^n per graph. */
function bruteSecondsPerJet(set, M) {
  const m = resolveMeasure({});
  const b = jets(1, 3, 99);
  const { z, theta } = measureJet(m, b.pt, b.y, b.phi);
  const graphs = set.graphs.map((e) => graphFromEdges(e));
  let terms = 0;
  const t0 = performance.now();
  for (let rep = 0; rep < 3; rep++) for (const g of graphs) { efpBruteForce(g, z, theta); terms += 3 ** g.n; }
  const perTerm = (performance.now() - t0) / 1000 / terms;
  return graphs.reduce((s, g) => s + perTerm * M ** g.n, 0);
}

function peakGflops() {
  // AVX2 + FMA: 2 FMA pipes x 4 doubles x 2 flops per cycle per core; clock from BogoMIPS / 2
  const cpu = readFileSync('/proc/cpuinfo', 'utf8');
  const bogo = Number((/bogomips\s*:\s*([\d.]+)/i.exec(cpu) ?? [])[1] ?? 4000);
  return { ghz: bogo / 2000, perCore: (bogo / 2000) * 16 };
}

const rows = [];
const peak = peakGflops();
const configs = [['d<=5', 50], ['d<=5', 100], ['d<=7', 50], ['d<=7', 100]];
for (const [sel, M] of configs) {
  const set = new EFPSet(sel);
  const flops = set.plan.flops(M);
  const row = { sel, M, K: set.length, primes: set.primes.length, flopsPerJet: flops };
  for (const threads of [1, 2]) row[`native_t${threads}`] = await rate(set, M, { backend: 'native', threads }, sel === 'd<=5' ? 20000 : 2000);
  row.native_t2_perCpuSecond = lastCpuRate;
  row.native_t1_perCpuSecond = (await rate(set, M, { backend: 'native', threads: 1 }, sel === 'd<=5' ? 20000 : 2000), lastCpuRate);
  row.reference = await rate(set, M, { backend: 'reference' }, 64);
  row.bruteExtrapolated = 1 / bruteSecondsPerJet(set, M);
  row.gflops_t1 = (flops * row.native_t1) / 1e9;
  row.pctPeak_t1 = (100 * row.gflops_t1) / peak.perCore;
  row.speedupVsReference = row.native_t1 / row.reference;
  row.speedupVsBrute = row.native_t1 / row.bruteExtrapolated;
  if (sel === 'd<=5' && M === 50) row.vsEnergyFlow = row.native_t1 / ENERGYFLOW_D5_M50;
  rows.push(row);
}
// the dominant plans: connected c = 3 graphs (the bulk of d <= 7 work)
{
  const set = new EFPSet(['d<=7', 'c==3', 'p==1']);
  const M = 100;
  const r1 = await rate(set, M, { backend: 'native', threads: 1 }, 2000);
  rows.push({ native_t1_perCpuSecond: lastCpuRate, sel: 'd<=7,c==3,p==1', M, K: set.length, primes: set.primes.length, flopsPerJet: set.plan.flops(M), native_t1: r1,
    gflops_t1: (set.plan.flops(M) * r1) / 1e9, pctPeak_t1: (100 * (set.plan.flops(M) * r1)) / 1e9 / peak.perCore });
}

const f = (x, d = 0) => (x === undefined ? '-' : x >= 1e6 ? x.toExponential(2) : x.toFixed(d));
console.log(`peak estimate: ${peak.ghz.toFixed(2)} GHz x 16 flop/cycle = ${peak.perCore.toFixed(1)} GFLOP/s per core (AVX2+FMA)`);
console.log('(native t1/t2: jets/s wall clock; t1/cpu-s: jets per CPU-second, robust to other load on the machine)');
console.log('selection        M    K  primes  native t1  t1/cpu-s  native t2  reference  brute(extrap)  x ref   x brute  GFLOP/s t1  %peak');
for (const r of rows) {
  console.log(`${r.sel.padEnd(15)} ${String(r.M).padStart(3)} ${String(r.K).padStart(5)} ${String(r.primes).padStart(6)}  ${f(r.native_t1).padStart(9)}  ${f(r.native_t1_perCpuSecond).padStart(8)}  ${f(r.native_t2).padStart(9)}  ${f(r.reference, 1).padStart(9)}  ${(r.bruteExtrapolated === undefined ? '-' : r.bruteExtrapolated.toExponential(1)).padStart(13)}  ${f(r.speedupVsReference).padStart(5)}  ${(r.speedupVsBrute === undefined ? '-' : r.speedupVsBrute.toExponential(1)).padStart(8)}  ${f(r.gflops_t1, 2).padStart(10)}  ${f(r.pctPeak_t1, 1).padStart(5)}`);
}
const d5 = rows.find((r) => r.sel === 'd<=5' && r.M === 50);
console.log(`d<=5, M=50, one thread: ${f(d5.native_t1)} jets/s (${f(d5.native_t1_perCpuSecond)} per CPU-second) = ${f(d5.vsEnergyFlow, 1)}x EnergyFlow's ~${ENERGYFLOW_D5_M50} jets/s (kernel target >= 80x, #20.3)`);
console.log(JSON.stringify({ bench: 'efp', peakGflopsPerCore: peak.perCore, rows }));
