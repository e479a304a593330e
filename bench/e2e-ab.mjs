// Whole-process A/B of `jetlens efp --select 'd<=5' --threads 1` between two builds on the same .npy files,
// alternating processes (A, B, B, A, ...) so that the machine's drift hits both alike.
//   node bench/e2e-ab.mjs <rootA> <rootB> [--jets 3000,30000] [--m 50] [--rounds 5]
// rootA/rootB: package roots holding dist/ and build/Release/ (e.g. . and a copy of main's build). Prints, per size
// and build, the median and min of wall and CPU seconds (CPU: the child's user + sys), and the ratios A / B.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { JetBatch, Rng, writeNpy } from '../dist/index.js';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const [rootA, rootB] = [process.argv[2], process.argv[3]];
if (!rootA || !rootB || rootA.startsWith('--') || rootB.startsWith('--')) throw new Error('usage: node bench/e2e-ab.mjs <rootA> <rootB> [--jets 3000,30000] [--m 50] [--rounds 5]');
const sizes = arg('jets', '3000,30000').split(',').map(Number);
const m = Number(arg('m', 50));
const rounds = Number(arg('rounds', 5));
const dir = mkdtempSync(join(tmpdir(), 'jetlens-e2e-ab-'));
const load0 = loadavg();

function childCpu() {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results = [];
for (const n of sizes) {
  const rng = new Rng(1);
  const data = new Float64Array(n * m * 4);
  for (let i = 0; i < n * m; i++) [data[4 * i], data[4 * i + 1], data[4 * i + 2], data[4 * i + 3]] = [rng.range(0.5, 50), rng.range(-0.4, 0.4), rng.range(-0.4, 0.4), 22];
  JetBatch.fromPadded(data, [n, m, 4]); // the same checks the CLI makes
  const file = join(dir, `X${n}.npy`);
  await writeNpy(file, { data, shape: [n, m, 4] });
  const s = { [rootA]: { wall: [], cpu: [] }, [rootB]: { wall: [], cpu: [] } };
  for (let r = 0; r < rounds; r++) {
    for (const root of r % 2 ? [rootB, rootA] : [rootA, rootB]) {
      const cli = resolve(root, 'dist', 'cli', 'index.js');
      const c0 = childCpu();
      const t0 = performance.now();
      const p = spawnSync(process.execPath, [cli, 'efp', '--in', file, '--out', join(dir, 'e.npy'), '--select', 'd<=5', '--threads', '1', '--quiet'], { encoding: 'utf8' });
      const wall = (performance.now() - t0) / 1e3;
      if (p.status !== 0) throw new Error(`${root}: jetlens efp failed: ${p.stderr}`);
      s[root].wall.push(wall);
      s[root].cpu.push(childCpu() - c0);
    }
  }
  const row = { jets: n, m };
  for (const [k, root] of [['a', rootA], ['b', rootB]]) {
    row[`${k}_wall_median`] = +median(s[root].wall).toFixed(3);
    row[`${k}_wall_min`] = +Math.min(...s[root].wall).toFixed(3);
    row[`${k}_cpu_median`] = +median(s[root].cpu).toFixed(3);
  }
  row.wall_a_over_b = +(row.a_wall_median / row.b_wall_median).toFixed(3);
  row.cpu_a_over_b = +(row.a_cpu_median / row.b_cpu_median).toFixed(3);
  results.push(row);
}
rmSync(dir, { recursive: true, force: true });
console.table(results);
console.log(JSON.stringify({ bench: 'e2e-ab', a: rootA, b: rootB, rounds, loadavg_start: load0.map((x) => +x.toFixed(2)), loadavg: loadavg().map((x) => +x.toFixed(2)), results }));
