// Shared by bench/e2e-efp.mjs and bench/e2e-ab.mjs: their jets, one timed `jetlens efp` process, and statistics.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../dist/index.js';

/** The value after `--name` on the command line, or `def`. */
export const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};

/** (N, M, 4) jets with exactly M particles each: pt, y, phi, pid. */
export function jets(n, m, seed = 1) {
  const rng = new Rng(seed);
  const data = new Float64Array(n * m * 4);
  for (let i = 0; i < n * m; i++) {
    data[4 * i] = rng.range(0.5, 50);
    data[4 * i + 1] = rng.range(-0.4, 0.4);
    data[4 * i + 2] = rng.range(-0.4, 0.4);
    data[4 * i + 3] = 22;
  }
  return data;
}

/** Children's CPU seconds so far (utime + stime of waited-for children, /proc/self/stat fields 16, 17). */
function childCpu() {
  try {
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return NaN;
  }
}

/** One Node process (`args`, environment `env`): wall and CPU seconds. */
export function runProcess(args, env = process.env) {
  const c0 = childCpu();
  const t0 = performance.now();
  const p = spawnSync(process.execPath, args, { encoding: 'utf8', env });
  const wall = (performance.now() - t0) / 1e3;
  if (p.status !== 0) throw new Error(`${args.join(' ')} failed: ${p.stderr}`);
  return { wall, cpu: childCpu() - c0 };
}

/** The arguments of the benchmarked command: `jetlens efp --select 'd<=5' --threads 1` on `file`, output in `dir`. */
export const efpArgs = (cli, file, dir) => [cli, 'efp', '--in', file, '--out', join(dir, 'e.npy'), '--select', 'd<=5', '--threads', '1', '--quiet'];

/** {median, min, max} of the samples, rounded to `d` decimals. */
export function stats(xs, d = 3) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  const r = (x) => +x.toFixed(d);
  return { median: r(median), min: r(s[0]), max: r(s[s.length - 1]) };
}
