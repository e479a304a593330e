// Training and prediction throughput (samples/s) per model on the TensorFlow.js wasm backend vs the plain-JS cpu
// backend (the baseline, run in the same process), on toy W (label 1) vs QCD (label 0) jets from the built-in
// generator. With --auc: also trains every model on wasm for a few epochs and reports its test AUC.
// Usage: npx tsc -p tsconfig.json && node bench/train.mjs [--auc] [--n 2000]
import { generateMixture } from '../dist/jets/generator/index.js';
import { cnnInputs, createModel, initTf, modelInputs, particleArrays, predict, tableInputs, train } from '../dist/models/index.js';

const args = process.argv.slice(2);
const withAuc = args.includes('--auc');
const nArg = args.indexOf('--n');
const nJets = nArg >= 0 ? Number(args[nArg + 1]) : 2000;

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
];
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
  // The cpu backend is far slower on the CNN (stack.md: ~40x): fewer samples keep the run short.
  const n = kind === 'cnn' ? (backend === 'cpu' ? 64 : 512) : Math.min(nJets, backend === 'cpu' ? 512 : nJets);
  const d = take(await dataFor(kind, m), n);
  await train(m, take(d, Math.min(n, 128)), { epochs: 1, batchSize: 128, split: [1, 0, 0], patience: 0 }); // warm-up
  let t0 = performance.now();
  await train(m, d, { epochs: 1, batchSize: 128, split: [1, 0, 0], patience: 0 });
  const trainRate = n / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  await predict(m, d);
  const predictRate = n / ((performance.now() - t0) / 1000);
  return { trainRate, predictRate, n };
}

const rows = [];
for (const [kind, opts] of models) {
  const cpu = await throughput('cpu', kind, opts);
  const wasm = await throughput('wasm', kind, opts);
  rows.push({ model: kind, cpuTrain: cpu.trainRate, wasmTrain: wasm.trainRate, cpuPredict: cpu.predictRate, wasmPredict: wasm.predictRate, trainSpeedup: wasm.trainRate / cpu.trainRate, predictSpeedup: wasm.predictRate / cpu.predictRate });
}
console.log(`train/predict throughput, samples/s, batch 128, W vs QCD toy jets (mean mult ${(jets.size / jets.length).toFixed(1)}); baseline = tfjs cpu backend`);
console.log('model            cpu train  wasm train  speedup  cpu predict  wasm predict  speedup');
const f = (x, w) => x.toFixed(0).padStart(w);
for (const r of rows) {
  console.log(`${r.model.padEnd(15)} ${f(r.cpuTrain, 10)} ${f(r.wasmTrain, 11)} ${r.trainSpeedup.toFixed(1).padStart(8)} ${f(r.cpuPredict, 12)} ${f(r.wasmPredict, 13)} ${r.predictSpeedup.toFixed(1).padStart(8)}`);
}

const aucRows = [];
if (withAuc) {
  await initTf({ backend: 'wasm' });
  console.log(`\ntest AUC on wasm, ${nJets} jets (70/15/15 split), W vs QCD`);
  for (const [kind, opts] of models) {
    const m = createModel(kind, { ...opts, seed: 1, nFeatures: kind === 'dnn' ? 5 : undefined });
    const t0 = performance.now();
    const r = await train(m, await dataFor(kind, m), { epochs: kind === 'cnn' ? 5 : 20, batchSize: 64, lr: 1e-3, patience: 4 });
    aucRows.push({ model: kind, testAUC: r.testAUC, epochs: r.history.length, seconds: (performance.now() - t0) / 1000 });
    console.log(`${kind.padEnd(15)} test AUC ${r.testAUC.toFixed(4)}  (${r.history.length} epochs, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
}
console.log(JSON.stringify({ bench: 'train', nJets, rows, auc: aucRows }));
