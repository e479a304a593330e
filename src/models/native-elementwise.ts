import * as tf from '@tensorflow/tfjs';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../backend/native.js';

// Elementwise and reduction kernels of the 'jetlens' backend (native/tf/elementwise.cc). Each returns null for
// what it does not handle (non-float32 operands), and the cpu backend's kernel runs instead.

export type Info = tf.TensorInfo;
export type Args = { inputs: Record<string, Info | undefined>; backend: MathBackendCPU; attrs?: Record<string, unknown> };
/** A kernel that returns null when it cannot handle its arguments (dtype, layout, activation): the cpu one runs. */
export type NativeKernel = (args: Args, addon: NativeAddon) => Info | null;

export const f32 = (b: MathBackendCPU, t: Info | undefined): Float32Array | null => {
  if (!t || t.dtype !== 'float32') return null;
  const v = b.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : null;
};
export const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/**
 * An output array for a native kernel, not zero-filled when large (every native kernel writes all of its output,
 * so zeroing 10-20 MB per tensor would be wasted memory traffic). Small ones come zeroed from the V8 heap.
 */
export const outputArray = (n: number): Float32Array =>
  n >= 4096 ? new Float32Array(Buffer.allocUnsafeSlow(4 * n).buffer, 0, n) : new Float32Array(n);

/** Strides of `shape` walked along the broadcast output `out` (0 on broadcast axes), right-aligned. */
function broadcastStrides(shape: number[], out: number[]): Int32Array {
  const s = new Int32Array(out.length);
  let stride = 1;
  for (let i = shape.length - 1, o = out.length - 1; o >= 0; i--, o--) {
    const d = i >= 0 ? shape[i] : 1;
    s[o] = d === 1 ? 0 : stride;
    stride *= d;
  }
  return s;
}

const binary = (op: string, bool = false): NativeKernel => ({ inputs, backend }, addon) => {
  const { a, b } = inputs;
  const av = f32(backend, a), bv = f32(backend, b);
  if (!av || !bv) return null;
  const shape = tf.broadcast_util.assertAndGetBroadcastShape(a!.shape, b!.shape);
  if (shape.length > 8) return null;
  const out = bool ? new Uint8Array(size(shape)) : outputArray(size(shape));
  addon.tfBinary({ op, a: av, b: bv, out, shape: Int32Array.from(shape), aStrides: broadcastStrides(a!.shape, shape), bStrides: broadcastStrides(b!.shape, shape) });
  return backend.makeTensorInfo(shape, bool ? 'bool' : 'float32', out);
};

const unary = (op: string): NativeKernel => ({ inputs, backend, attrs = {} }, addon) => {
  const xv = f32(backend, inputs.x);
  if (!xv) return null;
  const out = outputArray(xv.length);
  addon.tfUnary({ op, x: xv, out, alpha: typeof attrs.alpha === 'number' ? attrs.alpha : 0 });
  return backend.makeTensorInfo(inputs.x!.shape, 'float32', out);
};

const sum: NativeKernel = ({ inputs, backend, attrs = {} }, addon) => {
  const x = inputs.x;
  const xv = f32(backend, x);
  if (!xv || x!.shape.length > 8) return null;
  const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x!.shape);
  const reduce = new Uint8Array(x!.shape.length);
  for (const a of axes) reduce[a] = 1;
  const kept = x!.shape.filter((_, i) => !reduce[i]);
  const out = outputArray(size(kept));
  addon.tfSum({ x: xv, shape: Int32Array.from(x!.shape), reduce, out });
  const shape = attrs.keepDims ? x!.shape.map((d, i) => (reduce[i] ? 1 : d)) : kept;
  return backend.makeTensorInfo(shape, 'float32', out);
};

const transpose: NativeKernel = ({ inputs, backend, attrs = {} }, addon) => {
  const x = inputs.x;
  const xv = f32(backend, x);
  const perm = attrs.perm as number[];
  if (!xv || x!.shape.length > 8 || x!.shape.length < 1) return null;
  const out = outputArray(xv.length);
  addon.tfTranspose({ x: xv, shape: Int32Array.from(x!.shape), perm: Int32Array.from(perm), out });
  return backend.makeTensorInfo(perm.map((p) => x!.shape[p]), 'float32', out);
};

export const ELEMENTWISE_KERNELS: Record<string, NativeKernel> = {
  Add: binary('add'), Sub: binary('sub'), Multiply: binary('mul'), RealDiv: binary('div'),
  Maximum: binary('max'), Minimum: binary('min'), SquaredDifference: binary('sqdiff'),
  Greater: binary('gt', true), GreaterEqual: binary('ge', true), Less: binary('lt', true), LessEqual: binary('le', true),
  Equal: binary('eq', true), NotEqual: binary('ne', true),
  Relu: unary('relu'), Step: unary('step'), Sqrt: unary('sqrt'), Square: unary('square'), Neg: unary('neg'),
  Exp: unary('exp'), Log: unary('log'), Sigmoid: unary('sigmoid'), Abs: unary('abs'), Reciprocal: unary('reciprocal'),
  Rsqrt: unary('rsqrt'),
  Sum: sum,
  Transpose: transpose,
};
