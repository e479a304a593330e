/**
 * A tiny private AUC helper for the smearing study (the metrics module, src/metrics/auc.ts, is written
 * separately; switch to it once it lands). Mann-Whitney over all signal/background pairs, ties count 1/2.
 */
import { Rng } from '../util/rng.js';

/** AUC of `scores` for labels (1 = signal) over the events in `idx` (default all; repeats allowed). */
export function aucMannWhitney(scores: Float64Array, labels: ArrayLike<number>, idx?: ArrayLike<number>): number {
  const n = idx ? idx.length : scores.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = idx ? idx[i] : i;
  order.sort((a, b) => scores[a] - scores[b]);
  // Walk groups of tied scores: each signal event beats the background events below its group, ties 1/2.
  let below = 0;
  let wins = 0;
  let ns = 0;
  let nb = 0;
  for (let g = 0; g < n; ) {
    let h = g;
    let s = 0;
    let b = 0;
    while (h < n && scores[order[h]] === scores[order[g]]) {
      if (labels[order[h]] === 1) s++;
      else b++;
      h++;
    }
    wins += s * below + 0.5 * s * b;
    below += b;
    ns += s;
    nb += b;
    g = h;
  }
  return ns > 0 && nb > 0 ? wins / (ns * nb) : NaN;
}

/** Bootstrap standard deviation of the AUC (events resampled with replacement, seeded). */
export function aucBootstrapError(scores: Float64Array, labels: ArrayLike<number>, reps: number, seed: number): number {
  if (reps < 2) return NaN;
  const rng = new Rng(seed);
  const n = scores.length;
  const idx = new Uint32Array(n);
  let s = 0;
  let s2 = 0;
  let m = 0;
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    const a = aucMannWhitney(scores, labels, idx);
    if (Number.isNaN(a)) continue;
    s += a;
    s2 += a * a;
    m++;
  }
  if (m < 2) return NaN;
  const mean = s / m;
  return Math.sqrt(Math.max(0, (s2 - m * mean * mean) / (m - 1)));
}
