import { JetlensInputError } from '../errors.js';
import { toEvents, toScores, type Direction, type LabelsLike, type ScoresLike } from './input.js';

export interface RocOptions {
  /** +1 (default): select score >= threshold; -1: select score <= threshold. */
  direction?: Direction;
  /** Keep at most this many points (evenly spaced along the curve's length; the ends always kept). */
  maxPoints?: number;
}

export interface RocCurve {
  /** Background efficiency (false-positive rate) at each threshold, from 0 to 1. */
  fpr: Float64Array;
  /** Signal efficiency (true-positive rate), from 0 to 1. */
  tpr: Float64Array;
  /** Score threshold of each point; the first is +Infinity (-Infinity for direction -1): nothing selected. */
  thresholds: Float64Array;
}

/** ROC curve: one point per distinct score (events with equal scores enter together), weighted. */
export function rocCurve(scores: ScoresLike, labels: LabelsLike, weights?: ScoresLike | null, opts: RocOptions = {}): RocCurve {
  const e = toEvents(labels, weights);
  const x = toScores(scores, 'scores', e.n);
  const dir = opts.direction ?? 1;
  if (dir !== 1 && dir !== -1) throw new JetlensInputError(`direction: expected 1 or -1, got ${String(dir)}`);
  // Most signal-like first: descending score for direction +1, ascending for -1.
  const order = Array.from({ length: e.n }, (_, i) => i).sort((a, b) => dir * (x[b] > x[a] ? 1 : x[b] < x[a] ? -1 : 0));
  let ws = 0;
  let wb = 0;
  for (let i = 0; i < e.n; i++) (e.labels[i] ? (ws += e.weights?.[i] ?? 1) : (wb += e.weights?.[i] ?? 1));
  const fpr = [0];
  const tpr = [0];
  const thr = [dir * Infinity];
  let s = 0;
  let b = 0;
  for (let a = 0; a < e.n; ) {
    let z = a;
    for (; z < e.n && x[order[z]] === x[order[a]]; z++) {
      const i = order[z];
      if (e.labels[i]) s += e.weights?.[i] ?? 1;
      else b += e.weights?.[i] ?? 1;
    }
    fpr.push(b / wb);
    tpr.push(s / ws);
    thr.push(x[order[a]]);
    a = z;
  }
  const keep = opts.maxPoints !== undefined ? downsample(fpr, tpr, opts.maxPoints) : undefined;
  const pick = (v: number[]) => Float64Array.from(keep ? keep.map((k) => v[k]) : v);
  return { fpr: pick(fpr), tpr: pick(tpr), thresholds: pick(thr) };
}

/** Indices of at most m points spread evenly along the polyline's length (first and last always kept). */
function downsample(x: number[], y: number[], m: number): number[] {
  if (!Number.isInteger(m) || m < 2) throw new JetlensInputError(`maxPoints: expected an integer >= 2, got ${m}`);
  const n = x.length;
  if (n <= m) return Array.from({ length: n }, (_, i) => i);
  const len = [0];
  for (let i = 1; i < n; i++) len.push(len[i - 1] + Math.hypot(x[i] - x[i - 1], y[i] - y[i - 1]));
  const total = len[n - 1];
  const out = [0];
  let next = 1;
  for (let k = 1; k < m - 1; k++) {
    const target = (total * k) / (m - 1);
    while (next < n - 1 && len[next] < target) next++;
    if (next < n - 1 && next > out[out.length - 1]) out.push(next);
  }
  out.push(n - 1);
  return out;
}
