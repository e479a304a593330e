// Training and prediction throughput (samples/s) per model on the 'jetlens' backend (the addon's C++ kernels), the
// TensorFlow.js wasm backend and the plain-JS cpu backend (the baseline), all in the same process, on toy W (label 1)
// vs QCD (label 0) jets from the built-in generator; plus the achieved GFLOP/s of the CNN's convolutions on jetlens
// against the FMA peak of the threads used. With --auc: also trains every model for a few epochs and reports its
// test AUC. Training runs in-thread here (worker: false) so that only the kernels are timed.
// Usage: npx tsc -p tsconfig.json && node bench/train.mjs [--auc] [--n 2000] [--backends jetlens,wasm,cpu] [--models cnn,dnn]
import { readFileSync } from 'node:fs';
import { generateMixture } from '../dist/jets/generator/index.js';
import { cnnInputs, createModel, initTf, modelInputs, particleArrays, predict, tableInputs, tf, train } from '../dist/models/index.js';
import { nativeTfConfig } from '../dist/models/native-backend.js';
import { lossFunction } from '../dist/models/losses.js';

const args = process.argv.slice(2);
const withAuc = args.includes('--auc');
const nArg = args.indexOf('--n');
const nJets = nArg >= 0 ? Number(args[nArg + 1]) : 2000;
const listArg = (k, d) => (args.indexOf(k) >= 0 ? args[args.indexOf(k) + 1].split(',') : d);
const backends = listArg('--backends', ['jetlens', 'wasm', 'cpu']);
const onlyModels = listArg('--models', null);

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

async function throughput(backend, kind, opts) {
  await initTf({ backend });
  const m = createModel(kind, { ...opts, seed: 1, nFeatures: kind === 'dnn' ? 5 : undefined });
  // The cpu backend is far slower (about 40x on the CNN): fewer samples keep the run short.
  const n = kind === 'cnn' ? (backend === 'cpu' ? 32 : 512) : Math.min(nJets, backend === 'cpu' ? 256 : nJets);
  const d = take(await dataFor(kind, m), n);
  const o = { epochs: 1, batchSize: 128, split: [1, 0, 0], patience: 0, worker: false };
  await train(m, take(d, Math.min(n, 128)), o); // warm-up
  let t0 = performance.now();
  await train(m, d, o);
  const trainRate = n / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  await predict(m, d);
  const predictRate = n / ((performance.now() - t0) / 1000);
  return { trainRate, predictRate, n };
}

/** One CNN training step (batch 128) on jetlens under tf.profile: convolution FLOPs over their kernel time. */
async function convGflops() {
  await initTf({ backend: 'jetlens' });
  const m = createModel('cnn', { seed: 1 });
  const d = take(await dataFor('cnn', m), 128);
  const x = tf.tensor(d.inputs[0].data, d.inputs[0].shape), y = tf.tensor1d(Float32Array.from(d.labels)), w = tf.ones([128]);
  const opt = tf.train.adam(1e-3), loss = lossFunction('bce');
  const step = () => tf.dispose(opt.minimize(() => loss(y, tf.reshape(m.net.apply(x, { training: true }), [-1]), w), true));
  step();
  const prof = await tf.profile(step);
  let flop = 0, ms = 0, total = 0;
  for (const k of prof.kernels) {
    const t = await k.kernelTimeMs;
    total += t;
    if (!k.name.startsWith('Conv2D')) continue;
    // 2 * (output pixels) * fh * fw * C * F for the forward op and for each gradient.
    const [xs, fs] = k.name === 'Conv2D' ? k.inputShapes : k.name === 'Conv2DBackpropInput' ? [k.outputShapes[0], k.inputShapes[1]] : [k.inputShapes[0], k.outputShapes[0]];
    const dy = k.name === 'Conv2D' ? k.outputShapes[0] : k.inputShapes[k.name === 'Conv2DBackpropInput' ? 0 : 1];
    void xs;
    flop += 2 * dy[0] * dy[1] * dy[2] * fs[0] * fs[1] * fs[2] * fs[3];
    ms += t;
  }
  const mhz = Number((readFileSync('/proc/cpuinfo', 'utf8').match(/cpu MHz\s*:\s*([\d.]+)/) ?? [0, 0])[1]);
  const threads = nativeTfConfig().threads;
  const peak = (threads * 32 * mhz) / 1000; // AVX2 + FMA: 2 FMA units x 8 floats x 2 FLOP per cycle per core
  return { gflops: flop / ms / 1e6, peak, threads, mhz, convShare: ms / total, stepMs: total };
}

const rows = [];
for (const [kind, opts] of models) {
  const r = { model: kind };
  for (const b of backends) r[b] = await throughput(b, kind, opts);
  rows.push(r);
}
const conv = backends.includes('jetlens') && models.some(([k]) => k === 'cnn') ? await convGflops() : null;
console.log(`train/predict throughput, samples/s, batch 128, W vs QCD toy jets (mean mult ${(jets.size / jets.length).toFixed(1)}); ratios vs wasm in the same process`);
const f = (x) => x.toFixed(0).padStart(9);
console.log(`${'model'.padEnd(14)}${backends.map((b) => `${(b + ' train').padStart(14)}`).join('')}${backends.map((b) => `${(b + ' pred').padStart(14)}`).join('')}  jetlens/wasm train  predict`);
for (const r of rows) {
  const ratio = (k) => (r.jetlens && r.wasm ? (r.jetlens[k] / r.wasm[k]).toFixed(1) + 'x' : '-');
  console.log(`${r.model.padEnd(14)}${backends.map((b) => f(r[b].trainRate).padStart(14)).join('')}${backends.map((b) => f(r[b].predictRate).padStart(14)).join('')}  ${ratio('trainRate').padStart(18)} ${ratio('predictRate').padStart(8)}`);
}
if (conv) {
  console.log(`CNN convolutions on jetlens: ${conv.gflops.toFixed(1)} GFLOP/s = ${((100 * conv.gflops) / conv.peak).toFixed(0)}% of the ${conv.peak.toFixed(0)} GFLOP/s FMA peak of ${conv.threads} threads (${conv.mhz} MHz from /proc/cpuinfo x 32 FLOP/cycle); convolutions are ${(100 * conv.convShare).toFixed(0)}% of a ${conv.stepMs.toFixed(0)} ms step`);
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
console.log(JSON.stringify({ bench: 'train', nJets, backends, rows, conv, auc: aucRows }));
