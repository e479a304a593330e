// EFP kernel A/B: CPU seconds of the native kernel of two builds on identical jets, alternating processes.
//   node bench/efp-ab.mjs <distA> <distB> [--jets 3000] [--m 50] [--reps 4] [--rounds 2] [--select 'd<=5']
// e.g. node bench/efp-ab.mjs dist ../main/dist (the other tree built with `npm run build`). Each process builds the
// same seeded jets, warms up, then keeps the best of --reps batchCompute calls (one thread); prints one JSON line per
// process and the ratio A/B of the best CPU times.
//   node bench/efp-ab.mjs <distA> <distB> --same-process [--rounds 15] [--m 50] ...: both builds in this one process
// (each dist loads its own addon), calls alternating A B B A ..., so both see the same machine speed; prints the
// median of the per-round ratios A/B (steadier than best-of on a machine whose speed drifts) and the largest
// relative difference between the two builds' EFPs.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const [n, m, reps, rounds, sel] = [Number(arg('jets', 3000)), Number(arg('m', 50)), Number(arg('reps', 4)), Number(arg('rounds', process.argv.includes('--same-process') ? 15 : 2)), arg('select', 'd<=5')];

/** The seeded jets and the EFP set, with the classes of the build in `dist`. */
async function load(dist) {
  const { EFPSet, JetBatch, Rng } = await import(pathToFileURL(resolve(dist, 'index.js')).href);
  const rng = new Rng(1);
  const data = new Float64Array(n * m * 4);
  for (let i = 0; i < n * m; i++) [data[4 * i], data[4 * i + 1], data[4 * i + 2], data[4 * i + 3]] = [rng.range(0.5, 50), rng.range(-0.4, 0.4), rng.range(-0.4, 0.4), 22];
  return { batch: JetBatch.fromPadded(data, [n, m, 4]), set: new EFPSet(sel) };
}

async function cpuOf(f) {
  const c0 = process.cpuUsage();
  const out = await f();
  const c = process.cpuUsage(c0);
  return { out, cpu: (c.user + c.system) / 1e6 };
}

if (process.argv.includes('--same-process')) {
  const [a, b] = [process.argv[2], process.argv[3]];
  const runs = [await load(a), await load(b)];
  const opts = { threads: 1, backend: 'native' };
  for (const r of runs) await r.set.batchCompute(r.batch.slice(0, 50), opts);
  const [ea, eb] = [await runs[0].set.batchCompute(runs[0].batch, opts), await runs[1].set.batchCompute(runs[1].batch, opts)];
  let maxRel = 0;
  for (let i = 0; i < ea.length; i++) maxRel = Math.max(maxRel, Math.abs(ea[i] - eb[i]) / Math.max(Math.abs(ea[i]), 1e-300));
  const cpu = [[], []];
  for (let k = 0; k < rounds; k++) for (const i of k % 2 ? [1, 0] : [0, 1]) cpu[i].push((await cpuOf(() => runs[i].set.batchCompute(runs[i].batch, opts))).cpu);
  const med = (x) => [...x].sort((p, q) => p - q)[x.length >> 1];
  const ratio = med(cpu[0].map((x, k) => x / cpu[1][k]));
  console.log(JSON.stringify({ bench: 'efp-ab', mode: 'same-process', a, b, jets: n, m, select: sel, rounds, cpu_a_median: +med(cpu[0]).toFixed(4), cpu_b_median: +med(cpu[1]).toFixed(4), cpu_a_min: +Math.min(...cpu[0]).toFixed(4), cpu_b_min: +Math.min(...cpu[1]).toFixed(4), ratio_a_over_b: +ratio.toFixed(3), max_rel_diff: +maxRel.toExponential(2) }));
} else if (process.argv[2] === '--child') {
  const { batch, set } = await load(process.argv[3]);
  await set.batchCompute(batch.slice(0, 50), { threads: 1, backend: 'native' });
  let best = Infinity;
  for (let r = 0; r < reps; r++) best = Math.min(best, (await cpuOf(() => set.batchCompute(batch, { threads: 1, backend: 'native' }))).cpu);
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
