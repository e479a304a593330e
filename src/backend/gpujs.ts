/**
 * Lazy gpu.js loader for the 'gpujs' backend. gpu.js is imported dynamically, only when a gpujs kernel first runs,
 * so importing jetlens stays fast and a broken gpu.js install never breaks the package: kernels are registered only
 * when the package resolves, and a failed load rejects with a clear error naming the backend.
 *
 * Mode: gpu.js picks its best mode. Here (no WebGL/headless GL in Node) that is 'webasm' (WebAssembly); every
 * gpu.js mode computes in **float32**, so gpujs results agree with the float64 backends to float32 tolerance only.
 * JETLENS_GPUJS_MODE (e.g. 'cpu', 'webasm', 'headlessgl') forces a mode.
 */
import { createRequire } from 'node:module';

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface GpuJs {
  /** A GPU instance (gpu.js has no types we depend on). */
  gpu: any;
  /** The mode gpu.js runs in ('webasm', 'cpu', 'headlessgl', ...). */
  mode: string;
}

/** True when the gpu.js package resolves (cheap, does not load it). */
export function gpujsInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('gpu.js');
    return true;
  } catch {
    return false;
  }
}

let loading: Promise<GpuJs> | null = null;

/** Loads gpu.js once; rejects with "backend 'gpujs' is not available: ..." if it cannot be loaded. */
export function loadGpuJs(): Promise<GpuJs> {
  if (!loading) {
    const name = 'gpu.js'; // a variable specifier: TypeScript does not need gpu.js types, and bundlers skip it
    loading = import(name).then(
      (m: any) => {
        const lib = m.GPU ? m : m.default;
        const mode = process.env.JETLENS_GPUJS_MODE;
        const gpu = new lib.GPU(mode ? { mode } : {});
        return { gpu, mode: String(gpu.mode) };
      },
      (e: unknown) => {
        throw new Error(`backend 'gpujs' is not available: gpu.js failed to load (${e instanceof Error ? e.message : String(e)})`);
      },
    );
    loading.catch(() => undefined);
  }
  return loading;
}

/** Largest flat float32 array index used in kernels: gpu.js may do index arithmetic in float32 (exact below 2^24). */
export const GPUJS_MAX_INDEX = 2 ** 24;
