// End to end (issue #20.3): the whole process `jetlens efp --select 'd<=5' --threads 1` on an .npy of jets with
// M = 50 particles, against EnergyFlow's batch_compute on the same jets, and the kernel alone in this process at
// M = 50, 100, 140.
//   npx tsc -p tsconfig.json && node bench/e2e-efp.mjs [--quick] [--jets 3000,30000] [--m 50,100,140] [--reps N]
// The machine's own speed varies ~25% run to run, so every case runs --reps times (default 3 with --quick, 5
// without), the cases alternating (process 3k, process 30k, process 3k, ...; kernel M = 50, 100, 140, 50, ...), and
// each figure is reported as the median with the min and max; wall and CPU seconds side by side.
// Node's own start-up (`node -e 0`) is measured the same way, in the same environment. Where NODE_EXTRA_CA_CERTS is
// set (this machine: the system bundle, ~140 certificates), Node parses that file in every process before any code
// runs (~90 ms of CPU); the process is then also timed with the variable unset, as a default Node set-up runs it.
// EnergyFlow runs when `python3 -c 'import energyflow'` works (same jets, d<=5, measure hadr, beta 1, kappa 1,
// normed, one process); otherwise its recorded rate is used: 12.1 s for 3,000 jets at M = 50 (bench/README.md,
// issue #20), scaled linearly in the number of jets. Prints a table and a final line of JSON; pipe that into
// `node bench/e2e-bars.mjs` for bars.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EFPSet, JetBatch, writeNpy } from '../dist/index.js';
import { arg, efpArgs, jets, runProcess, stats } from './e2e-lib.mjs';

const sizes = arg('jets', '3000,30000').split(',').map(Number);
const ms = arg('m', '50,100,140').split(',').map(Number);
const quick = process.argv.includes('--quick');
const reps = Number(arg('reps', quick ? '3' : '5'));
if (!(Number.isInteger(reps) && reps >= 1)) throw new Error('--reps: expected an integer >= 1');
const benchStart = performance.now();
const load0 = loadavg();
const cli = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
const EF_RECORDED = { jets: 3000, m: 50, seconds: 12.1 };
const dir = mkdtempSync(join(tmpdir(), 'jetlens-e2e-'));

function hasEnergyFlow() {
  return spawnSync('python3', ['-c', 'import energyflow'], { stdio: 'ignore' }).status === 0;
}

function energyFlowSeconds(file) {
  const py = `import sys, time, numpy as np, energyflow as ef
X = np.load(sys.argv[1])
s = ef.EFPSet('d<=5', measure='hadr', beta=1, kappa=1, normed=True)
t = time.time(); s.batch_compute(X, n_jobs=1); print(time.time() - t)`;
  const r = spawnSync('python3', ['-c', py, file], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : NaN;
}

const efp = (file) => efpArgs(cli, file, dir);
const envs = [{ label: '', env: process.env }];
if (process.env.NODE_EXTRA_CA_CERTS) {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  envs.push({ label: ', NODE_EXTRA_CA_CERTS unset', env });
}

const ef = hasEnergyFlow();
const rows = [];

// whole process: the sizes (and environments) alternate within each repetition; `node -e 0` is Node's own start-up
const files = [];
for (const n of sizes) {
  const file = join(dir, `X${n}.npy`);
  await writeNpy(file, { data: jets(n, 50), shape: [n, 50, 4] });
  for (const e of envs) files.push({ n, file, ...e, wall: [], cpu: [] });
}
const starts = envs.map((e) => ({ ...e, wall: [], cpu: [] }));
for (let r = 0; r < reps; r++) {
  for (const f of files) {
    const { wall, cpu } = runProcess(efp(f.file), f.env);
    f.wall.push(wall);
    f.cpu.push(cpu);
  }
  for (const s of starts) {
    const { wall, cpu } = runProcess(['-e', '0'], s.env);
    s.wall.push(wall);
    s.cpu.push(cpu);
  }
}
for (const { label, wall, cpu } of starts) {
  const w = stats(wall);
  const c = stats(cpu);
  rows.push({ what: `node -e 0 (Node's start-up${label})`, seconds: w.median, seconds_range: [w.min, w.max], cpu_s: c.median, cpu_range: [c.min, c.max] });
}
for (const { n, file, label, wall, cpu } of files) {
  const efSec = ef ? energyFlowSeconds(file) : (EF_RECORDED.seconds * n) / EF_RECORDED.jets;
  const w = stats(wall);
  const c = stats(cpu);
  rows.push({
    what: `jetlens efp process, ${n} jets, M = 50${label}`, seconds: w.median, seconds_range: [w.min, w.max], cpu_s: c.median, cpu_range: [c.min, c.max],
    energyflow_s: +efSec.toFixed(2), energyflow: ef ? 'measured' : 'recorded, scaled',
    speedup_wall: +(efSec / w.median).toFixed(1), speedup_wall_range: [+(efSec / w.max).toFixed(1), +(efSec / w.min).toFixed(1)],
    speedup_cpu: +(efSec / c.median).toFixed(1),
  });
}

// kernel alone: the multiplicities alternate within each repetition
const kernels = [];
for (const m of ms) {
  const n = Math.max(200, Math.round(3000 * (50 / m) ** 3));
  const batch = JetBatch.fromPadded(jets(n, m, 2), [n, m, 4]);
  const set = new EFPSet('d<=5');
  await set.batchCompute(batch.slice(0, Math.min(n, 50)), { threads: 1 }); // warm-up
  kernels.push({ m, n, batch, set, wall: [], cpu: [] });
}
for (let r = 0; r < reps; r++) {
  for (const k of kernels) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await k.set.batchCompute(k.batch, { threads: 1 });
    k.wall.push((performance.now() - t0) / 1e3);
    const c = process.cpuUsage(c0);
    k.cpu.push((c.user + c.system) / 1e6);
  }
}
for (const { m, n, wall, cpu } of kernels) {
  const w = stats(wall, 4);
  const c = stats(cpu, 4);
  const efRate = m === EF_RECORDED.m ? EF_RECORDED.jets / EF_RECORDED.seconds : NaN;
  const has = !Number.isNaN(efRate);
  rows.push({
    what: `kernel alone, M = ${m} (${n} jets)`, seconds: w.median, seconds_range: [w.min, w.max], cpu_s: c.median, cpu_range: [c.min, c.max],
    jets_per_s: Math.round(n / w.median), jets_per_cpu_s: Math.round(n / c.median),
    energyflow_s: has ? +(n / efRate).toFixed(2) : '', energyflow: has ? 'recorded' : 'no figure at this M',
    speedup_wall: has ? +(n / w.median / efRate).toFixed(1) : '',
    speedup_wall_range: has ? [+(n / w.max / efRate).toFixed(1), +(n / w.min / efRate).toFixed(1)] : '',
    speedup_cpu: has ? +(n / c.median / efRate).toFixed(1) : '',
  });
}
rmSync(dir, { recursive: true, force: true });

// Whole-process overhead: the process's CPU seconds minus the kernel's (kernel alone at M = 50, scaled to the jets).
const k50 = kernels.find((k) => k.m === 50);
if (k50) {
  const kcpu = rows.find((r) => r.what.startsWith('kernel alone, M = 50 ')).cpu_s;
  for (const r of rows.filter((x) => x.what.startsWith('jetlens efp process'))) {
    const n = Number(/, (\d+) jets/.exec(r.what)[1]);
    const kernel = (kcpu * n) / k50.n;
    r.overhead_cpu_s = +(r.cpu_s - kernel).toFixed(3);
    r.overhead_fraction = +((r.cpu_s - kernel) / r.cpu_s).toFixed(2);
  }
}
const fmt = (r) => ({
  what: r.what, 'wall s (median)': r.seconds, 'wall range': r.seconds_range.join('-'), 'CPU s (median)': r.cpu_s, 'CPU range': r.cpu_range.join('-'),
  'x EnergyFlow (wall)': r.speedup_wall, 'x range': Array.isArray(r.speedup_wall_range) ? r.speedup_wall_range.join('-') : '', 'x per CPU s': r.speedup_cpu,
  'overhead CPU s': r.overhead_cpu_s ?? '', 'jets/s': r.jets_per_s ?? '',
});
console.table(rows.map(fmt));
const elapsed = (performance.now() - benchStart) / 1e3;
const loads = [load0, loadavg()].map((l) => l.map((x) => +x.toFixed(2)));
console.log(JSON.stringify({ bench: 'e2e-efp', energyflow: ef ? 'measured' : 'recorded', reps, loadavg: loads[1], loadavg_start: loads[0], elapsed_s: +elapsed.toFixed(1), rows }));
