import { JetlensInputError } from '../errors.js';

/** Scores as users hold them: typed arrays (float32 or float64), plain arrays, BigInt arrays. */
export type ScoresLike = ArrayLike<number> | BigInt64Array | BigUint64Array;
/** Labels: 1 = signal, 0 = background (integer, boolean or float). */
export type LabelsLike = ArrayLike<number | boolean> | BigInt64Array | BigUint64Array;

function at(a: ScoresLike | LabelsLike, i: number): number {
  const v = (a as ArrayLike<unknown>)[i];
  return typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? Number(v) : (v as number);
}

/** Float64Array copy-free where possible; NaN is an error naming the array and index. */
export function toScores(x: ScoresLike, what: string, n?: number): Float64Array {
  if (x === null || typeof x !== 'object' || typeof (x as ArrayLike<number>).length !== 'number')
    throw new JetlensInputError(`${what}: expected an array of numbers`);
  if (n !== undefined && x.length !== n) throw new JetlensInputError(`${what}: length ${x.length} does not match the labels' length ${n}`);
  let out: Float64Array;
  if (x instanceof Float64Array) out = x;
  else {
    out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = at(x, i);
  }
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i])) throw new JetlensInputError(`${what}: NaN at index ${i}`);
  }
  return out;
}

/** Uint8Array of 0/1; anything else (2, -1, 0.5, NaN) is an error. Needs at least one event of each class. */
export function toLabels(y: LabelsLike): Uint8Array {
  if (y === null || typeof y !== 'object' || typeof (y as ArrayLike<number>).length !== 'number')
    throw new JetlensInputError('labels: expected an array of 0/1');
  const out = new Uint8Array(y.length);
  let ns = 0;
  for (let i = 0; i < y.length; i++) {
    const v = at(y, i);
    if (v !== 0 && v !== 1) throw new JetlensInputError(`labels: expected 0 (background) or 1 (signal), got ${String((y as ArrayLike<unknown>)[i])} at index ${i}`);
    out[i] = v;
    ns += v;
  }
  if (ns === 0 || ns === y.length) throw new JetlensInputError(`labels: need at least one signal (1) and one background (0) event (got ${ns} signal of ${y.length})`);
  return out;
}

/** Float64Array of finite, non-negative event weights, or undefined for unit weights. */
export function toWeights(w: ScoresLike | undefined | null, n: number): Float64Array | undefined {
  if (w === undefined || w === null) return undefined;
  const out = toScores(w, 'weights', n);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(out[i]) || out[i] < 0) throw new JetlensInputError(`weights: expected finite values >= 0, got ${out[i]} at index ${i}`);
  }
  return out;
}

/** The validated inputs of one metric call. */
export interface Events {
  labels: Uint8Array;
  weights?: Float64Array;
  n: number;
}

export function toEvents(labels: LabelsLike, weights?: ScoresLike | null): Events {
  const l = toLabels(labels);
  return { labels: l, weights: toWeights(weights, l.length), n: l.length };
}

/** Direction of a discriminant: +1 (larger = more signal-like) or -1; ADO and AUC report which one was used. */
export type Direction = 1 | -1;
