// Throughput of `efp` run as one process vs N shards in N local processes (run-shards), each process on one
// thread, on the same generated jets; includes the sharding overhead (start-up, reading the input in every shard,
// manifests, merge). Wall time gives the speed-up; CPU time (Linux: children's utime + stime from /proc) gives
// the overhead, which does not depend on what else the machine is running.
// Usage: node bench/shards.mjs [jets per class = 20000] [selection = 'd<=5'] [max processes = 4]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const n = Number(process.argv[2] ?? 20000);
const select = process.argv[3] ?? 'd<=5';
const maxJobs = Number(process.argv[4] ?? 4);
const dir = mkdtempSync(join(tmpdir(), 'jetlens-bench-shards-'));
const cli = join(import.meta.dirname, '..', 'dist', 'cli', 'index.js');
const run = (...a) => execFileSync(process.execPath, [cli, ...a, '--quiet'], { cwd: dir, stdio: 'pipe' });
/** CPU seconds of the finished children of this process (null where /proc is missing). */
function childCpu() {
  if (!existsSync('/proc/self/stat')) return null;
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[13]) + Number(f[14])) / 100; // cutime + cstime, in USER_HZ = 100 ticks
}
function measure(f) {
  const c0 = childCpu();
  const t0 = performance.now();
  f();
  const seconds = (performance.now() - t0) / 1000;
  const c1 = childCpu();
  return { seconds, cpu: c0 === null ? null : c1 - c0 };
}

run('generate', '--signal', 'w', '--background', 'qcd', '--n', String(n), '--seed', '1', '--two-hadron-prob', '1', '--out', 'jets.npz');
const efp = ['efp', '--in', 'jets.npz', '--select', select];
const jets = 2 * n;
const row = (mode, processes, m, base, identical) => ({
  mode, processes, seconds: m.seconds, jetsPerSecond: jets / m.seconds, speedup: base ? base.seconds / m.seconds : 1,
  cpuSeconds: m.cpu, cpuOverhead: base && m.cpu !== null && base.cpu ? m.cpu / base.cpu - 1 : 0, identical,
});
const rows = [];
const one = measure(() => run(...efp, '--threads', '1', '--out', 'one.npy'));
rows.push(row('1 process, 1 thread', 1, one, null, true));
const threads = measure(() => run(...efp, '--threads', '0', '--out', 'threads.npy'));
rows.push(row(`1 process, ${cpus().length} threads`, 1, threads, one, readFileSync(join(dir, 'threads.npy')).equals(readFileSync(join(dir, 'one.npy')))));
for (let jobs = 1; jobs <= maxJobs; jobs *= 2) {
  const m = measure(() => run('run-shards', '--shards', String(jobs), '--jobs', String(jobs), '--out', `s${jobs}.npy`, '--', ...efp, '--threads', '1'));
  rows.push(row(`run-shards ${jobs}x${jobs}, 1 thread each`, jobs, m, one, readFileSync(join(dir, `s${jobs}.npy`)).equals(readFileSync(join(dir, 'one.npy')))));
}
rmSync(dir, { recursive: true, force: true });
const fmt = (v, d) => (v === null ? '-' : v.toFixed(d));
console.table(rows.map((r) => ({ ...r, seconds: fmt(r.seconds, 2), jetsPerSecond: fmt(r.jetsPerSecond, 0), speedup: fmt(r.speedup, 2), cpuSeconds: fmt(r.cpuSeconds, 2), cpuOverhead: `${fmt(100 * r.cpuOverhead, 1)}%` })));
console.log(JSON.stringify({ jets, select, cores: cpus().length, rows }));
