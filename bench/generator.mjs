// Built-in generator throughput: jets/s per process and level (plain TypeScript, one thread).
// Usage: npx tsc -p tsconfig.json && node bench/generator.mjs [n=20000]
// jets/CPU-s: jets per second of this process's CPU time (one thread), the figure to compare with the target.
// Baseline in the same process: the v1 generator (--hadronize none) for the same process; the ratio v2/v1 is the
// cost of the hadron-level jets, and jets/s at the new multiplicities is the target (>= 20,000 on one core).
import { generate } from '../dist/jets/generator/index.js';
import { loadavg } from 'node:os';

const n = Number(process.argv[2] ?? 20000);
const cases = [
  ['quark (particles)', { process: 'quark' }],
  ['gluon (particles)', { process: 'gluon' }],
  ['w (towers, trimmed)', { process: 'w' }],
  ['qcd (towers, trimmed)', { process: 'qcd' }],
  ['w (particle level)', { process: 'w', towers: 0, trim: false }],
  ['qcd (particle level)', { process: 'qcd', towers: 0, trim: false }],
];

// CPU time of this (single-threaded) process as well as wall time: on a shared, loaded machine the wall clock
// counts the time other processes held the core; jets per CPU-second is the one-core throughput.
function time(opts) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const b = generate({ ...opts, n, seed: 12345 });
  const c = process.cpuUsage(c0);
  return { s: (c.user + c.system) / 1e6, wall: (performance.now() - t0) / 1000, particles: b.size };
}

const best = (opts) => [time(opts), time(opts)].sort((a, b) => a.s - b.s)[0];
generate({ process: 'qcd', n: 2000, seed: 1 }); // warm-up (JIT)
generate({ process: 'qcd', n: 2000, seed: 1, hadronize: 'none' });
const load = loadavg()[0];
const rows = [];
for (const [name, opts] of cases) {
  const v2 = best(opts);
  const v1 = best({ process: opts.process, hadronize: 'none' });
  rows.push({ name, n, cpuSeconds: v2.s, wallSeconds: v2.wall, jetsPerSecond: n / v2.s, jetsPerWallSecond: n / v2.wall, meanMult: v2.particles / n, v1JetsPerSecond: n / v1.s, costVsV1: v2.s / v1.s });
}
console.log(`generator v2, n = ${n} jets per case (best of 2), load average ${load.toFixed(2)} at start`);
console.log('case                    CPU s   jets/CPU-s  jets/wall-s   mean mult   v1 jets/CPU-s   cost vs v1');
for (const r of rows) {
  console.log(
    `${r.name.padEnd(22)} ${r.cpuSeconds.toFixed(3).padStart(6)} ${r.jetsPerSecond.toFixed(0).padStart(12)} ${r.jetsPerWallSecond.toFixed(0).padStart(12)} ${r.meanMult.toFixed(1).padStart(11)} ${r.v1JetsPerSecond.toFixed(0).padStart(15)} ${r.costVsV1.toFixed(1).padStart(12)}`,
  );
}
console.log(JSON.stringify({ bench: 'generator', n, loadAverage: load, rows }));
