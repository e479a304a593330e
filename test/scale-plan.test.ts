// #23.4: `jetlens plan`, the cost model of a sharded efp run. Its CPU estimate for a small run must be within 2x of
// the measured CPU time of that run (CPU time, not wall time, so it holds on a busy machine); the arithmetic of the
// plan (shard count from wall time and memory, input files, rounds) is checked on a fixed calibration.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatNpy } from '../src/io/npy.js';
import { parseWallTime } from '../src/cli/plan.js';
import { planRun, WALL_MARGIN, type Calibration } from '../src/shard/plan.js';
import { Rng } from '../src/util/rng.js';

const cli = join(import.meta.dirname, '..', 'dist', 'cli', 'index.js');

/** CPU seconds of the finished children of this process (Linux /proc), or null. */
function childrenCpu(): number | null {
  if (!existsSync('/proc/self/stat')) return null;
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

const cal: Calibration = {
  cpuPerJet: 1e-4, calibrationJets: 4096, calibrationCpu: 0.41, startupCpu: 0.3, startupSource: 'measured',
  hashCpuPerByte: 1e-9, baseRss: 100 * 2 ** 20, columns: 102, multiplicity: 50, selection: 'd<=5',
};

t.test('plan arithmetic: shards from the wall time and the memory cap, input files, rounds, sizes', async (t) => {
  const p = planRun(cal, { jets: 1e6, wallTime: 60, cores: 10 });
  const overhead = 0.3 + (128 + 1e6 * 50 * 4 * 8) * 1e-9;
  const perShard = Math.floor((WALL_MARGIN * 60 - overhead) / 1e-4);
  t.equal(p.shards, Math.ceil(1e6 / perShard), 'shards: each fits 0.7 x the wall time after its fixed cost');
  t.ok(p.shardCpuSeconds <= WALL_MARGIN * 60 + 1e-9, 'a shard fits the wall-time margin');
  t.equal(p.outputBytes, 128 + 1e6 * 102 * 8, 'output: .npy header + N x K float64');
  t.equal(p.inputBytes, 128 + 1e6 * 50 * 4 * 8, 'input: .npy (N, M, 4) float64');
  t.ok(Math.abs(p.cpuSeconds - (p.shards * overhead + 1e6 * 1e-4 + p.mergeCpuSeconds)) < 1e-6, 'CPU = shards x fixed cost + jets x per-jet + merge');
  t.equal(p.wallSeconds, Math.ceil(p.shards / 10) * p.shardCpuSeconds + p.mergeCpuSeconds, 'wall: rounds of 10 shards, then the merge');
  // A tight memory cap makes more, smaller shards.
  const small = planRun(cal, { jets: 1e6, wallTime: 3600, cores: 10, maxMemoryGiB: 0.5 });
  t.ok(small.memoryRequestGiB <= 0.5 && small.shards > planRun(cal, { jets: 1e6, wallTime: 3600, cores: 10 }).shards, 'memory cap respected');
  // Files: each file is sharded and merged on its own; every shard hashes only its file.
  const f = planRun(cal, { jets: 1e6, wallTime: 3600, cores: 10, jetsPerFile: 1e5 });
  t.equal(f.files, 10);
  t.equal(f.shards % 10, 0, 'whole shards per file');
  t.ok(f.hashShare < planRun(cal, { jets: 1e6, wallTime: 3600, cores: 10 }).hashShare, 'smaller files hash less');
  t.equal(planRun(cal, { jets: 1000, wallTime: 3600, cores: 2, shards: 4 }).shards, 4, '--shards is taken as given');
  const tooShort = planRun(cal, { jets: 1e9, wallTime: 60, cores: 2 });
  t.match(tooShort.notes.join(' '), /does not fit/, 'a wall time shorter than the fixed cost says so');
  t.equal(parseWallTime('01:30:00'), 5400);
  t.equal(parseWallTime('1-00:00'), 86400);
  t.equal(parseWallTime('90m'), 5400);
  t.equal(parseWallTime('2h'), 7200);
  t.equal(parseWallTime('45'), 45);
  t.throws(() => parseWallTime('soon'), /--wall-time: expected/);
});

t.test('jetlens plan: CPU estimate of a small sharded run within 2x of the measured run', { skip: existsSync(cli) && childrenCpu() !== null ? false : 'needs dist/ (npm install) and Linux /proc' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jetlens-plan-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const n = 8000;
  const m = 30;
  const rng = new Rng(5);
  const x = new Float64Array(n * m * 4);
  for (let i = 0; i < n * m; i++) x.set([1 + 50 * rng.uniform(), 0.4 * (rng.uniform() - 0.5), 0.4 * (rng.uniform() - 0.5), 211], 4 * i);
  writeFileSync(join(dir, 'jets.npy'), formatNpy({ data: x, shape: [n, m, 4] }));
  const jl = (...a: string[]) => spawnSync(process.execPath, [cli, ...a, '--quiet'], { cwd: dir, stdio: 'pipe', timeout: 240_000 });

  const planned = jl('plan', '--jets', String(n), '--multiplicity', String(m), '--select', 'd<=5', '--shards', '2', '--json');
  t.equal(planned.status, 0, `plan ran ${planned.stderr}`);
  const { calibration, plan } = JSON.parse(String(planned.stdout));
  t.equal(calibration.startupSource, 'measured', 'start-up measured here');
  t.equal(plan.shards, 2);

  const c0 = childrenCpu()!;
  const r = jl('run-shards', '--shards', '2', '--jobs', '1', '--out', 'efp.npy', '--', 'efp', '--in', 'jets.npy', '--select', 'd<=5', '--threads', '1');
  const measured = childrenCpu()! - c0;
  t.equal(r.status, 0, `run-shards ran ${r.stderr}`);
  const ratio = plan.cpuSeconds / measured;
  t.ok(ratio >= 0.5 && ratio <= 2, `estimated ${plan.cpuSeconds.toFixed(2)} s CPU, measured ${measured.toFixed(2)} s (ratio ${ratio.toFixed(2)}, must be in [0.5, 2])`);
  t.equal(readFileSync(join(dir, 'efp.npy')).length, plan.outputBytes, 'output size as planned');
});

t.test('jetlens plan: bad flags are usage errors naming the flag', { skip: existsSync(cli) ? false : 'needs dist/ (npm install)' }, async (t) => {
  const bad: [string[], RegExp][] = [
    [['--jets', '0'], /--jets: expected an integer >= 1/],
    [['--jets', '10', '--select', 'x<3'], /--select: .*unknown column 'x'/],
    [['--jets', '10', '--wall-time', 'soon'], /--wall-time: expected/],
    [['--jets', '10', '--multiplicity', '5000'], /--multiplicity: at most 1000/],
  ];
  for (const [args, re] of bad) {
    const r = spawnSync(process.execPath, [cli, 'plan', ...args, '--quiet'], { stdio: 'pipe' });
    t.equal(r.status, 2, `${args.join(' ')}: exit 2`);
    t.match(String(r.stderr), re);
  }
});
