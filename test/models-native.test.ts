import t from 'tap';
import { loadNative } from '../src/backend/native.js';
import { initTf, tf } from '../src/models/index.js';
import { nativeTfConfig } from '../src/models/native-backend.js';
import { Rng } from '../src/util/rng.js';

// One spec per native kernel: the 'jetlens' backend (native/tf/*.cc) against the cpu backend's kernel on the same
// random inputs, over random shapes with strides, both paddings, batch 1 and odd sizes. Tolerance: float32,
// max |native - cpu| <= 1e-5 * max |cpu| over the output (sums are taken in a different order, with FMA).

const native = loadNative();
const skip = native && typeof native.tfConv2d === 'function' ? false : 'native addon with tfjs kernels not built (npm run build)';
const TOL = 1e-5;

type Inputs = Record<string, { shape: number[]; data: Float32Array }>;
const rand = (rng: Rng, shape: number[]) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()) });

/** Runs one kernel by name on a backend and returns its output values. */
async function run(backend: 'jetlens' | 'cpu', kernel: string, inputs: Inputs, attrs: Record<string, unknown>) {
  await initTf({ backend });
  return tf.tidy(() => {
    const ins = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.data, v.shape, 'float32')]));
    const out = tf.engine().runKernel(kernel, ins, attrs as never) as tf.Tensor;
    return { shape: out.shape, data: out.dataSync() as Float32Array };
  });
}

/** Compares the two backends on `cases` random cases; returns the worst relative error (asserted per case). */
async function compare(t: TapT, kernel: string, cases: number, make: (rng: Rng, i: number) => { inputs: Inputs; attrs: Record<string, unknown>; label: string }) {
  const rng = new Rng(kernel.length * 7919 + 17);
  for (let i = 0; i < cases; i++) {
    const { inputs, attrs, label } = make(rng, i);
    const a = await run('jetlens', kernel, inputs, attrs);
    const b = await run('cpu', kernel, inputs, attrs);
    t.same(a.shape, b.shape, `${kernel} ${label}: shape`);
    let worst = 0, scale = 0;
    for (let k = 0; k < b.data.length; k++) {
      worst = Math.max(worst, Math.abs(a.data[k] - b.data[k]));
      scale = Math.max(scale, Math.abs(b.data[k]));
    }
    const rel = scale > 0 ? worst / scale : worst;
    t.ok(a.data.length === b.data.length && rel <= TOL && a.data.every(Number.isFinite), `${kernel} ${label}: max rel diff ${rel.toExponential(2)}`);
  }
}

type TapT = { same: (a: unknown, b: unknown, m: string) => void; ok: (v: boolean, m: string) => void };
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)];

/** Random conv geometry: batch 1 or odd, odd image sizes, filters up to 4x4, strides 1-3, same/valid. */
function convCase(rng: Rng, i: number) {
  const N = i === 0 ? 1 : 1 + rng.int(4), H = 3 + rng.int(11), W = 3 + rng.int(11), C = 1 + rng.int(6), F = 1 + rng.int(19);
  const fh = 1 + rng.int(Math.min(4, H)), fw = 1 + rng.int(Math.min(4, W));
  const s = i % 3 === 0 || i % 4 === 1 ? 1 : 1 + rng.int(3), sw = i % 4 === 1 ? 1 : rng.int(2) ? s : 1 + rng.int(3);
  const pad = pick(rng, ['same', 'valid'] as const);
  const Ho = pad === 'same' ? Math.ceil(H / s) : Math.ceil((H - fh + 1) / s);
  const Wo = pad === 'same' ? Math.ceil(W / sw) : Math.ceil((W - fw + 1) / sw);
  return { N, H, W, C, F, fh, fw, strides: [s, sw] as [number, number], pad, Ho, Wo, label: `x[${N},${H},${W},${C}] f[${fh},${fw},${C},${F}] s${s}x${sw} ${pad}` };
}

t.test('Conv2D', { skip }, async (t) => {
  await compare(t, 'Conv2D', 12, (rng, i) => {
    const c = convCase(rng, i);
    const dil = c.strides[0] === 1 && c.strides[1] === 1 && i % 4 === 1 ? 2 : 1; // tfjs allows dilation only with stride 1
    return { inputs: { x: rand(rng, [c.N, c.H, c.W, c.C]), filter: rand(rng, [c.fh, c.fw, c.C, c.F]) },
      attrs: { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: dil, dimRoundingMode: undefined }, label: `${c.label} d${dil}` };
  });
});

t.test('FusedConv2D (bias, relu)', { skip }, async (t) => {
  await compare(t, 'FusedConv2D', 8, (rng, i) => {
    const c = convCase(rng, i);
    return { inputs: { x: rand(rng, [c.N, c.H, c.W, c.C]), filter: rand(rng, [c.fh, c.fw, c.C, c.F]), bias: rand(rng, i % 2 ? [c.F] : [1]) },
      attrs: { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: 1, activation: i % 3 === 2 ? 'linear' : 'relu' }, label: c.label };
  });
});

t.test('Conv2DBackpropInput', { skip }, async (t) => {
  await compare(t, 'Conv2DBackpropInput', 12, (rng, i) => {
    const c = convCase(rng, i);
    return { inputs: { dy: rand(rng, [c.N, c.Ho, c.Wo, c.F]), filter: rand(rng, [c.fh, c.fw, c.C, c.F]) },
      attrs: { inputShape: [c.N, c.H, c.W, c.C], strides: c.strides, pad: c.pad, dataFormat: 'NHWC' }, label: c.label };
  });
});

t.test('Conv2DBackpropFilter', { skip }, async (t) => {
  await compare(t, 'Conv2DBackpropFilter', 12, (rng, i) => {
    const c = convCase(rng, i);
    return { inputs: { x: rand(rng, [c.N, c.H, c.W, c.C]), dy: rand(rng, [c.N, c.Ho, c.Wo, c.F]) },
      attrs: { filterShape: [c.fh, c.fw, c.C, c.F], strides: c.strides, pad: c.pad, dataFormat: 'NHWC' }, label: c.label };
  });
});

function poolCase(rng: Rng, i: number) {
  const c = convCase(rng, i);
  return { ...c, label: `x[${c.N},${c.H},${c.W},${c.C}] win ${c.fh}x${c.fw} s${c.strides.join('x')} ${c.pad}` };
}

t.test('MaxPool', { skip }, async (t) => {
  await compare(t, 'MaxPool', 10, (rng, i) => {
    const c = poolCase(rng, i);
    const x = rand(rng, [c.N, c.H, c.W, c.C]);
    if (i === 1) x.data.fill(0.5); // ties everywhere: the first maximum wins, as on the cpu backend
    return { inputs: { x }, attrs: { filterSize: [c.fh, c.fw], strides: c.strides, pad: c.pad }, label: c.label };
  });
});

t.test('MaxPoolGrad', { skip }, async (t) => {
  await compare(t, 'MaxPoolGrad', 10, (rng, i) => {
    const c = poolCase(rng, i);
    const input = rand(rng, [c.N, c.H, c.W, c.C]);
    if (i === 1) for (let k = 0; k < input.data.length; k += 2) input.data[k] = 0.25; // ties
    return { inputs: { dy: rand(rng, [c.N, c.Ho, c.Wo, c.C]), input, output: rand(rng, [c.N, c.Ho, c.Wo, c.C]) },
      attrs: { filterSize: [c.fh, c.fw], strides: c.strides, pad: c.pad }, label: c.label };
  });
});

function matCase(rng: Rng, i: number) {
  const M = 1 + rng.int(i % 4 === 3 ? 140 : 40), N = 1 + rng.int(i % 4 === 2 ? 70 : 40), K = i === 5 ? 0 + 1 : 1 + rng.int(i % 4 === 1 ? 600 : 50);
  const ta = rng.int(2) === 1, tb = rng.int(2) === 1;
  const batch = pick(rng, [[], [1], [3], [2, 2]] as number[][]);
  const bb = i % 3 === 0 ? [] : batch; // broadcast a single b over a's batch
  return { M, N, K, ta, tb, a: [...batch, ...(ta ? [K, M] : [M, K])], b: [...bb, ...(tb ? [N, K] : [K, N])], label: `a[${batch}] ${M}x${K}${ta ? 'ᵀ' : ''} b[${bb}] ${K}x${N}${tb ? 'ᵀ' : ''}` };
}

t.test('BatchMatMul (transposes, broadcast batch)', { skip }, async (t) => {
  await compare(t, 'BatchMatMul', 14, (rng, i) => {
    const c = matCase(rng, i);
    return { inputs: { a: rand(rng, c.a), b: rand(rng, c.b) }, attrs: { transposeA: c.ta, transposeB: c.tb }, label: c.label };
  });
});

t.test('_FusedMatMul (bias, relu, transposes)', { skip }, async (t) => {
  await compare(t, '_FusedMatMul', 10, (rng, i) => {
    const c = matCase(rng, i);
    return { inputs: { a: rand(rng, c.a), b: rand(rng, c.b), bias: rand(rng, i % 2 ? [c.N] : [1]) },
      attrs: { transposeA: c.ta, transposeB: c.tb, activation: i % 3 === 1 ? 'linear' : 'relu' }, label: c.label };
  });
});

t.test('plain C++ kernel and one thread give the same results; thread count does not change any bit', { skip }, async (t) => {
  const rng = new Rng(99);
  const inputs = { x: rand(rng, [3, 13, 11, 5]), dy: rand(rng, [3, 13, 11, 7]) };
  const attrs = { filterShape: [3, 3, 5, 7], strides: 1, pad: 'same', dataFormat: 'NHWC' };
  const before = nativeTfConfig();
  try {
    const two = await run('jetlens', 'Conv2DBackpropFilter', inputs, attrs);
    nativeTfConfig({ threads: 1 });
    const one = await run('jetlens', 'Conv2DBackpropFilter', inputs, attrs);
    t.ok(Buffer.from(one.data.buffer).equals(Buffer.from(two.data.buffer)), 'bit-identical with 1 and 2 threads');
    nativeTfConfig({ avx2: false });
    const plain = await run('jetlens', 'Conv2DBackpropFilter', inputs, attrs);
    const cpu = await run('cpu', 'Conv2DBackpropFilter', inputs, attrs);
    const scale = Math.max(...cpu.data.map(Math.abs));
    const worst = Math.max(...plain.data.map((v, k) => Math.abs(v - cpu.data[k])));
    t.ok(worst <= TOL * scale, `plain kernel: max rel diff ${(worst / scale).toExponential(2)}`);
  } finally {
    nativeTfConfig({ threads: 0, avx2: before.avx2 });
  }
});

t.test('above the inline threshold (4 MFLOP) the threaded kernels match 1 thread bit for bit and the cpu backend', { skip }, async (t) => {
  const rng = new Rng(123);
  const conv = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
  const cases: [string, Inputs, Record<string, unknown>, boolean][] = [
    ['Conv2D', { x: rand(rng, [4, 33, 33, 8]), filter: rand(rng, [4, 4, 8, 16]) }, { ...conv, dilations: 1 }, true],
    ['Conv2DBackpropInput', { dy: rand(rng, [4, 33, 33, 16]), filter: rand(rng, [4, 4, 8, 16]) }, { ...conv, inputShape: [4, 33, 33, 8] }, false],
    ['Conv2DBackpropFilter', { x: rand(rng, [4, 33, 33, 8]), dy: rand(rng, [4, 33, 33, 16]) }, { ...conv, filterShape: [4, 4, 8, 16] }, false],
    ['MaxPool', { x: rand(rng, [16, 34, 34, 32]) }, { filterSize: 2, strides: 2, pad: 'valid' }, false],
    ['BatchMatMul', { a: rand(rng, [301, 203]), b: rand(rng, [203, 101]) }, { transposeA: false, transposeB: false }, true],
    ['BatchMatMul', { a: rand(rng, [203, 301]), b: rand(rng, [101, 203]) }, { transposeA: true, transposeB: true }, false],
  ];
  const before = nativeTfConfig();
  try {
    for (const [kernel, inputs, attrs, vsCpu] of cases) {
      nativeTfConfig({ threads: 2 });
      const two = await run('jetlens', kernel, inputs, attrs);
      nativeTfConfig({ threads: 1 });
      const one = await run('jetlens', kernel, inputs, attrs);
      t.ok(Buffer.from(one.data.buffer).equals(Buffer.from(two.data.buffer)), `${kernel} [${Object.values(inputs).map((v) => v.shape).join('] [')}]: bit-identical with 1 and 2 threads`);
      if (!vsCpu) continue;
      const cpu = await run('cpu', kernel, inputs, attrs);
      const scale = Math.max(...cpu.data.map(Math.abs));
      const worst = Math.max(...two.data.map((v, k) => Math.abs(v - cpu.data[k])));
      t.ok(worst <= TOL * scale, `${kernel}: 2 threads vs cpu, max rel diff ${(worst / scale).toExponential(2)}`);
    }
  } finally {
    nativeTfConfig({ threads: before.threads });
  }
});

t.test('bad arguments reach C++ as clear errors, not crashes', { skip }, async (t) => {
  const dims = Int32Array.from([1, 4, 4, 1, 2, 2, 1, 4, 4, 1, 1, 0, 0, 1, 1]);
  t.throws(() => native!.tfConv2d({ dims, x: new Float32Array(15), filter: new Float32Array(4), out: new Float32Array(16) }), /tfConv2d\.x: expected 16 floats, got 15/);
  t.throws(() => native!.tfConv2d({ dims, x: new Float64Array(16), filter: new Float32Array(4), out: new Float32Array(16) }), /expected a Float32Array/);
  t.throws(() => native!.tfMatMul({ dims: Int32Array.from([2, 2, 2, 2, 3, 1]), a: new Float32Array(24), b: new Float32Array(4), out: new Float32Array(8) }), /batch counts/);
  t.throws(() => native!.tfMaxPool({ dims: Int32Array.from([1, 4, 4, 1, 0, 2, 1, 1, 0, 0, 4, 4]), x: new Float32Array(16), out: new Float32Array(16) }), /window and strides/);
});

/** Random broadcast pair: b's shape drops leading axes and sets some axes to 1. */
function broadcastCase(rng: Rng) {
  const rank = 1 + rng.int(4);
  const a = Array.from({ length: rank }, () => 1 + rng.int(7));
  const b = a.slice(rng.int(rank)).map((d) => (rng.int(3) === 0 ? 1 : d));
  return rng.int(2) ? { a, b } : { a: b, b: a };
}

t.test('binary elementwise ops with broadcasting (float and bool outputs)', { skip }, async (t) => {
  const ops = ['Add', 'Sub', 'Multiply', 'RealDiv', 'Maximum', 'Minimum', 'SquaredDifference', 'Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual'];
  for (const op of ops) {
    await compare(t, op, 4, (rng, i) => {
      const c = i === 0 ? { a: [3, 5, 7], b: [3, 5, 7] } : i === 1 ? { a: [130, 33], b: [33] } : broadcastCase(rng);
      const a = rand(rng, c.a), b = rand(rng, c.b);
      if (i === 0) b.data.set(a.data.subarray(0, 20)); // equal values for the comparisons
      return { inputs: { a, b }, attrs: {}, label: `[${c.a}] vs [${c.b}]` };
    });
  }
});

t.test('unary elementwise ops (incl. NaN through relu/step)', { skip }, async (t) => {
  const ops = ['Relu', 'Step', 'Sqrt', 'Square', 'Neg', 'Exp', 'Log', 'Sigmoid', 'Abs', 'Reciprocal', 'Rsqrt'];
  for (const op of ops) {
    await compare(t, op, 2, (rng, i) => {
      const x = rand(rng, i ? [1 + rng.int(50), 1 + rng.int(50)] : [70000]);
      if (['Sqrt', 'Log', 'Rsqrt'].includes(op)) x.data.forEach((v, k) => (x.data[k] = Math.abs(v) + 0.1));
      return { inputs: { x }, attrs: op === 'Step' ? { alpha: 0.25 } : {}, label: `[${x.shape}]` };
    });
  }
  await initTf({ backend: 'jetlens' });
  t.same(Array.from(tf.step(tf.tensor1d([NaN, -1, 2])).dataSync()), [NaN, 0, 1], 'step keeps NaN');
});

t.test('Sum over any axes (double accumulation), keepDims', { skip }, async (t) => {
  await compare(t, 'Sum', 10, (rng, i) => {
    const rank = 1 + rng.int(4);
    const shape = Array.from({ length: rank }, () => 1 + rng.int(9));
    if (i === 0) shape.splice(0, shape.length, 64, 17, 13, 32); // bias gradient of a conv layer
    const axes = i === 0 ? [0, 1, 2] : shape.map((_, k) => k).filter(() => rng.int(2) === 1);
    return { inputs: { x: rand(rng, shape) }, attrs: { axis: axes.length ? axes : [rank - 1], keepDims: i % 2 === 1 }, label: `[${shape}] axes ${axes}` };
  });
});

t.test('Transpose (any permutation, rank 1-5)', { skip }, async (t) => {
  await compare(t, 'Transpose', 8, (rng) => {
    const rank = 1 + rng.int(5);
    const shape = Array.from({ length: rank }, () => 1 + rng.int(6));
    const perm = new Rng(rng.int(1000)).permutation(rank);
    return { inputs: { x: rand(rng, shape) }, attrs: { perm: Array.from(perm) }, label: `[${shape}] perm ${Array.from(perm)}` };
  });
});
