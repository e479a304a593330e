/**
 * Minimal distances and extreme-value scaling (docs/semd.md section 5). For a sample of N events, d_min(x) is
 * the leave-one-out 1-NN SEMD. If the fraction of events within t of x goes as c t^a, then
 * P(d_min > t) -> exp(-(N - 1) c t^a): a Weibull law with shape a and scale ((N - 1) c)^(-1/a), so the typical
 * d_min falls as N^(-1/a). We fit the Weibull by maximum likelihood (errors from the observed information) per
 * N, and log(median d_min) = c0 - (1/a_pl) log N by least squares, with the local slopes between consecutive N.
 */
import type { RunOptions } from '../../backend/control.js';
import { JetlensInputError } from '../../errors.js';
import { toJetBatch, type JetsLike } from '../../jets/input.js';
import { Rng } from '../../util/rng.js';
import { quantileSorted } from '../../metrics/index.js';
import { checkScale, computeSpectra, knnFromSpectra, selectSpectra, spectraBackend, spectraCount, type SpectrumOptions } from '../../semd/index.js';

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
}

export interface SizeSummary {
  N: number;
  repeats: number;
  median: number;
  /** Bootstrap standard error of the pooled median (seeded); used to weight the power-law fit. */
  median_err: number;
  /** Standard error of the median from the spread of the per-repeat medians (NaN with one repeat; it
   * underestimates when N is close to the input size, since repeats then share most events). */
  median_repeat_err: number;
  mean: number;
  quantiles: Record<string, number>;
  zero_count: number;
  weibull: WeibullFit;
  /** 1 / shape, to compare with the power-law exponent. */
  inv_shape: number;
  inv_shape_err: number;
  histogram: { edges: number[]; density: number[]; weibull_density: number[] };
}

export interface NnScalingResult {
  settings: { energy: 'norm' | 'raw'; beta: number; scale: number; sizes: number[]; repeats: number; seed: number; n_input: number };
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

/** d_min distributions, Weibull fits and the power law of the median d_min vs N. */
export async function nnScaling(jets: JetsLike, opts: NnScalingOptions): Promise<NnScalingResult> {
  const batch = toJetBatch(jets);
  const sizes = opts.sizes.slice().sort((a, b) => a - b);
  const repeats = opts.repeats ?? 5;
  const seed = opts.seed ?? 1;
  const scale = checkScale(opts.scale);
  if (sizes.length === 0) throw new JetlensInputError('sizes: expected at least one sample size');
  for (const N of sizes) {
    if (!Number.isInteger(N) || N < 2 || N > batch.length) throw new JetlensInputError(`sizes: ${N} is not an integer in [2, ${batch.length}] (the input size)`);
  }
  if (!Number.isInteger(repeats) || repeats < 1) throw new JetlensInputError(`repeats must be an integer >= 1, got ${repeats}`);
  const run: RunOptions = { backend: opts.backend, threads: opts.threads, signal: opts.signal };
  const S = await computeSpectra(batch, { ...run, backend: spectraBackend(run.backend), energy: opts.energy, beta: opts.beta });
  const total = sizes.reduce((s, N) => s + N * repeats, 0);
  let done = 0;
  const rng = new Rng(seed);
  const out: SizeSummary[] = [];
  for (const N of sizes) {
    const all = new Float64Array(N * repeats);
    const medians: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const pick = Array.from(rng.permutation(spectraCount(S)).subarray(0, N)).sort((a, b) => a - b);
      const nn = await knnFromSpectra(selectSpectra(S, pick), {
        ...run, k: 1, scale, cells: opts.cells,
        onProgress: opts.onProgress ? (d) => opts.onProgress!(done + d, total) : undefined,
      });
      done += N;
      all.set(nn.distance, r * N);
      const sorted = nn.distance.slice().sort();
      medians.push(quantileSorted(sorted, 0.5));
    }
    const sorted = all.slice().sort();
    const fit = fitWeibull(all);
    const mm = medians.reduce((s, v) => s + v, 0) / repeats;
    const sd = repeats > 1 ? Math.sqrt(medians.reduce((s, v) => s + (v - mm) ** 2, 0) / (repeats - 1)) : NaN;
    out.push({
      N,
      repeats,
      median: quantileSorted(sorted, 0.5),
      median_err: bootstrapMedianError(all, 200, rng),
      median_repeat_err: sd / Math.sqrt(repeats),
      mean: sorted.reduce((s, v) => s + v, 0) / sorted.length,
      quantiles: Object.fromEntries(QUANTILES.map((q) => [String(q), quantileSorted(sorted, q)])),
      zero_count: sorted.filter((v) => v === 0).length,
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
    settings: { energy: opts.energy ?? 'norm', beta: opts.beta ?? 1, scale, sizes, repeats, seed, n_input: batch.length },
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
