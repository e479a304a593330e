import { JetlensInputError } from '../../errors.js';

/** Mean and (population-corrected, n-1) standard deviation of a list of numbers; std NaN with fewer than two. */
export function meanStd(x: ArrayLike<number>): { mean: number; std: number } {
  const n = x.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i] / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - m) ** 2;
  return { mean: n ? m : NaN, std: n > 1 ? Math.sqrt(v / (n - 1)) : NaN };
}

/** Per-event mean and spread (n-1) over rows of equal length (one row per resample). */
export function columnMeanStd(rows: Float64Array[]): { mean: Float64Array; std: Float64Array } {
  const b = rows.length;
  const n = rows[0]?.length ?? 0;
  const mean = new Float64Array(n);
  const std = new Float64Array(n);
  for (const r of rows) for (let i = 0; i < n; i++) mean[i] += r[i] / b;
  for (const r of rows) for (let i = 0; i < n; i++) std[i] += (r[i] - mean[i]) ** 2;
  for (let i = 0; i < n; i++) std[i] = b > 1 ? Math.sqrt(std[i] / (b - 1)) : NaN;
  return { mean, std };
}

/** A working point: the score cut (select score >= cut) and the efficiencies it gives. */
export interface WorkingPoint {
  cut: number;
  effSignal: number;
  effBackground: number;
}

/** Signal and background efficiency of the selection score >= cut (labels 1 = signal). */
export function efficiencies(scores: ArrayLike<number>, labels: ArrayLike<number>, cut: number): WorkingPoint {
  let s = 0, b = 0, ns = 0, nb = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] === 1) {
      ns++;
      if (scores[i] >= cut) s++;
    } else {
      nb++;
      if (scores[i] >= cut) b++;
    }
  }
  return { cut, effSignal: ns ? s / ns : NaN, effBackground: nb ? b / nb : NaN };
}

/**
 * The cut whose background efficiency is closest to (and not above, unless ties force it) `effBackground`:
 * the k-th largest background score with k = max(1, round(effB * nB)).
 */
export function workingPoint(scores: ArrayLike<number>, labels: ArrayLike<number>, effBackground: number): WorkingPoint {
  if (!(effBackground > 0 && effBackground <= 1)) throw new JetlensInputError(`background efficiency must be in (0, 1], got ${effBackground}`);
  const bg: number[] = [];
  for (let i = 0; i < scores.length; i++) if (labels[i] !== 1) bg.push(scores[i]);
  if (bg.length === 0) throw new JetlensInputError('no background events to set the working point');
  bg.sort((a, b) => b - a);
  const k = Math.max(1, Math.round(effBackground * bg.length));
  return efficiencies(scores, labels, bg[k - 1]);
}

/** Histogram of x in `bins` equal bins on [lo, hi] (values outside are dropped). */
export function histogram(x: ArrayLike<number>, lo: number, hi: number, bins: number): Float64Array {
  const h = new Float64Array(bins);
  for (let i = 0; i < x.length; i++) {
    const k = Math.floor(((x[i] - lo) / (hi - lo)) * bins);
    if (k >= 0 && k < bins) h[k]++;
    else if (x[i] === hi) h[bins - 1]++;
  }
  return h;
}
