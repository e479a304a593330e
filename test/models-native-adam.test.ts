import t from 'tap';
import { loadNative } from '../src/backend/native.js';
import { initTf, tf } from '../src/models/index.js';
import { adam, FusedAdam } from '../src/models/native-adam.js';
import { Rng } from '../src/util/rng.js';

// The fused Adam update (native/tf/adam.cc) against tfjs's AdamOptimizer on the cpu backend: the same float32
// operations in the same order, so values and both moments must agree bit for bit, over odd shapes, a scalar, a
// variable large enough to be split into tasks, and a variable without a gradient.

const native = loadNative();
const skip = native && typeof native.tfAdam === 'function' ? false : 'native addon with the fused Adam kernel not built (npm run build)';

const SHAPES = [[1], [7], [13, 5], [3, 4, 5], [70001]];

/** Runs `steps` Adam updates from the same seeded start and gradients; returns the variables and moments. */
async function runAdam(backend: 'jetlens' | 'cpu', fused: boolean, steps: number) {
  await initTf({ backend });
  const rng = new Rng(7);
  const vals = SHAPES.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.normal()));
  const vars = SHAPES.map((s, i) => tf.variable(tf.tensor(vals[i], s), true, `adam_test_${backend}_${fused}_${i}`));
  const opt = fused ? adam(3e-3, 0.8, 0.99) : tf.train.adam(3e-3, 0.8, 0.99);
  for (let k = 0; k < steps; k++) {
    const grads = vars.map((v, i) => ({ name: v.name, tensor: tf.tensor(Float32Array.from({ length: v.size }, () => rng.normal() * (i + 1)), v.shape) }));
    // The second variable gets no gradient every other step (tfjs leaves it and its moments alone).
    opt.applyGradients(grads.map((g, i) => (i === 1 && k % 2 ? { name: g.name, tensor: null as unknown as tf.Tensor } : g)));
    tf.dispose(grads.map((g) => g.tensor));
  }
  const state = await opt.getWeights();
  const out = { values: vars.map((v) => Array.from(v.dataSync())), state: state.map((s) => ({ name: s.name.replace(/_(jetlens|cpu)_(true|false)_/, '_'), data: Array.from(s.tensor.dataSync()) })) };
  opt.dispose();
  tf.dispose(vars);
  return out;
}

t.test('fused Adam on jetlens equals tfjs Adam on the cpu backend bit for bit (values and moments)', { skip }, async (t) => {
  const a = await runAdam('jetlens', true, 6);
  const b = await runAdam('cpu', false, 6);
  t.equal(a.values.length, SHAPES.length);
  for (let i = 0; i < SHAPES.length; i++) {
    const same = a.values[i].every((v, k) => Object.is(v, b.values[i][k]));
    t.ok(same && a.values[i].length === b.values[i].length, `variable [${SHAPES[i]}]: identical after 6 steps`);
  }
  t.same(a.state.map((s) => s.name), b.state.map((s) => s.name), 'optimizer state: same names (iterations, m and v per variable)');
  t.ok(a.state.every((s, i) => s.data.every((v, k) => Object.is(v, b.state[i].data[k]))), 'optimizer state: identical iterations and moments');
  t.not(a.values[0][0], (await runAdam('cpu', false, 0)).values[0][0], 'the updates changed the variables');
});

t.test('fused Adam runs tfjs Adam on other backends; weights restore through setWeights', { skip }, async (t) => {
  const a = await runAdam('cpu', true, 3);
  const b = await runAdam('cpu', false, 3);
  t.same(a.values, b.values, 'cpu backend: identical to tf.train.adam');
  await initTf({ backend: 'jetlens' });
  const v = tf.variable(tf.tensor1d([1, 2, 3]), true, 'adam_test_restore');
  const opt = new FusedAdam(0.1, 0.9, 0.999);
  opt.applyGradients([{ name: v.name, tensor: tf.tensor1d([1, -1, 0.5]) }]);
  const saved = await opt.getWeights();
  const opt2 = new FusedAdam(0.1, 0.9, 0.999);
  await opt2.setWeights(saved.map((s) => ({ name: s.name, tensor: s.tensor.clone() })));
  const v2 = tf.variable(v.clone(), true, 'adam_test_restore2');
  const prof = await tf.profile(() => opt.applyGradients([{ name: v.name, tensor: tf.tensor1d([0.2, 0.2, 0.2]) }]));
  const names = prof.kernels.map((k) => k.name);
  t.notOk(names.includes('Sqrt') || names.includes('RealDiv'), `jetlens: the fused kernel ran, not tfjs's op chain (kernels: ${names.join(' ') || 'none'})`);
  opt2.applyGradients([{ name: v2.name, tensor: tf.tensor1d([0.2, 0.2, 0.2]) }]);
  t.same(Array.from(v2.dataSync()), Array.from(v.dataSync()), 'a restored optimizer continues exactly');
  t.equal(opt2.iterations, 2);
});

t.test('tensors stay immutable: a clone of the weights and an array read before the step keep their values', { skip }, async (t) => {
  await initTf({ backend: 'jetlens' });
  const v = tf.variable(tf.tensor2d([[1, 2], [3, 4]]), true, 'adam_test_shared');
  const kept = v.clone(); // shares v's buffer (as train() does for the best weights)
  const read = v.dataSync();
  const opt = adam(0.5);
  opt.applyGradients([{ name: v.name, tensor: tf.tensor2d([[1, 1], [1, 1]]) }]);
  t.same(Array.from(kept.dataSync()), [1, 2, 3, 4], 'the clone is unchanged');
  t.same(Array.from(read), [1, 2, 3, 4], 'the array read before the step is unchanged');
  t.same(Array.from(v.dataSync()).map((x) => Math.round(x * 1000) / 1000), [0.5, 1.5, 2.5, 3.5], 'the variable moved by lr');
  tf.dispose([kept, v]);
  opt.dispose();
});

t.test('tfAdam rejects wrong lengths before touching memory', { skip }, async (t) => {
  const f = (n: number) => new Float32Array(n);
  const args = { value: f(4), m: f(4), v: f(4), grad: f(3), outValue: f(4), outM: f(4), outV: f(4), beta1: 0.9, beta2: 0.999, oneMinusBeta1: 0.1, oneMinusBeta2: 0.001, bias1: 0.1, bias2: 0.001, eps: 1e-7, negLr: -1e-3 };
  t.throws(() => native!.tfAdam(args), /tfAdam\.grad: expected 4 floats, got 3/);
  t.throws(() => native!.tfAdam({ ...args, grad: f(4), beta1: 'x' }), /tfAdam\.beta1/);
  t.throws(() => native!.tfAdam({ ...args, grad: new Float64Array(4) }), /expected a Float32Array/);
});
