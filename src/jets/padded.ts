// Fast path of JetBatch.fromPadded (issue #20.2): the addon converts and validates a padded (N, M, F) float64 or
// float32 array in one C++ pass (native/padded.cc). It accepts exactly what the TypeScript path accepts; on a bad row
// it returns null and the caller runs the TypeScript path, which throws the error naming jet, particle and field.
import { loadNative } from '../backend/native.js';
import type { JetBatchData } from './batch.js';

/** CSR arrays of a padded array, validated; null when the addon is absent, not wanted, or a row is bad. */
export function paddedToCsrNative(
  data: ArrayLike<number>, n: number, m: number, f: number, limits: { ptLimit: number; yLimit: number; phiLimit: number },
): Omit<JetBatchData, 'labels' | 'weights'> | null {
  if (!(data instanceof Float64Array || data instanceof Float32Array)) return null;
  if (process.env.JETLENS_BACKEND === 'reference') return null;
  const addon = loadNative();
  if (!addon?.paddedToCsr) return null;
  const r = addon.paddedToCsr({ data, n, m, f, ...limits }) as Omit<JetBatchData, 'labels' | 'weights'> | { bad: number };
  return 'bad' in r ? null : r;
}
