/**
 * Exact SEMD for p = 2 (docs/semd.md section 2): walk both sorted step lists from the top in one merge; on each
 * interval between consecutive cumulative weights both R are constant; add (R_A - R_B)^2 dt; finish with the
 * zero tail of the lighter jet. Compensated (Neumaier) sum, bitwise symmetric, exactly 0 on identical spectra.
 */
import type { RunOptions } from '../backend/control.js';
import { getKernel } from '../backend/dispatch.js';
import { JetlensInputError } from '../errors.js';
import { toJetBatch, type JetsLike } from '../jets/input.js';
import { computeSpectra, spectraBackend, spectraCount, type Spectra, type SpectrumOptions } from './spectrum.js';
import './kernels.js'; // registers every SEMD kernel (reference, native, gpujs)

/** SEMD^2 between jet a of A and jet b of B (reference kernel, same arithmetic as native/semd.cc). */
export function semd2Reference(A: Spectra, a: number, B: Spectra, b: number): number {
  let i = A.offsets[a];
  const ie = A.offsets[a + 1];
  let j = B.offsets[b];
  const je = B.offsets[b + 1];
  const oa = A.omega, ca = A.cum, ob = B.omega, cb = B.cum;
  let s = 0;
  let c = 0;
  let t = 0;
  const add = (x: number) => {
    const u = s + x;
    if (Math.abs(s) >= Math.abs(x)) c += s - u + x;
    else c += x - u + s;
    s = u;
  };
  while (i < ie && j < je) {
    const ta = ca[i];
    const tb = cb[j];
    const tn = ta < tb ? ta : tb;
    const d = oa[i] - ob[j];
    add(d * d * (tn - t));
    t = tn;
    if (ta === tn) i++;
    if (tb === tn) j++;
  }
  for (; i < ie; i++) {
    add(oa[i] * oa[i] * (ca[i] - t));
    t = ca[i];
  }
  for (; j < je; j++) {
    add(ob[j] * ob[j] * (cb[j] - t));
    t = cb[j];
  }
  const v = s + c;
  return v > 0 ? v : 0;
}

export function semdReference(A: Spectra, a: number, B: Spectra, b: number): number {
  return Math.sqrt(semd2Reference(A, a, B, b));
}

export interface SemdOptions extends SpectrumOptions, RunOptions {
  /** Every output distance is multiplied by this (default 1). */
  scale?: number;
  /** Refuse matrices larger than this many bytes (default 4 GiB): use knn for large N. */
  maxBytes?: number;
}

export function checkScale(scale: number | undefined): number {
  const s = scale ?? 1;
  if (!(s > 0) || !Number.isFinite(s)) throw new JetlensInputError(`scale must be a finite number > 0, got ${s}`);
  return s;
}

function checkSize(n1: number, n2: number, maxBytes = 4 * 2 ** 30): void {
  if (n1 * n2 * 8 > maxBytes) {
    throw new JetlensInputError(
      `a ${n1} x ${n2} float64 matrix needs ${((n1 * n2 * 8) / 2 ** 30).toFixed(1)} GiB (limit ${(maxBytes / 2 ** 30).toFixed(1)} GiB): use 'jetlens knn' for nearest neighbours of large samples`,
    );
  }
}

/** Distances from precomputed spectra (B omitted: pairwise), row-major (NA, NB), times opts.scale. */
export async function semdMatrixFromSpectra(A: Spectra, B: Spectra | null, opts: SemdOptions = {}): Promise<Float64Array> {
  const scale = checkScale(opts.scale);
  checkSize(spectraCount(A), B ? spectraCount(B) : spectraCount(A), opts.maxBytes);
  const { kernel } = getKernel('semd.matrix', opts.backend);
  const out = await kernel(A, B, opts);
  if (scale !== 1) for (let i = 0; i < out.length; i++) out[i] *= scale;
  return out;
}

/** Pairwise (N, N) SEMD matrix of a jet set, row-major. */
export async function semdMatrix(jets: JetsLike, opts: SemdOptions = {}): Promise<{ data: Float64Array; shape: [number, number] }> {
  const batch = toJetBatch(jets);
  checkSize(batch.length, batch.length, opts.maxBytes);
  const spec = await computeSpectra(batch, { ...opts, backend: spectraBackend(opts.backend), onProgress: undefined });
  const data = await semdMatrixFromSpectra(spec, null, opts);
  return { data, shape: [batch.length, batch.length] };
}

/** Cross (N1, N2) SEMD matrix between two jet sets (padded differently is fine). */
export async function semdCross(jets1: JetsLike, jets2: JetsLike, opts: SemdOptions = {}): Promise<{ data: Float64Array; shape: [number, number] }> {
  const b1 = toJetBatch(jets1);
  const b2 = toJetBatch(jets2);
  checkSize(b1.length, b2.length, opts.maxBytes);
  const s1 = await computeSpectra(b1, { ...opts, backend: spectraBackend(opts.backend), onProgress: undefined });
  const s2 = await computeSpectra(b2, { ...opts, backend: spectraBackend(opts.backend), onProgress: undefined });
  const data = await semdMatrixFromSpectra(s1, s2, opts);
  return { data, shape: [b1.length, b2.length] };
}
