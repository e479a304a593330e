import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadNative } from '../src/backend/native.js';
import { createModel, imageInputs, initTf, loadModel, predict, saveModel, tableInputs, train, type JetModel, type ModelData } from '../src/models/index.js';
import { Rng } from '../src/util/rng.js';

// End to end on the 'jetlens' backend: a small CNN and a DNN trained a few steps from the same seed give the cpu
// backend's losses within float32 tolerance, and a saved model predicts bit-identically after loading.

const skip = loadNative()?.tfConv2d ? false : 'native addon with tfjs kernels not built (npm run build)';

function imagesData(n: number, npix: number, seed: number): ModelData {
  const rng = new Rng(seed);
  const data = Float32Array.from({ length: n * npix * npix }, () => rng.uniform() * 0.2);
  const labels = Float64Array.from({ length: n }, (_, i) => i % 2);
  for (let i = 0; i < n; i += 2) for (const p of [0, 1, npix]) data[i * npix * npix + ((npix * npix) >> 1) + p] += 1;
  return imageInputs({ data, shape: [n, npix, npix] }, labels);
}

function tableData(n: number, seed: number): ModelData {
  const rng = new Rng(seed);
  const y = Float64Array.from({ length: n }, (_, i) => i % 2);
  const a = Float64Array.from(y, (v) => 10 + rng.normal() + v), b = Float64Array.from(y, (v) => rng.normal() - 0.5 * v);
  return tableInputs({ a, b }, ['a', 'b'], y);
}

async function losses(backend: 'jetlens' | 'cpu', make: () => JetModel, d: ModelData) {
  await initTf({ backend });
  const m = make();
  const r = await train(m, d, { epochs: 3, batchSize: 16, split: [0.75, 0.25, 0], patience: 0, worker: false });
  return { m, loss: r.history.flatMap((h) => [h.loss, h.valLoss]) };
}

for (const [name, make, data] of [
  ['cnn', () => createModel('cnn', { npix: 6, seed: 5 }), imagesData(48, 6, 1)],
  ['dnn', () => createModel('dnn', { nFeatures: 2, hidden: [16, 16], seed: 5 }), tableData(96, 2)],
] as const) {
  t.test(`${name}: a few training steps give the cpu backend's losses (float32 tolerance)`, { skip }, async (t) => {
    const a = await losses('jetlens', make, data);
    const b = await losses('cpu', make, data);
    const rel = Math.max(...a.loss.map((l, i) => Math.abs(l - b.loss[i]) / Math.abs(b.loss[i])));
    // 12 Adam steps amplify float32 rounding differences (sum order, FMA) a little: 1e-4 relative.
    t.ok(rel < 1e-4, `train/val losses per epoch, max relative difference ${rel.toExponential(2)}`);
    t.equal(a.m.meta.backend, 'jetlens');
  });
}

t.test('save/load on jetlens is bit-exact', { skip }, async (t) => {
  await initTf({ backend: 'jetlens' });
  const d = imagesData(32, 9, 3);
  const m = createModel('cnn', { npix: 9, seed: 6 });
  await train(m, d, { epochs: 1, batchSize: 16, split: [1, 0, 0], patience: 0, worker: false });
  const dir = await mkdtemp(join(tmpdir(), 'jetlens-native-'));
  try {
    await saveModel(m, dir);
    const back = await loadModel(dir);
    const p1 = await predict(m, d), p2 = await predict(back, d);
    t.ok(Buffer.from(p1.buffer).equals(Buffer.from(p2.buffer)), 'identical predictions after a save/load round trip');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
