// Training and prediction throughput (samples/s) per model on the 'jetlens' backend (the addon's C++ kernels), the
// TensorFlow.js wasm backend and the plain-JS cpu backend (the baseline), all in the same process, on toy W (label 1)
// vs QCD (label 0) jets from the built-in generator; plus the CNN convolutions' GFLOP/s against the FMA peak.
// Every rate is given per wall-clock second and per CPU-second of this process (process.cpuUsage, all threads): on
// a busy machine wall time is mostly waiting for a core, and the CPU-second figures and same-process ratios are the
// ones that hold. The convolution figures come from the addon's own per-kernel CPU clock (the calling thread plus
// the pool threads while they run its tasks), once with the pool at 1 thread and once at the default thread count.
// With --auc: also trains every model for a few epochs and reports its test AUC. Training runs in-thread here
// (worker: false) so that only the kernels are timed.
// Usage: npx tsc -p tsconfig.json && node bench/train.mjs [--quick] [--auc] [--n 2000] [--reps 3]
//          [--backends jetlens,wasm,cpu] [--models cnn,dnn] [--json out.json]
// --quick: 1,000 jets, 256 CNN images, one repetition (under 2 minutes on a quiet 2-core machine).
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { generateMixture } from '../dist/jets/generator/index.js';
import { loadNative } from '../dist/backend/native.js';
import { cnnInputs, createModel, initTf, modelInputs, particleArrays, predict, tableInputs, tf, train } from '../dist/models/index.js';
import { nativeTfConfig } from '../dist/models/native-backend.js';
import { adam } from '../dist/models/native-adam.js';
import { lossFunction } from '../dist/models/losses.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const withAuc = args.includes('--auc');
const opt = (k, d) => (args.indexOf(k) >= 0 ? args[args.indexOf(k) + 1] : d);
const nJets = Number(opt('--n', quick ? 1000 : 2000));
const reps = Number(opt('--reps', quick ? 1 : 3));
const backends = opt('--backends', 'jetlens,wasm,cpu').split(',');
const onlyModels = opt('--models', null)?.split(',');
const jsonOut = opt('--json', null);
const load0 = loadavg();
const started = performance.now();

/** High-level features per jet (mass, multiplicity, girth, pT_D, two-prong axis spread) for the DNN. */
function highLevel(jets) {
  const p = particleArrays(jets);
  const cols = { mass: [], mult: [], girth: [], ptd: [], spread: [] };
  for (let j = 0; j < jets.length; j++) {
    let px = 0, py = 0, pz = 0, e = 0;
    for (let i = jets.offsets[j]; i < jets.offsets[j + 1]; i++) {
      const pt = jets.pt[i], y = jets.y[i], phi = jets.phi[i];
      px += pt * Math.cos(phi); py += pt * Math.sin(phi); pz += pt * Math.sinh(y); e += pt * Math.cosh(y);
    }
    let girth = 0, ptd = 0, sy = 0;
    for (let k = 0; k < p.m; k++) {
      const o = j * p.m + k;
      const dr = Math.hypot(p.yRel[o], p.phiRel[o]);
      girth += p.z[o] * dr; ptd += p.z[o] ** 2; sy += p.z[o] * dr * dr;
    }
    cols.mass.push(Math.sqrt(Math.max(0, e * e - px * px - py * py - pz * pz)));
    cols.mult.push(jets.mult(j)); cols.girth.push(girth); cols.ptd.push(ptd); cols.spread.push(Math.sqrt(sy));
  }
  return tableInputs(cols, Object.keys(cols), jets.labels);
}

const jets = generateMixture({ signal: 'w', background: 'qcd', n: nJets / 2, seed: 2024 });
const models = [
  ['dnn', {}], ['efn', { latent: 128 }], ['pfn', { latent: 128 }], ['moments', { latent: 8, order: 2 }],
  ['lipschitz-efn', { latent: 128 }], ['cnn', {}],
].filter(([k]) => !onlyModels || onlyModels.includes(k));
// CNN images: src/jss jetImages, 33x33 on [-1, 1]^2 around the pT-weighted centroid, unit intensity.
async function dataFor(kind, m) {
  if (kind === 'dnn') return highLevel(jets);
  if (kind === 'cnn') return cnnInputs(m, jets);
  return modelInputs(m, jets);
}
const take = (d, n) => ({ inputs: d.inputs.map((b) => ({ data: b.data.subarray(0, n * b.shape.slice(1).reduce((x, y) => x * y, 1)), shape: [n, ...b.shape.slice(1)] })), labels: d.labels.subarray(0, n) });

/** Runs fn; returns its wall and process CPU seconds. */
async function timed(fn) {
  const c0 = process.cpuUsage(), t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

/** Samples per wall second and per CPU-second: the best of `reps` runs each (the least disturbed). */
async function rates(n, fn) {
  let wall = 0, cpu = 0;
  for (let r = 0; r < reps; r++) {
    const t = await timed(fn);
    wall = Math.max(wall, n / t.wall);
    cpu = Math.max(cpu, n / Math.max(t.cpu, 1e-6));
  }
  return { wall, cpu };
}

async function throughput(backend, kind, opts) {
  await initTf({ backend });
  const m = createModel(kind, { ...opts, seed: 1, nFeatures: kind === 'dnn' ? 5 : undefined });
  // The cpu backend is far slower (about 40x on the CNN): fewer samples keep the run short.
  const cnnN = backend === 'cpu' ? (quick ? 16 : 32) : quick ? 256 : 512;
  const n = kind === 'cnn' ? cnnN : Math.min(nJets, backend === 'cpu' ? (quick ? 128 : 256) : nJets);
  const d = take(await dataFor(kind, m), n);
  const o = { epochs: 1, batchSize: 128, split: [1, 0, 0], patience: 0, worker: false };
  await train(m, take(d, Math.min(n, 128)), o); // warm-up (kernels, JIT, thread pool)
  await predict(m, take(d, Math.min(n, 128)));
  const tr = await rates(n, () => train(m, d, o));
  const pr = await rates(n, () => predict(m, d));
  m.net.dispose();
  return { n, train: tr.wall, trainCpu: tr.cpu, predict: pr.wall, predictCpu: pr.cpu };
}

/** Useful FLOPs of a convolution call (forward or either gradient): 2 x output pixels x fh x fw x C x F. */
function convFlops(dims) {
  const [N, , , C, fh, fw, F, Ho, Wo] = dims;
  return 2 * N * Ho * Wo * fh * fw * C * F;
}

/**
 * CNN training steps (batch 128) on jetlens with the pool at `threads`: the convolution calls' FLOPs over their wall
 * time and over their CPU time (the addon's clock: the calling thread for the whole call, pool helpers while they
 * run its tasks), and the convolutions' share of the step's wall time.
 */
async function convEfficiency(threads) {
  await initTf({ backend: 'jetlens' });
  const addon = loadNative();
  const before = nativeTfConfig();
  nativeTfConfig({ threads });
  const used = nativeTfConfig().threads;
  const m = createModel('cnn', { seed: 1 });
  const d = take(await dataFor('cnn', m), 128);
  const x = tf.tensor(d.inputs[0].data, d.inputs[0].shape), y = tf.tensor1d(Float32Array.from(d.labels)), w = tf.ones([128]);
  const optimizer = adam(1e-3), loss = lossFunction('bce');
  const step = () => tf.dispose(optimizer.minimize(() => loss(y, tf.reshape(m.net.apply(x, { training: true }), [-1]), w), true));
  step();
  const names = ['tfConv2d', 'tfConv2dBackpropInput', 'tfConv2dBackpropFilter'];
  const orig = Object.fromEntries(names.map((k) => [k, addon[k]]));
  const acc = { flop: 0, wall: 0, cpu: 0 };
  for (const k of names) {
    addon[k] = (o) => {
      const c0 = addon.tfConfig({}).cpuSeconds, t0 = performance.now();
      const r = orig[k](o);
      acc.wall += (performance.now() - t0) / 1000;
      acc.cpu += addon.tfConfig({}).cpuSeconds - c0;
      acc.flop += convFlops(o.dims);
      return r;
    };
  }
  addon.tfConfig({ cpuClock: true });
  const steps = quick ? 2 : 4;
  let stepWall = Infinity;
  try {
    for (let s = 0; s < steps; s++) {
      const t0 = performance.now();
      step();
      stepWall = Math.min(stepWall, (performance.now() - t0) / 1000);
    }
  } finally {
    addon.tfConfig({ cpuClock: false });
    Object.assign(addon, orig);
    nativeTfConfig({ threads: before.threads });
    tf.dispose([x, y, w]);
    m.net.dispose();
    optimizer.dispose();
  }
  const perCoreGflops = (32 * mhz) / 1000; // AVX2 + FMA: 2 FMA units x 8 floats x 2 FLOP per cycle per core
  return {
    threads: used,
    gflopsPerCpuSecond: acc.flop / acc.cpu / 1e9,
    ofCorePeak: acc.flop / acc.cpu / 1e9 / perCoreGflops,
    gflopsWall: acc.flop / acc.wall / 1e9,
    ofThreadsPeak: acc.flop / acc.wall / 1e9 / (perCoreGflops * used),
    convShareOfStep: acc.wall / steps / stepWall,
    stepSeconds: stepWall,
    flopPerStep: acc.flop / steps,
  };
}

const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
const mhz = Number((cpuinfo.match(/cpu MHz\s*:\s*([\d.]+)/) ?? [0, 0])[1]);
const cpuModel = (cpuinfo.match(/model name\s*:\s*(.*)/) ?? [0, '?'])[1];

const rows = [];
for (const [kind, opts] of models) {
  const r = { model: kind };
  for (const b of backends) r[b] = await throughput(b, kind, opts);
  rows.push(r);
}
const conv = backends.includes('jetlens') && models.some(([k]) => k === 'cnn') && loadNative()?.tfConv2d
  ? [await convEfficiency(1), await convEfficiency(0)]
  : [];

const load1 = loadavg();
console.log(`train/predict throughput, samples/s, batch 128, W vs QCD toy jets (mean mult ${(jets.size / jets.length).toFixed(1)}), best of ${reps}; ` +
  `wall-clock rate / rate per CPU-second of the process; load average ${load0[0].toFixed(1)} -> ${load1[0].toFixed(1)}`);
const cell = (r) => `${r.toFixed(0)}`.padStart(7);
const pair = (a, b) => `${cell(a)} /${cell(b)}`.padStart(17);
console.log(`${'model'.padEnd(14)}${backends.map((b) => `${b} train`.padStart(17)).join('')}${backends.map((b) => `${b} predict`.padStart(17)).join('')}   jetlens/wasm: train   predict (wall / CPU)`);
for (const r of rows) {
  const ratio = (k) => (r.jetlens && r.wasm ? `${(r.jetlens[k] / r.wasm[k]).toFixed(1)}x` : '-');
  console.log(`${r.model.padEnd(14)}${backends.map((b) => pair(r[b].train, r[b].trainCpu)).join('')}${backends.map((b) => pair(r[b].predict, r[b].predictCpu)).join('')}` +
    `   ${`${ratio('train')} / ${ratio('trainCpu')}`.padStart(19)}  ${`${ratio('predict')} / ${ratio('predictCpu')}`.padStart(12)}`);
}
for (const c of conv) {
  console.log(`CNN convolutions on jetlens, pool at ${c.threads} thread(s): ${c.gflopsPerCpuSecond.toFixed(1)} GFLOP per CPU-second = ` +
    `${(100 * c.ofCorePeak).toFixed(0)}% of one core's FMA peak (${((32 * mhz) / 1000).toFixed(1)} GFLOP/s: 32 FLOP/cycle x ${mhz} MHz, ` +
    `the "cpu MHz" of /proc/cpuinfo); wall clock ${c.gflopsWall.toFixed(1)} GFLOP/s = ${(100 * c.ofThreadsPeak).toFixed(0)}% of ` +
    `${c.threads} core(s); convolutions ${(100 * c.convShareOfStep).toFixed(0)}% of a ${(1000 * c.stepSeconds).toFixed(0)} ms step`);
}

const aucRows = [];
if (withAuc) {
  await initTf({ backend: backends[0] });
  console.log(`\ntest AUC on ${backends[0]}, ${nJets} jets (70/15/15 split), W vs QCD`);
  for (const [kind, opts] of models) {
    const m = createModel(kind, { ...opts, seed: 1, nFeatures: kind === 'dnn' ? 5 : undefined });
    const t0 = performance.now();
    const r = await train(m, await dataFor(kind, m), { epochs: kind === 'cnn' ? 5 : 20, batchSize: 64, lr: 1e-3, patience: 4 });
    aucRows.push({ model: kind, testAUC: r.testAUC, epochs: r.history.length, seconds: (performance.now() - t0) / 1000 });
    console.log(`${kind.padEnd(15)} test AUC ${r.testAUC.toFixed(4)}  (${r.history.length} epochs, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
}
const result = {
  bench: 'train', quick, nJets, reps, backends, cpu: cpuModel, mhz, loadavg: { start: load0, end: load1 },
  seconds: (performance.now() - started) / 1000, rows, conv, auc: aucRows,
};
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result));
