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
  // Reuse freed heap pages for tensor buffers (native/tf/matmul.cc heap_reuse: page faults on fresh buffers cost
  // more than many kernels); JETLENS_TF_HEAP_REUSE=0 keeps glibc's defaults.
  if (process.env.JETLENS_TF_HEAP_REUSE !== '0') addon.tfConfig({ heapReuse: true });
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

/** What nativeTfConfig reports: threads, SIMD path, and the bench's kernel CPU clock. */
export interface NativeTfConfig {
  threads: number;
  avx2: boolean;
  /** Whether the kernels' CPU time is being accounted (bench/train.mjs turns it on; off by default). */
  cpuClock: boolean;
  /** CPU seconds the native kernels used on all their threads since cpuClock was turned on. */
  cpuSeconds: number;
  /** Whether the malloc settings that keep tensor buffers' pages for reuse are applied (see registerJetlensBackend). */
  heapReuse: boolean;
}

/**
 * Threads and SIMD path of the native kernels (threads 0 = all cores; avx2 false forces the plain C++ kernel);
 * cpuClock true resets and starts the kernel CPU-time accounting, false stops it.
 */
export function nativeTfConfig(set: { threads?: number; avx2?: boolean; cpuClock?: boolean } = {}): NativeTfConfig {
  const addon = loadNative();
  if (!addon || typeof addon.tfConfig !== 'function') throw new Error('native addon with tfjs kernels unavailable');
  return addon.tfConfig(set);
}
