/**
 * One way to run an op's spec on every backend that has the op, and one way to compare arrays.
 *   forEachBackend(t, 'efp', async (t, backend, tol) => { ... expectClose(t, got, want, tol, 'what') ... });
 * Backends come from the registry (backendsFor), so a new kernel is tested as soon as it is registered.
 */
import { type Test } from 'tap';
import { backendsFor, type BackendName, type OpName } from '../../src/backend/dispatch.js';

/** Comparison tolerance: |a - b| <= max(rel * max(|a|, |b|), abs). */
export interface Tolerance {
  rel: number;
  abs: number;
}

/**
 * Default per-backend tolerances. float64 kernels (reference, native, brute) differ only in summation order;
 * gpu.js computes in float32 (relative rounding about 6e-8, accumulated over sums of up to ~1e4 terms).
 */
export const DEFAULT_TOLERANCE: Record<string, Tolerance> = {
  reference: { rel: 1e-12, abs: 1e-300 },
  native: { rel: 1e-10, abs: 1e-300 },
  brute: { rel: 1e-10, abs: 1e-300 },
  gpujs: { rel: 2e-4, abs: 1e-7 },
  cuda: { rel: 1e-10, abs: 1e-300 },
};

export interface ForEachOptions {
  /** Per-backend overrides of DEFAULT_TOLERANCE. */
  tolerance?: Partial<Record<string, Partial<Tolerance>>>;
  /** Backends to leave out, with the reason printed as a skip. */
  skip?: Partial<Record<string, string>>;
}

/** Runs `fn` as one subtest per backend that has `op`, each with its tolerance. */
export async function forEachBackend(
  t: Test,
  op: OpName,
  fn: (t: Test, backend: BackendName, tol: Tolerance) => Promise<void> | void,
  opts: ForEachOptions = {},
): Promise<void> {
  const backends = backendsFor(op);
  if (backends.length === 0) throw new Error(`forEachBackend: no backend has op '${op}'`);
  for (const b of backends) {
    const tol = { ...(DEFAULT_TOLERANCE[b] ?? DEFAULT_TOLERANCE.native), ...(opts.tolerance?.[b] ?? {}) };
    const skip = opts.skip?.[b];
    await t.test(`${op} on ${b}`, skip ? { skip } : {}, async (t) => fn(t, b, tol));
  }
}

/** The largest tolerance-scaled difference between two arrays and where it is (ratio <= 1 passes). */
export function worstDifference(got: ArrayLike<number>, want: ArrayLike<number>, tol: Tolerance): { ratio: number; at: number; got: number; want: number } {
  let worst = { ratio: 0, at: -1, got: NaN, want: NaN };
  for (let i = 0; i < want.length; i++) {
    const a = got[i];
    const b = want[i];
    const limit = Math.max(tol.rel * Math.max(Math.abs(a), Math.abs(b)), tol.abs);
    // Identical values (including two infinities or two NaNs) are equal; otherwise NaN fails.
    const ratio = Object.is(a, b) || a === b ? 0 : Math.abs(a - b) / limit;
    if (!(ratio <= worst.ratio)) worst = { ratio: Number.isNaN(ratio) ? Infinity : ratio, at: i, got: a, want: b };
  }
  return worst;
}

/** Asserts that `got` matches `want` element-wise within `tol` (lengths equal), naming the worst element. */
export function expectClose(t: Test, got: ArrayLike<number>, want: ArrayLike<number>, tol: Tolerance, what: string): boolean {
  if (got.length !== want.length) return t.fail(`${what}: length ${got.length}, expected ${want.length}`);
  const w = worstDifference(got, want, tol);
  return t.ok(w.ratio <= 1, `${what}: within rel ${tol.rel}, abs ${tol.abs}` + (w.at >= 0 ? ` (worst at ${w.at}: ${w.got} vs ${w.want}, ${w.ratio.toExponential(2)} x tol)` : ''));
}
