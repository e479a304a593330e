// Toy parton-shower generator throughput: jets/s per process (plain TypeScript, single thread).
// Usage: npx tsc -p tsconfig.json && node bench/generator.mjs [n=20000]
// There is no second kernel to compare with; the baseline is the `quark` process run in the same process, so the
// ratios (cost per jet relative to a quark jet) are what to compare across machines.
import { generate } from '../dist/jets/generator/index.js';

const n = Number(process.argv[2] ?? 20000);
const cases = [
  ['quark', { process: 'quark' }],
  ['gluon', { process: 'gluon' }],
  ['qcd', { process: 'qcd' }],
  ['w', { process: 'w' }],
  ['w+2had+smear', { process: 'w', twoHadronProb: 0.5, smear: true }],
];

function time(opts) {
  const t0 = performance.now();
  const b = generate({ ...opts, n, seed: 12345 });
  return { s: (performance.now() - t0) / 1000, particles: b.size };
}

generate({ process: 'qcd', n: 2000, seed: 1 }); // warm-up (JIT)
const rows = [];
for (const [name, opts] of cases) {
  const best = [time(opts), time(opts)].sort((a, b) => a.s - b.s)[0];
  rows.push({ name, n, seconds: best.s, jetsPerSecond: n / best.s, meanMult: best.particles / n });
}
const base = rows[0].jetsPerSecond;
console.log(`generator, n = ${n} jets per process (best of 2)`);
console.log('case            seconds    jets/s   mean mult   cost vs quark');
for (const r of rows) {
  console.log(
    `${r.name.padEnd(15)} ${r.seconds.toFixed(3).padStart(7)} ${r.jetsPerSecond.toFixed(0).padStart(9)} ${r.meanMult.toFixed(2).padStart(11)} ${(base / r.jetsPerSecond).toFixed(2).padStart(15)}`,
  );
}
console.log(JSON.stringify({ bench: 'generator', n, rows }));
