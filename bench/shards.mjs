// Throughput of `efp` (or `knn`) run as one process vs N shards in N local processes (run-shards), each process on one
// thread, on the same generated jets; includes the sharding overhead (start-up, reading the input in every shard,
// manifests, merge). Wall time gives the speed-up; CPU time (Linux: children's utime + stime from /proc) gives
// the overhead, which does not depend on what else the machine is running.
// Usage: node bench/shards.mjs [jets per class = 20000] [selection = 'd<=5', or knn] [max processes = 4] [emission scale = 1]
//        [input = npz (deflated: every shard inflates it all) | npy (a shard reads only its rows)]
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const n = Number(process.argv[2] ?? 20000);
const select = process.argv[3] ?? 'd<=5';
const maxJobs = Number(process.argv[4] ?? 4);
const emission = process.argv[5] ?? '1'; // 4: about 34 particles per jet instead of 10 (more work per jet)
const input = `jets.${process.argv[6] ?? 'npz'}`;
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

// The machine's own parallel capacity: J copies of a fixed CPU loop, wall time of one over wall time of J / J. On
// 2 vCPUs that share a physical core (SMT) this is well below 2, and no sharding can beat it.
const loop = 'let x = 0; for (let i = 0; i < 4e8; i++) x += i % 7; if (x < 0) console.log(x);';
const spin = async (jobs) => {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: jobs }, () => new Promise((ok, fail) => execFile(process.execPath, ['-e', loop], (e) => (e ? fail(e) : ok())))));
  return (performance.now() - t0) / 1000;
};
const spin1 = await spin(1);
const capacity = { 1: 1 };
for (let j = 2; j <= maxJobs; j *= 2) capacity[j] = (j * spin1) / (await spin(j));

run('generate', '--signal', 'w', '--background', 'qcd', '--n', String(n), '--seed', '1', '--two-hadron-prob', '1', '--emission-scale', emission, '--out', input);
// The command under test: `efp --select SEL`, or `knn --k 10` when the selection argument is 'knn'.
const [cmd, ext] = select === 'knn' ? [['knn', '--in', input, '--k', '10'], 'npz'] : [['efp', '--in', input, '--select', select], 'npy'];
const same = (a, b) => readFileSync(join(dir, a)).equals(readFileSync(join(dir, b)));
const jets = 2 * n;
const row = (mode, processes, m, base, identical) => ({
  mode, processes, seconds: m.seconds, jetsPerSecond: jets / m.seconds, speedup: base ? base.seconds / m.seconds : 1, machineCapacity: capacity[processes] ?? null,
  cpuSeconds: m.cpu, cpuOverhead: base && m.cpu !== null && base.cpu ? m.cpu / base.cpu - 1 : 0, identical,
});
const rows = [];
const one = measure(() => run(...cmd, '--threads', '1', '--out', `one.${ext}`));
rows.push(row('1 process, 1 thread', 1, one, null, true));
const threads = measure(() => run(...cmd, '--threads', '0', '--out', `threads.${ext}`));
rows.push(row(`1 process, ${cpus().length} threads`, 1, threads, one, same(`threads.${ext}`, `one.${ext}`)));
for (let jobs = 1; jobs <= maxJobs; jobs *= 2) {
  const m = measure(() => run('run-shards', '--shards', String(jobs), '--jobs', String(jobs), '--out', `s${jobs}.${ext}`, '--', ...cmd, '--threads', '1'));
  rows.push(row(`run-shards ${jobs}x${jobs}, 1 thread each`, jobs, m, one, same(`s${jobs}.${ext}`, `one.${ext}`)));
}
rmSync(dir, { recursive: true, force: true });
const fmt = (v, d) => (v === null ? '-' : v.toFixed(d));
console.table(rows.map((r) => ({ ...r, seconds: fmt(r.seconds, 2), jetsPerSecond: fmt(r.jetsPerSecond, 0), speedup: fmt(r.speedup, 2), machineCapacity: fmt(r.machineCapacity, 2), cpuSeconds: fmt(r.cpuSeconds, 2), cpuOverhead: `${fmt(100 * r.cpuOverhead, 1)}%` })));
console.log(JSON.stringify({ jets, select, input, emission, cores: cpus().length, capacity, rows }));
