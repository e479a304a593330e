// End to end (issue #20.3): the whole process `jetlens efp --select 'd<=5' --threads 1` on an .npy of jets with
// M = 50 particles, against EnergyFlow's batch_compute on the same jets, and the kernel alone in this process at
// M = 50, 100, 140.
//   npx tsc -p tsconfig.json && node bench/e2e-efp.mjs [--quick] [--jets 3000,30000] [--m 50,100,140] [--reps 3]
// EnergyFlow runs when `python3 -c 'import energyflow'` works (same jets, d<=5, measure hadr, beta 1, kappa 1,
// normed, one process); otherwise its recorded rate is used: 12.1 s for 3,000 jets at M = 50 (bench/README.md,
// issue #20), scaled linearly in the number of jets. Prints a table and a final line of JSON; pipe that into
// `node bench/e2e-bars.mjs` for bars.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EFPSet, JetBatch, Rng, writeNpy } from '../dist/index.js';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const sizes = arg('jets', '3000,30000').split(',').map(Number);
const ms = arg('m', '50,100,140').split(',').map(Number);
// --quick: two repetitions instead of three (the #20.3 figures in well under 3 minutes on an idle machine)
const quick = process.argv.includes('--quick');
const reps = Number(arg('reps', quick ? '2' : '3'));
const benchStart = performance.now();
const cli = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));
const EF_RECORDED = { jets: 3000, m: 50, seconds: 12.1 };
const dir = mkdtempSync(join(tmpdir(), 'jetlens-e2e-'));

/** (N, M, 4) jets with exactly M particles each: pt, y, phi, pid. */
function jets(n, m, seed = 1) {
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

const ef = hasEnergyFlow();
const rows = [];
for (const n of sizes) {
  const file = join(dir, `X${n}.npy`);
  await writeNpy(file, { data: jets(n, 50), shape: [n, 50, 4] });
  let wall = Infinity;
  let cpu = NaN;
  for (let r = 0; r < reps; r++) {
    const c0 = childCpu();
    const t0 = performance.now();
    const p = spawnSync(process.execPath, [cli, 'efp', '--in', file, '--out', join(dir, 'e.npy'), '--select', 'd<=5', '--threads', '1', '--quiet'], { encoding: 'utf8' });
    const dt = (performance.now() - t0) / 1e3;
    if (p.status !== 0) throw new Error(`jetlens efp failed: ${p.stderr}`);
    if (dt < wall) { wall = dt; cpu = childCpu() - c0; }
  }
  const efSec = ef ? energyFlowSeconds(file) : (EF_RECORDED.seconds * n) / EF_RECORDED.jets;
  rows.push({
    what: `jetlens efp process, ${n} jets, M = 50`, seconds: +wall.toFixed(3), cpu_s: +cpu.toFixed(3),
    energyflow_s: +efSec.toFixed(2), energyflow: ef ? 'measured' : 'recorded, scaled',
    speedup_wall: +(efSec / wall).toFixed(1), speedup_cpu: +(efSec / cpu).toFixed(1),
  });
}

for (const m of ms) {
  const n = Math.max(200, Math.round(3000 * (50 / m) ** 3));
  const batch = JetBatch.fromPadded(jets(n, m, 2), [n, m, 4]);
  const set = new EFPSet('d<=5');
  await set.batchCompute(batch.slice(0, Math.min(n, 50)), { threads: 1 }); // warm-up
  let best = Infinity;
  let cpu = NaN;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await set.batchCompute(batch, { threads: 1 });
    const dt = (performance.now() - t0) / 1e3;
    const c = process.cpuUsage(c0);
    if (dt < best) { best = dt; cpu = (c.user + c.system) / 1e6; }
  }
  const rate = n / best;
  const efRate = m === EF_RECORDED.m ? EF_RECORDED.jets / EF_RECORDED.seconds : NaN;
  rows.push({
    what: `kernel alone, M = ${m} (${n} jets)`, seconds: +best.toFixed(3), cpu_s: +cpu.toFixed(3), jets_per_s: Math.round(rate),
    energyflow_s: Number.isNaN(efRate) ? '' : +(n / efRate).toFixed(2), energyflow: Number.isNaN(efRate) ? 'no figure at this M' : 'recorded',
    speedup_wall: Number.isNaN(efRate) ? '' : +(rate / efRate).toFixed(1), speedup_cpu: Number.isNaN(efRate) ? '' : +(n / cpu / efRate).toFixed(1),
  });
}
rmSync(dir, { recursive: true, force: true });
// Whole-process overhead: the process's CPU seconds minus the kernel's (kernel alone at M = 50, scaled to the jets).
const k50 = rows.find((r) => r.what.startsWith('kernel alone, M = 50 '));
if (k50) {
  const kn = Number(/\((\d+) jets\)/.exec(k50.what)[1]);
  for (const r of rows.filter((x) => x.what.startsWith('jetlens efp process'))) {
    const n = Number(/, (\d+) jets/.exec(r.what)[1]);
    const kernel = (k50.cpu_s * n) / kn;
    r.overhead_cpu_s = +(r.cpu_s - kernel).toFixed(3);
    r.overhead_fraction = +((r.cpu_s - kernel) / r.cpu_s).toFixed(2);
  }
}
console.table(rows);
const elapsed = (performance.now() - benchStart) / 1e3;
console.log(JSON.stringify({ bench: 'e2e-efp', energyflow: ef ? 'measured' : 'recorded', loadavg: loadavg().map((x) => +x.toFixed(2)), elapsed_s: +elapsed.toFixed(1), rows }));
