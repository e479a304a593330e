/**
 * One op, several kernels, one dispatcher (the TensorFlow.js kernel-registry pattern).
 * Each op module registers its kernels by (op name, backend); callers ask for the op and get the kernel of the
 * requested backend (option, then JETLENS_BACKEND, then the best registered). A requested backend that has no
 * kernel for the op is an error, never a silent fallback.
 */
export type BackendName = 'cuda' | 'native' | 'gpujs' | 'reference';

/** Preference order when no backend is requested. gpu.js runs in float32: never picked automatically. */
const PREFERENCE: BackendName[] = ['native', 'reference'];
export const BACKENDS: BackendName[] = ['cuda', 'native', 'gpujs', 'reference'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Kernel = (...args: any[]) => any;
const registry = new Map<string, Map<BackendName, Kernel>>();

export function registerKernel(op: string, backend: BackendName, fn: Kernel): void {
  let m = registry.get(op);
  if (!m) registry.set(op, (m = new Map()));
  m.set(backend, fn);
}

/** Backends that have a kernel registered for `op`, in preference order. */
export function backendsFor(op: string): BackendName[] {
  const m = registry.get(op);
  return m ? BACKENDS.filter((b) => m.has(b)) : [];
}

export function isBackendName(s: string): s is BackendName {
  return (BACKENDS as string[]).includes(s);
}

/** Picks the kernel for `op`: explicit backend > JETLENS_BACKEND (if it has the op) > preference order. */
export function getKernel<K extends Kernel>(op: string, backend?: string): { backend: BackendName; kernel: K } {
  const m = registry.get(op);
  if (!m) throw new Error(`no kernels registered for op '${op}'`);
  if (backend !== undefined && backend !== 'auto') {
    if (!isBackendName(backend)) throw new Error(`unknown backend '${backend}' (expected one of ${BACKENDS.join(', ')}, auto)`);
    const k = m.get(backend);
    if (!k) throw new Error(`kernel '${op}' not registered for backend '${backend}' (available: ${backendsFor(op).join(', ')})`);
    return { backend, kernel: k as K };
  }
  const env = process.env.JETLENS_BACKEND;
  if (env && isBackendName(env) && m.has(env)) return { backend: env, kernel: m.get(env) as K };
  for (const b of PREFERENCE) {
    const k = m.get(b);
    if (k) return { backend: b, kernel: k as K };
  }
  const [b, k] = m.entries().next().value as [BackendName, Kernel];
  return { backend: b, kernel: k as K };
}
