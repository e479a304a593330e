/**
 * One op, several kernels, one typed registry (the TensorFlow.js kernel-registry pattern). Op names and kernel
 * signatures are in kernel-names.ts; each area registers its kernels in its kernels file; src/backend/kernels.ts
 * is the one list of those files. Callers ask for the op and get the kernel of the requested backend (option, then
 * JETLENS_BACKEND, then the best registered). A requested backend without a kernel for the op is an error, never
 * a silent fallback; registering a kernel twice is an error.
 */
import type { KernelMap, OpName } from './kernel-names.js';

export type { KernelMap, OpName } from './kernel-names.js';

/**
 * 'native' (C++ addon), 'reference' (plain TypeScript, the definition every test compares against), 'gpujs'
 * (float32), 'brute' (the definition computed literally, for checks on tiny inputs).
 */
export type BackendName = 'native' | 'gpujs' | 'reference' | 'brute';
export const BACKENDS: BackendName[] = ['native', 'gpujs', 'reference', 'brute'];

/** Preference order when no backend is requested. gpu.js (float32) and brute (slow) are never picked automatically. */
const PREFERENCE: BackendName[] = ['native', 'reference'];
/** Backends JETLENS_BACKEND may select (brute is for explicit checks only). */
const ENV_SELECTABLE: BackendName[] = ['native', 'gpujs', 'reference'];

type AnyKernel = KernelMap[OpName];
const registry = new Map<OpName, Map<BackendName, AnyKernel>>();

/** Registers the kernel of `op` for `backend`; a second registration of the same pair throws. */
export function registerKernel<Op extends OpName>(op: Op, backend: BackendName, fn: KernelMap[Op]): void {
  let m = registry.get(op);
  if (!m) registry.set(op, (m = new Map()));
  if (m.has(backend)) throw new Error(`kernel '${op}' is already registered for backend '${backend}'`);
  m.set(backend, fn);
}

/** Backends that have a kernel registered for `op`, in BACKENDS order. */
export function backendsFor(op: OpName): BackendName[] {
  const m = registry.get(op);
  return m ? BACKENDS.filter((b) => m.has(b)) : [];
}

export function isBackendName(s: string): s is BackendName {
  return (BACKENDS as string[]).includes(s);
}

/** Picks the kernel for `op`: explicit backend > JETLENS_BACKEND (if it has the op) > preference order. */
export function getKernel<Op extends OpName>(op: Op, backend?: string): { backend: BackendName; kernel: KernelMap[Op] } {
  const m = registry.get(op);
  if (!m) throw new Error(`no kernels registered for op '${op}'`);
  const found = (b: BackendName) => ({ backend: b, kernel: m.get(b) as KernelMap[Op] });
  if (backend !== undefined && backend !== 'auto') {
    if (!isBackendName(backend)) throw new Error(`unknown backend '${backend}' (expected one of ${BACKENDS.join(', ')}, auto)`);
    if (!m.has(backend)) throw new Error(`kernel '${op}' not registered for backend '${backend}' (available: ${backendsFor(op).join(', ')})`);
    return found(backend);
  }
  const env = process.env.JETLENS_BACKEND;
  if (env && (ENV_SELECTABLE as string[]).includes(env) && m.has(env as BackendName)) return found(env as BackendName);
  for (const b of PREFERENCE) if (m.has(b)) return found(b);
  throw new Error(`op '${op}' has no kernel that may be picked automatically (available: ${backendsFor(op).join(', ')}): pass a backend`);
}
