import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { loadNative } from '../backend/native.js';
import { NATIVE_KERNELS } from './native-kernels.js';

/** Name of the TensorFlow.js backend provided by the jetlens addon. */
export const JETLENS_BACKEND = 'jetlens';

/**
 * The cpu backend's tensor store (plain typed arrays, read by the addon without copies) with native C++ kernels
 * for the hot ops (native/tf/*.cc). Every op without a native kernel, and every case a native kernel declines
 * (non-float32, NCHW, other fused activations), runs the cpu backend's own kernel.
 */
export class JetlensBackend extends MathBackendCPU {}

let registered = false;

/**
 * Registers the 'jetlens' backend (priority 2.5: after tfjs-node's 3, before wasm's 2). Returns null when
 * registered, else why not (the addon is missing or predates the tfjs kernels).
 */
export function registerJetlensBackend(): string | null {
  if (registered) return null;
  const addon = loadNative();
  if (!addon) return 'native addon unavailable';
  if (typeof addon.tfConv2d !== 'function') return 'native addon has no tfjs kernels (rebuild it: npm run build)';
  tf.registerBackend(JETLENS_BACKEND, () => new JetlensBackend(), 2.5);
  for (const k of tf.getKernelsForBackend('cpu')) {
    const native = NATIVE_KERNELS[k.kernelName];
    const base = k.kernelFunc;
    const kernelFunc: tf.KernelFunc = native
      ? (args) => native(args as unknown as Parameters<typeof native>[0], addon) ?? base(args)
      : base;
    tf.registerKernel({ ...k, backendName: JETLENS_BACKEND, kernelFunc });
  }
  registered = true;
  return null;
}

/** Threads and SIMD path of the native kernels (threads 0 = all cores; avx2 false forces the plain C++ kernel). */
export function nativeTfConfig(set: { threads?: number; avx2?: boolean } = {}): { threads: number; avx2: boolean } {
  const addon = loadNative();
  if (!addon || typeof addon.tfConfig !== 'function') throw new Error('native addon with tfjs kernels unavailable');
  return addon.tfConfig(set);
}
