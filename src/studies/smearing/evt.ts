/**
 * Minimal distances and extreme-value scaling (docs/semd.md section 5). For a sample of N events, d_min(x) is
 * the leave-one-out 1-NN SEMD. If the fraction of events within t of x goes as c t^a, then
 * P(d_min > t) -> exp(-(N - 1) c t^a): a Weibull law with shape a and scale ((N - 1) c)^(-1/a), so the typical
 * d_min falls as N^(-1/a). We fit the Weibull by maximum likelihood (errors from the observed information) per
 * N, and log(median d_min) = c0 - (1/a_pl) log N by least squares, with the local slopes between consecutive N.
 *
 * The reported exponent is the conditional (per-query) fit (weibull-cond.ts): a fixed set of held-out queries, each
 * with its d_min to R disjoint reference subsamples of size N, one shape shared by all queries and one scale each.
 * The pooled fit over leave-one-out d_min mixes per-query scales and comes out lower; it is kept as a secondary,
 * labelled number. Subsamples at one N are disjoint (never identical repeats): R = min(repeats, floor(pool / N)).
 * Zero distances (exact duplicates) have no logarithm: they are counted and reported, and left out of the fits.
 */
import type { RunOptions } from '../../backend/control.js';
import { JetlensInputError } from '../../errors.js';
import { toJetBatch, type JetsLike } from '../../jets/input.js';
import { Rng } from '../../util/rng.js';
import { quantileSorted } from '../../metrics/index.js';
import { checkScale, computeSpectra, knnFromSpectra, selectSpectra, semdMatrixFromSpectra, spectraBackend, spectraCount, type Spectra, type SpectrumOptions } from '../../semd/index.js';
import { fitConditionalWeibull, type ConditionalWeibullFit } from './weibull-cond.js';

export interface WeibullFit {
  shape: number;
  shape_err: number;
  scale: number;
  scale_err: number;
  /** Correlation of the shape and scale estimates. */
  corr: number;
  /** Values used (positive, finite). */
  n: number;
  converged: boolean;
}

/**
 * Maximum-likelihood Weibull fit. The shape solves the profile equation
 * sum x^a ln x / sum x^a - 1/a - mean(ln x) = 0 (increasing in a: bisection, then Newton polish); the scale is
 * (mean x^a)^(1/a). Data are divided by their geometric mean first so x^a never overflows.
 */
export function fitWeibull(values: ArrayLike<number>): WeibullFit {
  const xs: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] > 0 && Number.isFinite(values[i])) xs.push(values[i]);
  const n = xs.length;
  const nan = { shape: NaN, shape_err: NaN, scale: NaN, scale_err: NaN, corr: NaN, n, converged: false };
  if (n < 3) return nan;
  const logs = xs.map(Math.log);
  const lg = logs.reduce((s, v) => s + v, 0) / n;
  const l = logs.map((v) => v - lg); // log of x / geometric mean: mean 0
  if (l.every((v) => Math.abs(v) < 1e-14)) return nan;
  const g = (a: number) => {
    let s0 = 0, s1 = 0;
    for (const v of l) {
      const z = Math.exp(a * v);
      s0 += z;
      s1 += z * v;
    }
    return s1 / s0 - 1 / a;
  };
  let lo = 1e-3, hi = 1e3;
  if (g(lo) > 0 || g(hi) < 0) return nan;
  for (let it = 0; it < 200 && hi - lo > 1e-13 * hi; it++) {
    const mid = Math.sqrt(lo * hi);
    if (g(mid) < 0) lo = mid;
    else hi = mid;
  }
  const a = Math.sqrt(lo * hi);
  let sz = 0;
  for (const v of l) sz += Math.exp(a * v);
  const lamS = Math.pow(sz / n, 1 / a); // scale in units of the geometric mean
  // Observed information of log L = n ln a - n a ln lam + (a - 1) sum ln x - sum (x / lam)^a, in (a, lam).
  let Sz = 0, Szl = 0, Szl2 = 0;
  for (const v of l) {
    const ll = v - Math.log(lamS);
    const z = Math.exp(a * ll);
    Sz += z;
    Szl += z * ll;
    Szl2 += z * ll * ll;
  }
  const haa = -n / (a * a) - Szl2;
  const hll = (n * a) / (lamS * lamS) - (a * (1 + a) * Sz) / (lamS * lamS);
  const hal = (Sz - n + a * Szl) / lamS;
  // Covariance = inverse of minus the Hessian.
  const det = haa * hll - hal * hal;
  const vaa = -hll / det;
  const vll = -haa / det;
  const val = hal / det;
  const gm = Math.exp(lg);
  return {
    shape: a,
    shape_err: Math.sqrt(vaa),
    scale: lamS * gm,
    scale_err: Math.sqrt(vll) * gm,
    corr: val / Math.sqrt(vaa * vll),
    n,
    converged: true,
  };
}

export interface LineFit {
  intercept: number;
  slope: number;
  slope_err: number;
  intercept_err: number;
  chi2: number;
  ndf: number;
}

/** Least squares y = c0 + s x; with sigma, weighted (errors from the covariance), else residual-scaled. */
export function fitLine(x: number[], y: number[], sigma?: number[]): LineFit {
  const n = x.length;
  const useW = sigma !== undefined && sigma.every((s) => s > 0 && Number.isFinite(s));
  const w = x.map((_, i) => (useW ? 1 / sigma![i] ** 2 : 1));
  let S = 0, Sx = 0, Sy = 0, Sxx = 0, Sxy = 0;
  for (let i = 0; i < n; i++) {
    S += w[i];
    Sx += w[i] * x[i];
    Sy += w[i] * y[i];
    Sxx += w[i] * x[i] * x[i];
    Sxy += w[i] * x[i] * y[i];
  }
  const det = S * Sxx - Sx * Sx;
  const slope = (S * Sxy - Sx * Sy) / det;
  const intercept = (Sxx * Sy - Sx * Sxy) / det;
  let chi2 = 0;
  for (let i = 0; i < n; i++) chi2 += w[i] * (y[i] - intercept - slope * x[i]) ** 2;
  const ndf = n - 2;
  // Unweighted: scale by the residual variance; weighted: the covariance as it stands.
  const f = useW ? 1 : ndf > 0 ? chi2 / ndf : NaN;
  return { intercept, slope, slope_err: Math.sqrt((f * S) / det), intercept_err: Math.sqrt((f * Sxx) / det), chi2, ndf };
}

export interface NnScalingOptions extends SpectrumOptions, RunOptions {
  sizes: number[];
  repeats?: number;
  seed?: number;
  scale?: number;
  cells?: number;
  /** Histogram bins (log-spaced) for the figure data (default 40). */
  bins?: number;
  /** Held-out query jets of the conditional fit (default min(200, floor(n / 10))). */
  queries?: number;
}

export const EXPONENT_LABEL = 'conditional (per-query) Weibull shape: the extreme-value exponent';
export const POOLED_LABEL = 'pooled Weibull shape (secondary): mixes per-query scales, so it lies below the exponent';

export type ExponentFit = ConditionalWeibullFit & {
  label: string;
  inv_shape: number;
  inv_shape_err: number;
  /** Disjoint reference subsamples per query (replicates). */
  replicates: number;
  /** Why the fit is missing (NaN), if it is. */
  note?: string;
};

export interface SizeSummary {
  N: number;
  /** Disjoint subsamples used: min(repeats requested, floor(pool / N)). */
  repeats: number;
  repeats_requested: number;
  /** The reported extreme-value exponent. */
  exponent: ExponentFit;
  weibull_label: string;
  median: number;
  /** Bootstrap standard error of the pooled median (seeded); used to weight the power-law fit. */
  median_err: number;
  /** Standard error of the median from the spread of the per-repeat medians (NaN with one repeat; the repeats
   * are disjoint subsamples, so independent). */
  median_repeat_err: number;
  mean: number;
  quantiles: Record<string, number>;
  /** Leave-one-out d_min equal to 0 (exact duplicates), left out of the pooled fit; zero_fraction = count / total. */
  zero_count: number;
  zero_fraction: number;
  /** Pooled fit (secondary; see weibull_label). */
  weibull: WeibullFit;
  /** 1 / shape, to compare with the power-law exponent. */
  inv_shape: number;
  inv_shape_err: number;
  histogram: { edges: number[]; density: number[]; weibull_density: number[] };
}

export interface NnScalingResult {
  settings: { energy: 'norm' | 'raw'; beta: number; scale: number; sizes: number[]; repeats: number; seed: number; n_input: number; queries: number; pool: number };
  sizes: SizeSummary[];
  power_law: { c0: number; c0_err: number; inv_a: number; inv_a_err: number; a: number; a_err: number; chi2: number; ndf: number; weighted: boolean };
  local_slopes: { N1: number; N2: number; inv_a: number }[];
  /** Sizes left out of the power law because their median d_min is 0 (duplicate jets). */
  excluded_sizes: number[];
}

const QUANTILES = [0.05, 0.16, 0.25, 0.5, 0.75, 0.84, 0.95];

function histogram(d: Float64Array, fit: WeibullFit, bins: number): SizeSummary['histogram'] {
  const pos = Array.from(d).filter((v) => v > 0);
  if (pos.length < 2) return { edges: [], density: [], weibull_density: [] };
  const lo = Math.min(...pos), hi = Math.max(...pos);
  const edges = Array.from({ length: bins + 1 }, (_, k) => lo * Math.pow(hi / lo, k / bins));
  edges[bins] = hi * (1 + 1e-12);
  const counts = new Array(bins).fill(0);
  for (const v of pos) {
    let k = Math.floor((Math.log(v / lo) / Math.log(hi / lo)) * bins);
    k = Math.min(bins - 1, Math.max(0, k));
    counts[k]++;
  }
  const density = counts.map((c, k) => c / (d.length * (edges[k + 1] - edges[k])));
  const { shape: a, scale: s } = fit;
  const weibull_density = edges.slice(0, bins).map((e, k) => {
    const x = Math.sqrt(e * edges[k + 1]);
    return (a / s) * Math.pow(x / s, a - 1) * Math.exp(-Math.pow(x / s, a));
  });
  return { edges, density, weibull_density };
}

function bootstrapMedianError(v: Float64Array, reps: number, rng: Rng): number {
  const n = v.length;
  const b = new Float64Array(n);
  const meds: number[] = [];
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < n; i++) b[i] = v[rng.int(n)];
    b.sort();
    meds.push(quantileSorted(b, 0.5));
  }
  const m = meds.reduce((s, x) => s + x, 0) / reps;
  return Math.sqrt(meds.reduce((s, x) => s + (x - m) ** 2, 0) / (reps - 1));
}

/** Per query, the minimum SEMD to a reference block (one replicate of the query's d_min). */
async function queryMinima(Sq: Spectra, Sref: Spectra, run: RunOptions, scale: number): Promise<Float64Array> {
  const nq = spectraCount(Sq), nr = spectraCount(Sref);
  const d = await semdMatrixFromSpectra(Sq, Sref, { ...run, scale });
  const out = new Float64Array(nq).fill(Infinity);
  for (let q = 0; q < nq; q++) for (let r = 0; r < nr; r++) out[q] = Math.min(out[q], d[q * nr + r]);
  return out;
}

function exponentFit(groups: number[][], R: number): ExponentFit {
  const f = fitConditionalWeibull(groups);
  const note = R < 3 ? `needs >= 3 disjoint subsamples of N (got ${R}): N <= pool / 3` : f.converged ? undefined : 'fit did not converge (too few positive distances)';
  const shape = R < 3 ? NaN : f.shape;
  const err = R < 3 ? NaN : f.shape_err;
  return { ...f, shape, shape_err: err, label: EXPONENT_LABEL, inv_shape: 1 / shape, inv_shape_err: err / shape ** 2, replicates: R, ...(note ? { note } : {}) };
}

function checkSizes(sizes: number[], pool: number, n: number, queries: number, repeats: number): void {
  if (sizes.length === 0) throw new JetlensInputError('sizes: expected at least one sample size');
  for (const N of sizes) {
    if (!Number.isInteger(N) || N < 2 || N > pool) throw new JetlensInputError(`sizes: ${N} is not an integer in [2, ${pool}] (the input size ${n} less ${queries} held-out queries)`);
  }
  if (!Number.isInteger(repeats) || repeats < 1) throw new JetlensInputError(`repeats must be an integer >= 1, got ${repeats}`);
}

/** d_min distributions, Weibull fits (conditional: reported; pooled: secondary) and the power law of the median. */
export async function nnScaling(jets: JetsLike, opts: NnScalingOptions): Promise<NnScalingResult> {
  const batch = toJetBatch(jets);
  const sizes = opts.sizes.slice().sort((a, b) => a - b);
  const repeats = opts.repeats ?? 5;
  const seed = opts.seed ?? 1;
  const scale = checkScale(opts.scale);
  const nq = opts.queries ?? Math.min(200, Math.floor(batch.length / 10));
  if (!Number.isInteger(nq) || nq < 0 || nq > batch.length / 2) throw new JetlensInputError(`queries must be an integer in [0, ${Math.floor(batch.length / 2)}], got ${nq}`);
  const pool = batch.length - nq;
  checkSizes(sizes, pool, batch.length, nq, repeats);
  const run: RunOptions = { backend: opts.backend, threads: opts.threads, signal: opts.signal };
  const S = await computeSpectra(batch, { ...run, backend: spectraBackend(run.backend), energy: opts.energy, beta: opts.beta });
  const rng = new Rng(seed);
  const perm = rng.permutation(spectraCount(S));
  const Sq = selectSpectra(S, Array.from(perm.subarray(0, nq)).sort((a, b) => a - b));
  const poolIdx = perm.slice(nq);
  const reps = sizes.map((N) => Math.min(repeats, Math.floor(pool / N)));
  const total = sizes.reduce((s, N, k) => s + N * reps[k], 0);
  let done = 0;
  const out: SizeSummary[] = [];
  for (const [k, N] of sizes.entries()) {
    const R = reps[k];
    const all = new Float64Array(N * R);
    const medians: number[] = [];
    const groups: number[][] = Array.from({ length: nq }, () => []);
    const order = rng.permutation(pool);
    for (let r = 0; r < R; r++) {
      // Disjoint blocks of one permutation of the pool: the R subsamples share no jet.
      const pick = Array.from(order.subarray(r * N, (r + 1) * N), (i) => poolIdx[i]).sort((a, b) => a - b);
      const Sref = selectSpectra(S, pick);
      const nn = await knnFromSpectra(Sref, {
        ...run, k: 1, scale, cells: opts.cells,
        onProgress: opts.onProgress ? (d) => opts.onProgress!(done + d, total) : undefined,
      });
      done += N;
      all.set(nn.distance, r * N);
      medians.push(quantileSorted(nn.distance.slice().sort(), 0.5));
      if (nq > 0 && R >= 3) (await queryMinima(Sq, Sref, run, scale)).forEach((v, q) => groups[q].push(v));
    }
    const sorted = all.slice().sort();
    const fit = fitWeibull(all);
    const mm = medians.reduce((s, v) => s + v, 0) / R;
    const sd = R > 1 ? Math.sqrt(medians.reduce((s, v) => s + (v - mm) ** 2, 0) / (R - 1)) : NaN;
    const zeros = sorted.filter((v) => v === 0).length;
    out.push({
      N,
      repeats: R,
      repeats_requested: repeats,
      exponent: exponentFit(groups, R),
      weibull_label: POOLED_LABEL,
      median: quantileSorted(sorted, 0.5),
      median_err: bootstrapMedianError(all, 200, rng),
      median_repeat_err: sd / Math.sqrt(R),
      mean: sorted.reduce((s, v) => s + v, 0) / sorted.length,
      quantiles: Object.fromEntries(QUANTILES.map((q) => [String(q), quantileSorted(sorted, q)])),
      zero_count: zeros,
      zero_fraction: zeros / sorted.length,
      weibull: fit,
      inv_shape: 1 / fit.shape,
      inv_shape_err: fit.shape_err / fit.shape ** 2,
      histogram: histogram(all, fit, opts.bins ?? 40),
    });
  }
  // A zero median (more than half the events have an exact duplicate) has no logarithm: fit the rest.
  const fitted = out.filter((s) => s.median > 0);
  const x = fitted.map((s) => Math.log(s.N));
  const y = fitted.map((s) => Math.log(s.median));
  const sig = fitted.map((s) => s.median_err / s.median);
  const weighted = sig.every((s) => s > 0 && Number.isFinite(s));
  const line = fitted.length >= 2 ? fitLine(x, y, weighted ? sig : undefined) : null;
  const invA = line ? -line.slope : NaN;
  const invAErr = line ? line.slope_err : NaN;
  return {
    settings: { energy: opts.energy ?? 'norm', beta: opts.beta ?? 1, scale, sizes, repeats, seed, n_input: batch.length, queries: nq, pool },
    sizes: out,
    power_law: {
      c0: line?.intercept ?? NaN,
      c0_err: line?.intercept_err ?? NaN,
      inv_a: invA,
      inv_a_err: invAErr,
      a: 1 / invA,
      a_err: invAErr / invA ** 2,
      chi2: line?.chi2 ?? NaN,
      ndf: line?.ndf ?? 0,
      weighted,
    },
    local_slopes: fitted.slice(1).map((s, i) => ({ N1: fitted[i].N, N2: s.N, inv_a: -(y[i + 1] - y[i]) / (x[i + 1] - x[i]) })),
    excluded_sizes: out.filter((s) => !(s.median > 0)).map((s) => s.N),
  };
}
