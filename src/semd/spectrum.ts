/**
 * The spectral function of a jet (docs/semd.md section 1): all ordered particle pairs as (omega, weight) points,
 * self-pairs at omega = 0 with weight sum e_i^2, each unordered pair i < j at omega_ij = DeltaR^beta with weight
 * 2 e_i e_j. Stored per jet, sorted by omega **descending** (then weight descending, a canonical order so the
 * arrays depend only on the multiset of pairs), with cumulative weights counted from the top: exactly what the
 * SEMD merge walks.
 */
import type { RunOptions } from '../backend/control.js';
import { backendsFor, getKernel, type BackendName } from '../backend/dispatch.js';
import { JetlensInputError } from '../errors.js';
import type { JetBatch } from '../jets/batch.js';
import { deltaPhi } from '../util/kinematics.js';
import './kernels.js'; // registers every SEMD kernel (reference, native, gpujs)

export interface SpectrumOptions {
  /** 'norm' (default): e_i = pt_i / sum pt; 'raw': e_i = pt_i in GeV. */
  energy?: 'norm' | 'raw';
  /** omega = DeltaR^beta (default 1). */
  beta?: number;
}

/** Spectra of N jets in CSR layout; jet j owns entries offsets[j]..offsets[j+1]-1. */
export interface Spectra {
  offsets: Uint32Array;
  /** Pair angles, descending within each jet (the last entry is the self-pair weight at omega = 0 or a tie). */
  omega: Float64Array;
  /** Cumulative weight from the largest omega down; the jet's last entry is its total weight T_J. */
  cum: Float64Array;
}


export function checkSpectrumOptions(opts: SpectrumOptions): { raw: boolean; beta: number } {
  const energy = opts.energy ?? 'norm';
  if (energy !== 'norm' && energy !== 'raw') throw new JetlensInputError(`energy must be 'norm' or 'raw', got '${String(energy)}'`);
  const beta = opts.beta ?? 1;
  if (!(beta > 0) || !Number.isFinite(beta)) throw new JetlensInputError(`beta must be a finite number > 0, got ${beta}`);
  return { raw: energy === 'raw', beta };
}

/** Allocates the CSR arrays: M(M-1)/2 + 1 entries per jet. A jet with no particle is an error naming it. */
export function allocateSpectra(batch: JetBatch): Spectra {
  const n = batch.length;
  const offsets = new Uint32Array(n + 1);
  let total = 0;
  for (let j = 0; j < n; j++) {
    const m = batch.mult(j);
    if (m === 0) throw new JetlensInputError('no particle with pT > 0 (an empty jet has no spectrum)', { jet: j });
    total += (m * (m - 1)) / 2 + 1;
    if (total > 0xffffffff) throw new JetlensInputError(`too many spectrum entries (> 2^32) at jet ${j}: split the input`);
    offsets[j + 1] = total;
  }
  return { offsets, omega: new Float64Array(total), cum: new Float64Array(total) };
}

/** Angle between particles a and b (indices into the batch), same arithmetic as native/semd.cc. */
function pairOmega(batch: JetBatch, a: number, b: number, beta: number): number {
  const dy = batch.y[a] - batch.y[b];
  const dp = Math.abs(deltaPhi(batch.phi[a], batch.phi[b]));
  const r2 = dy * dy + dp * dp;
  if (beta === 1) return Math.sqrt(r2);
  if (beta === 2) return r2;
  return Math.pow(Math.sqrt(r2), beta);
}

/** Reference kernel: plain TypeScript, one jet at a time. */
export function spectraReference(batch: JetBatch, opts: SpectrumOptions = {}): Spectra {
  const { raw, beta } = checkSpectrumOptions(opts);
  const spec = allocateSpectra(batch);
  for (let j = 0; j < batch.length; j++) fillSpectrum(batch, j, raw, beta, spec);
  return spec;
}

function fillSpectrum(batch: JetBatch, j: number, raw: boolean, beta: number, spec: Spectra): void {
  const b = batch.offsets[j];
  const m = batch.mult(j);
  let s = 0;
  for (let i = 0; i < m; i++) s += batch.pt[b + i];
  const e = new Float64Array(m);
  for (let i = 0; i < m; i++) e[i] = raw ? batch.pt[b + i] : batch.pt[b + i] / s;
  let self = 0;
  for (let i = 0; i < m; i++) self += e[i] * e[i];
  const p = (m * (m - 1)) / 2 + 1;
  const om = new Float64Array(p);
  const w = new Float64Array(p);
  let c = 0;
  for (let i = 0; i < m; i++) {
    for (let k = i + 1; k < m; k++) {
      om[c] = pairOmega(batch, b + i, b + k, beta);
      w[c++] = 2.0 * e[i] * e[k];
    }
  }
  om[c] = 0;
  w[c] = self;
  const order = Array.from({ length: p }, (_, i) => i);
  order.sort((x, y) => (om[x] !== om[y] ? om[y] - om[x] : w[y] - w[x]));
  const o = spec.offsets[j];
  let cum = 0;
  for (let i = 0; i < p; i++) {
    cum += w[order[i]];
    spec.omega[o + i] = om[order[i]];
    spec.cum[o + i] = cum;
  }
}

/** Spectra of every jet in the batch (pre-validated JetBatch; see toJetBatch). */
export async function computeSpectra(batch: JetBatch, opts: SpectrumOptions & RunOptions = {}): Promise<Spectra> {
  const { kernel } = getKernel('semd.spectra', opts.backend);
  return kernel(batch, opts, opts);
}

/**
 * The backend that computes the spectra for a SEMD op run on `backend`. Spectra are float64 preprocessing shared by
 * every SEMD op; a backend with no spectra kernel of its own (gpujs computes only distances, in float32) gets them
 * from the automatic choice. Said here, in the facade, rather than hidden in a kernel that runs another backend.
 */
export function spectraBackend(backend?: string): string | undefined {
  if (backend === undefined || backend === 'auto') return backend;
  return backendsFor('semd.spectra').includes(backend as BackendName) ? backend : undefined;
}

/** Number of jets in a spectra set. */
export function spectraCount(s: Spectra): number {
  return s.offsets.length - 1;
}

/** Total weight T_J of every jet (1 up to rounding when normalised). */
export function totalWeights(s: Spectra): Float64Array {
  const n = spectraCount(s);
  const t = new Float64Array(n);
  for (let j = 0; j < n; j++) t[j] = s.cum[s.offsets[j + 1] - 1];
  return t;
}

/** Spectra of the jets at the given indices (in that order), as new arrays. */
export function selectSpectra(s: Spectra, indices: ArrayLike<number>): Spectra {
  const n = indices.length;
  const offsets = new Uint32Array(n + 1);
  for (let k = 0; k < n; k++) offsets[k + 1] = offsets[k] + s.offsets[indices[k] + 1] - s.offsets[indices[k]];
  const omega = new Float64Array(offsets[n]);
  const cum = new Float64Array(offsets[n]);
  for (let k = 0; k < n; k++) {
    const a = s.offsets[indices[k]];
    const b = s.offsets[indices[k] + 1];
    omega.set(s.omega.subarray(a, b), offsets[k]);
    cum.set(s.cum.subarray(a, b), offsets[k]);
  }
  return { offsets, omega, cum };
}
