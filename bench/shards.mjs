// Throughput of `efp d<=5` run as one process vs N shards in J local processes (run-shards), each process on
// one thread, on the same generated jets; includes the sharding overhead (start-up, manifests, merge).
// Usage: node bench/shards.mjs [jets per class = 20000] [selection = 'd<=5']
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const n = Number(process.argv[2] ?? 20000);
const select = process.argv[3] ?? 'd<=5';
const dir = mkdtempSync(join(tmpdir(), 'jetlens-bench-shards-'));
const cli = join(import.meta.dirname, '..', 'dist', 'cli', 'index.js');
const run = (...a) => execFileSync(process.execPath, [cli, ...a, '--quiet'], { cwd: dir, stdio: 'pipe' });
run('generate', '--signal', 'w', '--background', 'qcd', '--n', String(n), '--seed', '1', '--two-hadron-prob', '1', '--out', 'jets.npz');
const efp = ['efp', '--in', 'jets.npz', '--select', select, '--threads', '1'];
const time = (f) => { const t0 = performance.now(); f(); return (performance.now() - t0) / 1000; };

const rows = [];
const single = time(() => run(...efp, '--out', 'one.npy'));
rows.push({ mode: '1 process', processes: 1, seconds: single, jetsPerSecond: (2 * n) / single, vsOne: 1 });
for (const jobs of [1, 2, 4]) {
  const s = time(() => run('run-shards', '--shards', String(jobs), '--jobs', String(jobs), '--out', `s${jobs}.npy`, '--', ...efp));
  const same = readFileSync(join(dir, `s${jobs}.npy`)).equals(readFileSync(join(dir, 'one.npy')));
  rows.push({ mode: `run-shards ${jobs}x${jobs}`, processes: jobs, seconds: s, jetsPerSecond: (2 * n) / s, vsOne: single / s, identical: same });
}
console.table(rows.map((r) => ({ ...r, seconds: r.seconds.toFixed(2), jetsPerSecond: r.jetsPerSecond.toFixed(0), vsOne: r.vsOne.toFixed(2) })));
console.log(JSON.stringify({ jets: 2 * n, select, rows }));
