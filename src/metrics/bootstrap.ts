import './kernels.js';
import { getKernel } from '../backend/dispatch.js';
import { JetlensInputError } from '../errors.js';
import { Rng } from '../util/rng.js';
import { quantileSorted } from '../util/stats.js';
import { resolveDirection } from './auc.js';
import { classIndices } from './reference.js';
import { toEvents, toScores, type Direction, type LabelsLike, type ScoresLike } from './input.js';

export interface BootstrapOptions {
  /** Number of resamples B (default 200). */
  resamples?: number;
  /** Seed of the resampling (default 1). */
  seed?: number;
  /** Central confidence level of the interval (default 0.95). */
  level?: number;
  /** Direction of every resample's AUC (default +1; 'auto' fixes it from the full sample). */
  direction?: Direction | 'auto';
  backend?: string;
}

export interface BootstrapResult {
  /** Percentile interval of the resampled AUCs. */
  ciLow: number;
  ciHigh: number;
  /** Standard deviation of the resampled AUCs. */
  std: number;
  direction: Direction;
  /** The B resampled AUCs, in draw order. */
  samples: Float64Array;
}

/**
 * Bootstrap of the AUC: B resamples drawn with replacement within each class (N_S signal from the signal,
 * N_B background from the background, so both classes stay populated), seeded. A resample is the full sample
 * with weights w_i * (times event i was drawn), so the events are sorted once, not B times.
 */
export function aucBootstrap(scores: ScoresLike, labels: LabelsLike, weights?: ScoresLike | null, opts: BootstrapOptions = {}): BootstrapResult {
  const B = opts.resamples ?? 200;
  const level = opts.level ?? 0.95;
  if (!Number.isInteger(B) || B < 2) throw new JetlensInputError(`resamples: expected an integer >= 2, got ${B}`);
  if (!(level > 0 && level < 1)) throw new JetlensInputError(`level: expected a number in (0, 1), got ${level}`);
  const e0 = toEvents(labels, weights);
  const x0 = toScores(scores, 'scores', e0.n);
  // Pre-sort by score so every kernel call sorts already-ordered data (fast for std::sort).
  const order = Array.from({ length: e0.n }, (_, i) => i).sort((a, b) => (x0[a] < x0[b] ? -1 : x0[a] > x0[b] ? 1 : a - b));
  const x = Float64Array.from(order, (i) => x0[i]);
  const labelsSorted = Uint8Array.from(order, (i) => e0.labels[i]);
  const w0 = Float64Array.from(order, (i) => e0.weights?.[i] ?? 1);
  const { sig, bkg } = classIndices(labelsSorted);
  const { kernel } = getKernel('auc', opts.backend);
  const direction = resolveDirection(opts.direction, opts.direction === 'auto' ? kernel(x, { labels: labelsSorted, weights: e0.weights ? w0 : undefined, n: e0.n }).aucRaw : 0.5);
  const rng = new Rng(opts.seed ?? 1);
  const w = new Float64Array(e0.n);
  const samples = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    w.fill(0);
    for (const idx of [sig, bkg]) for (let k = 0; k < idx.length; k++) w[idx[rng.int(idx.length)]] += 1;
    for (let i = 0; i < e0.n; i++) w[i] *= w0[i];
    const raw = kernel(x, { labels: labelsSorted, weights: w, n: e0.n }).aucRaw;
    samples[b] = direction === 1 ? raw : 1 - raw;
  }
  const sorted = Float64Array.from(samples).sort();
  const alpha = (1 - level) / 2;
  let mean = 0;
  for (const v of samples) mean += v / B;
  let ss = 0;
  for (const v of samples) ss += (v - mean) ** 2;
  return { ciLow: quantileSorted(sorted, alpha), ciHigh: quantileSorted(sorted, 1 - alpha), std: Math.sqrt(ss / (B - 1)), direction, samples };
}
