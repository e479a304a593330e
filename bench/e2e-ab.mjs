// Whole-process A/B of `jetlens efp --select 'd<=5' --threads 1` between two builds, or one build in two
// environments, on the same .npy files, alternating processes (A, B, B, A, ...) so that the machine's drift hits
// both alike.
//   node bench/e2e-ab.mjs <rootA> <rootB> [--jets 3000,30000] [--m 50] [--rounds 5] [--env-a X=1,-Y] [--env-b ...]
// rootA/rootB: package roots holding dist/ and build/Release/ (e.g. . and a copy of main's build). --env-a/--env-b:
// comma-separated changes to that side's environment, VAR=VALUE or -VAR (unset); e.g. the bundled efp entry against
// the modules: `node bench/e2e-ab.mjs . . --env-b JETLENS_CLI_BUNDLE=0`. Prints, per size and side, the median and
// min of wall and CPU seconds (CPU: the child's user + sys), and the ratios A / B.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { JetBatch, writeNpy } from '../dist/index.js';
import { arg, efpArgs, jets, runProcess, stats } from './e2e-lib.mjs';

const [rootA, rootB] = [process.argv[2], process.argv[3]];
if (!rootA || !rootB || rootA.startsWith('--') || rootB.startsWith('--')) {
  throw new Error('usage: node bench/e2e-ab.mjs <rootA> <rootB> [--jets 3000,30000] [--m 50] [--rounds 5] [--env-a X=1,-Y] [--env-b ...]');
}
const sizes = arg('jets', '3000,30000').split(',').map(Number);
const m = Number(arg('m', 50));
const rounds = Number(arg('rounds', 5));
const dir = mkdtempSync(join(tmpdir(), 'jetlens-e2e-ab-'));
const load0 = loadavg();

/** process.env with the changes of --env-a / --env-b applied. */
function envOf(spec) {
  const env = { ...process.env };
  for (const c of (spec ?? '').split(',').filter(Boolean)) {
    if (c.startsWith('-')) delete env[c.slice(1)];
    else env[c.slice(0, c.indexOf('='))] = c.slice(c.indexOf('=') + 1);
  }
  return env;
}
const sides = [
  { name: 'a', root: rootA, env: envOf(arg('env-a')) },
  { name: 'b', root: rootB, env: envOf(arg('env-b')) },
];

const results = [];
for (const n of sizes) {
  const data = jets(n, m);
  JetBatch.fromPadded(data, [n, m, 4]); // the same checks the CLI makes
  const file = join(dir, `X${n}.npy`);
  await writeNpy(file, { data, shape: [n, m, 4] });
  const s = sides.map(() => ({ wall: [], cpu: [] }));
  for (let r = 0; r < rounds; r++) {
    for (const k of r % 2 ? [1, 0] : [0, 1]) {
      const { wall, cpu } = runProcess(efpArgs(resolve(sides[k].root, 'dist', 'cli', 'index.js'), file, dir), sides[k].env);
      s[k].wall.push(wall);
      s[k].cpu.push(cpu);
    }
  }
  const row = { jets: n, m };
  sides.forEach(({ name }, k) => {
    const w = stats(s[k].wall);
    row[`${name}_wall_median`] = w.median;
    row[`${name}_wall_min`] = w.min;
    row[`${name}_cpu_median`] = stats(s[k].cpu).median;
  });
  row.wall_a_over_b = +(row.a_wall_median / row.b_wall_median).toFixed(3);
  row.cpu_a_over_b = +(row.a_cpu_median / row.b_cpu_median).toFixed(3);
  results.push(row);
}
rmSync(dir, { recursive: true, force: true });
console.table(results);
const env = { a: arg('env-a') ?? '', b: arg('env-b') ?? '' };
console.log(JSON.stringify({ bench: 'e2e-ab', a: rootA, b: rootB, env, rounds, loadavg_start: load0.map((x) => +x.toFixed(2)), loadavg: loadavg().map((x) => +x.toFixed(2)), results }));
