/**
 * The cell embedding of docs/semd.md section 3. J -> R_J is an isometry into L2(0, T); projecting R_J on K
 * cells (orthonormal basis 1/sqrt(width) on each) gives v_J, and r_J is the norm of what the projection misses.
 * For every pair: |v_A - v_B|^2 + (r_A - r_B)^2 <= SEMD^2 <= |v_A - v_B|^2 + (r_A + r_B)^2.
 * We store u_J = (v_J, r_J) in R^(K+1): |u_A - u_B| is then the lower bound itself.
 */
import { getKernel } from '../backend/dispatch.js';
import './kernels.js'; // registers every SEMD kernel (reference, native, gpujs)
import { totalWeights, type Spectra } from './spectrum.js';

export interface Embedding {
  /** (N, K + 1) row-major: cell coefficients then the residual norm. */
  u: Float64Array;
  K: number;
  /** Upper end of the cells (the largest total weight of the spectra it was built for). */
  T: number;
}

class CSum {
  s = 0;
  c = 0;
  add(x: number): void {
    const t = this.s + x;
    if (Math.abs(this.s) >= Math.abs(x)) this.c += this.s - t + x;
    else this.c += x - t + this.s;
    this.s = t;
  }
  value(): number {
    return this.s + this.c;
  }
}

/** Reference kernel for one jet, into u[o .. o + K] (same walk and arithmetic as embed_one in native/semd.cc). */
export function embedOne(S: Spectra, j: number, K: number, T: number, u: Float64Array, o: number): void {
  const b = S.offsets[j];
  const n = S.offsets[j + 1] - b;
  const h = T / K;
  let r2 = 0;
  let i = 0;
  let t = 0;
  // Integrates f(value, length) over the pieces of R_J inside [t, hi), starting at entry i.
  const walk = (i0: number, t0: number, hi: number, f: (val: number, len: number) => void): number => {
    let ii = i0;
    let tt = t0;
    while (tt < hi) {
      const val = ii < n ? S.omega[b + ii] : 0;
      const end = ii < n ? Math.min(S.cum[b + ii], hi) : hi;
      f(val, end - tt);
      tt = end;
      if (ii < n && S.cum[b + ii] <= hi) ii++;
      else break;
    }
    return ii;
  };
  for (let k = 0; k < K; k++) {
    const hi = k + 1 === K ? T : (k + 1) * h;
    const lo = t;
    const I = new CSum();
    const next = walk(i, t, hi, (val, len) => I.add(val * len));
    const width = hi - lo;
    const mean = width > 0 ? I.value() / width : 0;
    u[o + k] = width > 0 ? I.value() / Math.sqrt(width) : 0;
    const Q = new CSum();
    walk(i, t, hi, (val, len) => {
      const d = val - mean;
      Q.add(d * d * len);
    });
    r2 += Q.value();
    i = next;
    t = hi;
  }
  u[o + K] = Math.sqrt(r2 > 0 ? r2 : 0);
}

/** Largest total weight over one or more spectra sets (the common T of their embeddings). */
export function maxTotalWeight(...sets: Spectra[]): number {
  let T = 0;
  for (const s of sets) for (const w of totalWeights(s)) T = Math.max(T, w);
  return T > 0 ? T : 1;
}

/** Embeds spectra on K cells of [0, T] (T defaults to their largest total weight). */
export function embedSpectra(S: Spectra, opts: { K?: number; T?: number; backend?: string; threads?: number } = {}): Embedding {
  const K = opts.K ?? 64;
  if (!Number.isInteger(K) || K < 1) throw new Error(`K must be an integer >= 1, got ${K}`);
  const T = opts.T ?? maxTotalWeight(S);
  const { kernel } = getKernel('semd.embed', opts.backend);
  return { u: kernel(S, K, T, opts.threads ?? 0), K, T };
}
