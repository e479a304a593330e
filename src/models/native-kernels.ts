import * as tf from '@tensorflow/tfjs';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { ELEMENTWISE_KERNELS, f32, outputArray, size, type Info, type NativeKernel } from './native-elementwise.js';

type Attrs = Record<string, unknown>;
const i32 = (xs: number[]) => Int32Array.from(xs);
const out = (b: MathBackendCPU, shape: number[], values: Float32Array): Info => b.makeTensorInfo(shape, 'float32', values);

/** Bias usable by the native epilogue: one value per output channel (last axis) or a single value. */
function channelBias(b: MathBackendCPU, bias: Info | undefined, channels: number): Float32Array | null | undefined {
  if (!bias) return undefined;
  const v = f32(b, bias);
  if (!v) return null;
  const n = size(bias.shape);
  if (n === 1) return v;
  const ok = n === channels && bias.shape[bias.shape.length - 1] === channels;
  return ok ? v : null;
}
/** 'relu' -> true, none/linear -> false, anything else -> null (falls back). */
function reluOf(activation: unknown): boolean | null {
  if (activation === undefined || activation === null || activation === 'linear') return false;
  return activation === 'relu' ? true : null;
}

type ConvInfo = tf.backend_util.Conv2DInfo;
const convDims = (c: ConvInfo) =>
  i32([c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.filterHeight, c.filterWidth, c.outChannels, c.outHeight,
    c.outWidth, c.strideHeight, c.strideWidth, c.padInfo.top, c.padInfo.left, c.dilationHeight, c.dilationWidth]);
const nhwc = (a: Attrs) => a.dataFormat === undefined || a.dataFormat === 'NHWC';
type Shape4 = [number, number, number, number];
type Pad = Parameters<typeof tf.backend_util.computeConv2DInfo>[4];
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

const conv2d = (fused: boolean): NativeKernel => ({ inputs, backend, attrs = {} }, addon) => {
  const { x, filter, bias } = inputs;
  const xv = f32(backend, x), wv = f32(backend, filter);
  const relu = fused ? reluOf(attrs.activation) : false;
  if (!xv || !wv || !nhwc(attrs) || relu === null || (fused && inputs.preluActivationWeights)) return null;
  const c = tf.backend_util.computeConv2DInfo(x!.shape as Shape4, filter!.shape as Shape4, attrs.strides as [number, number],
    (attrs.dilations ?? 1) as [number, number], attrs.pad as Pad, attrs.dimRoundingMode as Rounding, false, 'channelsLast');
  const bv = fused ? channelBias(backend, bias, c.outChannels) : undefined;
  if (bv === null || size(c.outShape) === 0 || size(x!.shape) === 0) return null;
  const o = outputArray(size(c.outShape));
  addon.tfConv2d({ dims: convDims(c), x: xv, filter: wv, out: o, bias: bv, relu });
  return out(backend, c.outShape, o);
};

const conv2dBackpropInput: NativeKernel = ({ inputs, backend, attrs = {} }, addon) => {
  const { dy, filter } = inputs;
  const dyv = f32(backend, dy), wv = f32(backend, filter);
  if (!dyv || !wv || !nhwc(attrs)) return null;
  const shape = attrs.inputShape as Shape4;
  const c = tf.backend_util.computeConv2DInfo(shape, filter!.shape as Shape4, attrs.strides as [number, number], 1,
    attrs.pad as Pad, attrs.dimRoundingMode as Rounding, false, 'channelsLast');
  if (size(shape) === 0 || size(dy!.shape) === 0) return null;
  const o = outputArray(size(shape));
  addon.tfConv2dBackpropInput({ dims: convDims(c), dy: dyv, filter: wv, out: o });
  return out(backend, shape, o);
};

const conv2dBackpropFilter: NativeKernel = ({ inputs, backend, attrs = {} }, addon) => {
  const { x, dy } = inputs;
  const xv = f32(backend, x), dyv = f32(backend, dy);
  if (!xv || !dyv || !nhwc(attrs)) return null;
  const fshape = attrs.filterShape as Shape4;
  const c = tf.backend_util.computeConv2DInfo(x!.shape as Shape4, fshape, attrs.strides as [number, number], 1,
    attrs.pad as Pad, attrs.dimRoundingMode as Rounding, false, 'channelsLast');
  if (size(fshape) === 0) return null;
  const o = outputArray(size(fshape));
  addon.tfConv2dBackpropFilter({ dims: convDims(c), x: xv, dy: dyv, out: o });
  return out(backend, fshape, o);
};

const poolInfo = (x: Info, a: Attrs) =>
  tf.backend_util.computePool2DInfo(x.shape as Shape4, a.filterSize as [number, number], a.strides as [number, number], 1,
    a.pad as Pad, a.dimRoundingMode as Rounding);
const poolDims = (c: ConvInfo) =>
  i32([c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth,
    c.padInfo.top, c.padInfo.left, c.outHeight, c.outWidth]);

const maxPool: NativeKernel = ({ inputs, backend, attrs = {} }, addon) => {
  const xv = f32(backend, inputs.x);
  if (!xv || inputs.x!.shape.length !== 4 || size(inputs.x!.shape) === 0) return null;
  const c = poolInfo(inputs.x!, attrs);
  const o = outputArray(size(c.outShape));
  addon.tfMaxPool({ dims: poolDims(c), x: xv, out: o });
  return out(backend, c.outShape, o);
};

const maxPoolGrad: NativeKernel = ({ inputs, backend, attrs = {} }, addon) => {
  const xv = f32(backend, inputs.input), dyv = f32(backend, inputs.dy);
  if (!xv || !dyv || inputs.input!.shape.length !== 4 || size(inputs.input!.shape) === 0) return null;
  const c = poolInfo(inputs.input!, attrs);
  const o = outputArray(size(inputs.input!.shape));
  addon.tfMaxPoolGrad({ dims: poolDims(c), x: xv, dy: dyv, out: o });
  return out(backend, inputs.input!.shape, o);
};

const matMul = (fused: boolean): NativeKernel => ({ inputs, backend, attrs = {} }, addon) => {
  const { a, b, bias } = inputs;
  const av = f32(backend, a), bv = f32(backend, b);
  const relu = fused ? reluOf(attrs.activation) : false;
  if (!av || !bv || relu === null || (fused && inputs.preluActivationWeights)) return null;
  const ta = Boolean(attrs.transposeA), tb = Boolean(attrs.transposeB);
  const ra = a!.shape.length, rb = b!.shape.length;
  if (ra < 2 || rb < 2) return null;
  const M = ta ? a!.shape[ra - 1] : a!.shape[ra - 2], K = ta ? a!.shape[ra - 2] : a!.shape[ra - 1];
  const N = tb ? b!.shape[rb - 2] : b!.shape[rb - 1], Kb = tb ? b!.shape[rb - 1] : b!.shape[rb - 2];
  const outerA = a!.shape.slice(0, -2), outerB = b!.shape.slice(0, -2);
  const na = size(outerA), nb = size(outerB);
  const same = outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i]);
  if (K !== Kb || !(same || na === 1 || nb === 1) || M * N === 0 || na * nb === 0) return null; // cpu reports errors
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  const batch = Math.max(na, nb);
  const biasV = fused ? channelBias(backend, bias, N) : undefined;
  if (biasV === null) return null;
  const o = outputArray(batch * M * N);
  addon.tfMatMul({ dims: i32([batch, M, N, K, na, nb]), a: av, b: bv, out: o, transposeA: ta, transposeB: tb, bias: biasV, relu });
  return out(backend, [...outer, M, N], o);
};

/** Kernel name -> native implementation (each falls back to the cpu kernel when it returns null). */
export const NATIVE_KERNELS: Record<string, NativeKernel> = {
  Conv2D: conv2d(false),
  FusedConv2D: conv2d(true),
  Conv2DBackpropInput: conv2dBackpropInput,
  Conv2DBackpropFilter: conv2dBackpropFilter,
  MaxPool: maxPool,
  MaxPoolGrad: maxPoolGrad,
  BatchMatMul: matMul(false),
  _FusedMatMul: matMul(true),
  ...ELEMENTWISE_KERNELS,
};
