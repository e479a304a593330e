import t from 'tap';
import { Rng } from '../src/util/rng.js';
import { createModel, imageInputs, initTf, predict, tf, train } from '../src/models/index.js';

// wasm has no Conv2DBackpropFilter of its own; jetlens registers one via a depth-1 Conv3DBackpropFilterV2.
// Compare it with the cpu backend's kernel on random inputs (stride 1, 'same' and 'valid').

function randomArray(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

async function filterGrad(backend: 'wasm' | 'cpu', pad: 'same' | 'valid', x: Float32Array, w: Float32Array, dy: Float32Array) {
  await initTf({ backend });
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, [3, 9, 9, 2]);
    const wt = tf.tensor4d(w, [4, 4, 2, 5]);
    const out = pad === 'same' ? [3, 9, 9, 5] : [3, 6, 6, 5];
    const dyt = tf.tensor4d(dy.subarray(0, out.reduce((a, b) => a * b)), out as [number, number, number, number]);
    const g = tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xt, f as tf.Tensor4D, 1, pad), dyt)))(wt);
    return g.dataSync().slice();
  });
}

t.test('wasm Conv2DBackpropFilter matches the cpu backend (stride 1)', async (t) => {
  const x = randomArray(3 * 81 * 2, 1);
  const w = randomArray(4 * 4 * 2 * 5, 2);
  const dy = randomArray(3 * 81 * 5, 3);
  for (const pad of ['same', 'valid'] as const) {
    const gw = await filterGrad('wasm', pad, x, w, dy);
    const gc = await filterGrad('cpu', pad, x, w, dy);
    let worst = 0;
    for (let i = 0; i < gc.length; i++) worst = Math.max(worst, Math.abs(gw[i] - gc[i]) / Math.max(1, Math.abs(gc[i])));
    t.ok(worst < 1e-4, `${pad}: max relative difference ${worst.toExponential(2)} (float32)`);
  }
  // train/predict keep an explicitly chosen backend
  await initTf({ backend: 'cpu' });
  await predict(createModel('cnn', { npix: 4 }), imageInputs({ data: new Float32Array(16), shape: [1, 4, 4] }));
  t.equal(tf.getBackend(), 'cpu', 'predict did not switch the backend back');
  await initTf({ backend: 'wasm' });
  t.throws(() => tf.tidy(() => tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(tf.ones([1, 8, 8, 1]) as tf.Tensor4D, f as tf.Tensor4D, 2, 'same')))(tf.ones([3, 3, 1, 1]))), /stride 1/);
});

t.test('the CNN trains on wasm and separates a toy image sample', async (t) => {
  const backend = await initTf({ backend: 'wasm' });
  t.equal(backend, 'wasm');
  const n = 200, npix = 12;
  const rng = new Rng(5);
  const data = new Float32Array(n * npix * npix);
  const labels = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    labels[j] = j % 2;
    const img = data.subarray(j * npix * npix, (j + 1) * npix * npix);
    img[6 * npix + 6] += 0.6; // the central prong
    img[(labels[j] ? 6 : 7) * npix + (labels[j] ? 9 : 6)] += 0.4; // second prong far (signal) or adjacent (background)
    for (let p = 0; p < img.length; p++) img[p] += 0.02 * Math.abs(rng.normal());
  }
  const m = createModel('cnn', { npix, seed: 1 });
  const r = await train(m, imageInputs({ data, shape: [n, npix, npix] }, labels), { epochs: 3, batchSize: 20, lr: 3e-3 });
  t.ok(r.history.every((h) => Number.isFinite(h.loss)), 'finite losses');
  t.ok(r.testAUC > 0.9, `test AUC ${r.testAUC}`);
  t.equal((await predict(m, imageInputs({ data: data.subarray(0, 2 * 144), shape: [2, 12, 12] }))).length, 2);
});
