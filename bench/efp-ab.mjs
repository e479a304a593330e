// EFP kernel A/B: CPU seconds of the native kernel of two builds on identical jets, alternating processes.
//   node bench/efp-ab.mjs <distA> <distB> [--jets 3000] [--m 50] [--reps 4] [--rounds 2] [--select 'd<=5']
// e.g. node bench/efp-ab.mjs dist ../main/dist (the other tree built with `npm run build`). Each process builds the
// same seeded jets, warms up, then keeps the best of --reps batchCompute calls (one thread); prints one JSON line per
// process and the ratio A/B of the best CPU times.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const [n, m, reps, rounds, sel] = [Number(arg('jets', 3000)), Number(arg('m', 50)), Number(arg('reps', 4)), Number(arg('rounds', 2)), arg('select', 'd<=5')];

if (process.argv[2] === '--child') {
  const { EFPSet, JetBatch, Rng } = await import(pathToFileURL(resolve(process.argv[3], 'index.js')).href);
  const rng = new Rng(1);
  const data = new Float64Array(n * m * 4);
  for (let i = 0; i < n * m; i++) [data[4 * i], data[4 * i + 1], data[4 * i + 2], data[4 * i + 3]] = [rng.range(0.5, 50), rng.range(-0.4, 0.4), rng.range(-0.4, 0.4), 22];
  const batch = JetBatch.fromPadded(data, [n, m, 4]);
  const set = new EFPSet(sel);
  await set.batchCompute(batch.slice(0, 50), { threads: 1, backend: 'native' });
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    await set.batchCompute(batch, { threads: 1, backend: 'native' });
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1e6);
  }
  console.log(JSON.stringify({ dist: process.argv[3], jets: n, m, select: sel, cpu_s: +best.toFixed(4) }));
} else {
  const [a, b] = [process.argv[2], process.argv[3]];
  if (!a || !b) throw new Error('usage: node bench/efp-ab.mjs <distA> <distB> [--jets N] [--m M] [--reps R] [--rounds K]');
  const best = { [a]: Infinity, [b]: Infinity };
  for (let k = 0; k < rounds; k++) for (const d of [a, b]) {
    const p = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', d, ...process.argv.slice(4)], { encoding: 'utf8' });
    if (p.status !== 0) throw new Error(p.stderr);
    process.stdout.write(p.stdout);
    best[d] = Math.min(best[d], JSON.parse(p.stdout).cpu_s);
  }
  console.log(JSON.stringify({ bench: 'efp-ab', a, b, cpu_a: best[a], cpu_b: best[b], ratio_a_over_b: +(best[a] / best[b]).toFixed(3) }));
}
