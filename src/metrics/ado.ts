/**
 * Average Decision Ordering (Faucett, Thaler, Whiteson, PRD 103 (2021) 036020): how often two discriminants order a signal/background
 * pair the same way, ties counted 1/2, inverted when below 1/2 (a discriminant can be flipped).
 */
import './kernels.js';
import { getKernel } from '../backend/dispatch.js';
import type { RunOptions } from '../backend/control.js';
import { JetlensInputError } from '../errors.js';
import { toEvents, toScores, type Direction, type LabelsLike, type ScoresLike } from './input.js';

export interface AdoResult {
  /** max(ADO_raw, 1 - ADO_raw). */
  ado: number;
  adoRaw: number;
  /** +1 if ADO_raw >= 1/2, else -1 (the sign with which f decides like g). */
  direction: Direction;
  /** Number of signal/background pairs N_S * N_B, or their total weight. */
  pairs: number;
  backend: string;
}

export interface AdoDisagreementResult extends AdoResult {
  /** Pairs in D(H, G) where H and G order strictly differently: count, or weight with weights. */
  disagreePairs: number;
  /** disagreePairs / pairs. */
  disagreeFraction: number;
}

function inverted(adoRaw: number): { ado: number; direction: Direction } {
  return { ado: Math.max(adoRaw, 1 - adoRaw), direction: adoRaw >= 0.5 || Number.isNaN(adoRaw) ? 1 : -1 };
}

/**
 * Exact ADO(f, g) over all signal/background pairs; O(N log N) on the native backend (exact integer counts with
 * unit weights, double-double sums with weights).
 *
 * Identities (tested): ADO_raw is symmetric in f and g. ADO(f, f) = 1 and ADO_raw(f, -f) = 0 when no signal event
 * ties a background event in f (each tied pair counts 1/2: ADO_raw(f, f) = 1 - (tied pair fraction) / 2).
 * ADO(f, m(f)) = ADO(f, f) for strictly increasing m. ADO_raw(f, y) = AUC_raw(f) exactly, ties and weights
 * included, when g = y is the truth label (1 on signal, 0 on background; any g that is constant on each class
 * with a larger signal value works too), because then g_S - g_B > 0 on every pair.
 */
export function ado(f: ScoresLike, g: ScoresLike, labels: LabelsLike, weights?: ScoresLike | null, opts: { backend?: string } = {}): AdoResult {
  const e = toEvents(labels, weights);
  const fx = toScores(f, 'f', e.n);
  const gx = toScores(g, 'g', e.n);
  const { backend, kernel } = getKernel('ado', opts.backend);
  const r = kernel(fx, gx, e);
  checkPairs(r.pairs);
  return { ...inverted(r.adoRaw), adoRaw: r.adoRaw, pairs: r.pairs, backend };
}

/**
 * ADO of a candidate F against the reference G on the pairs D(H, G) that the current model H and G order
 * strictly differently. Exact over all pairs; O(N log^2 N) on the native backend. ado/adoRaw are NaN when D is empty.
 */
export function adoOnDisagreement(
  candidate: ScoresLike,
  reference: ScoresLike,
  current: ScoresLike,
  labels: LabelsLike,
  weights?: ScoresLike | null,
  opts: { backend?: string } = {},
): AdoDisagreementResult {
  const e = toEvents(labels, weights);
  const f = toScores(candidate, 'candidate', e.n);
  const g = toScores(reference, 'reference', e.n);
  const h = toScores(current, 'current', e.n);
  const { backend, kernel } = getKernel('adoDisagree', opts.backend);
  const r = kernel(f, g, h, e);
  checkPairs(r.pairs);
  return disagreement(r, backend);
}

function disagreement(r: { adoRaw: number; disagreePairs: number; pairs: number }, backend: string): AdoDisagreementResult {
  return { ...inverted(r.adoRaw), adoRaw: r.adoRaw, pairs: r.pairs, disagreePairs: r.disagreePairs, disagreeFraction: r.disagreePairs / r.pairs, backend };
}

function checkPairs(pairs: number): void {
  if (!(pairs > 0)) throw new JetlensInputError('weights: the signal and the background weights must each sum to > 0');
}

/** K candidates: a flat Float64Array of K * N values (row-major), an {data, shape: [K, N]} array, or K arrays. */
export type CandidatesLike = Float64Array | { data: ArrayLike<number>; shape: number[] } | ArrayLike<ScoresLike>;

export interface AdoBatchOptions extends RunOptions {
  weights?: ScoresLike | null;
}

/**
 * adoOnDisagreement for many candidates against one (reference, current): the ordering by (G, H) is computed
 * once; candidates run on `threads` threads off the event loop. Honours `signal` (rejects with AbortError)
 * and reports (candidates done, K) through `onProgress`.
 */
export async function adoOnDisagreementBatch(
  candidates: CandidatesLike,
  reference: ScoresLike,
  current: ScoresLike,
  labels: LabelsLike,
  opts: AdoBatchOptions = {},
): Promise<AdoDisagreementResult[]> {
  const e = toEvents(labels, opts.weights);
  const g = toScores(reference, 'reference', e.n);
  const h = toScores(current, 'current', e.n);
  const { flat, k } = flattenCandidates(candidates, e.n);
  const { backend, kernel } = getKernel('adoDisagreeBatch', opts.backend);
  const rs = await kernel(flat, k, g, h, e, opts);
  if (k > 0) checkPairs(rs[0].pairs);
  return rs.map((r) => disagreement(r, backend));
}

function flattenCandidates(c: CandidatesLike, n: number): { flat: Float64Array; k: number } {
  let flat: Float64Array;
  let k: number;
  if (c instanceof Float64Array) {
    if (c.length % n !== 0) throw new JetlensInputError(`candidates: ${c.length} values is not a multiple of N = ${n} events`);
    flat = c;
    k = c.length / n;
  } else if ('shape' in c && 'data' in c) {
    const [kk, nn] = c.shape;
    if (c.shape.length !== 2 || nn !== n) throw new JetlensInputError(`candidates: expected shape (K, ${n}), got (${c.shape.join(', ')})`);
    flat = toScores(c.data as ScoresLike, 'candidates');
    k = kk;
  } else {
    const rows = c as ArrayLike<ScoresLike>;
    k = rows.length;
    flat = new Float64Array(k * n);
    for (let r = 0; r < k; r++) flat.set(toScores(rows[r], `candidates[${r}]`, n), r * n);
  }
  for (let i = 0; i < flat.length; i++) {
    if (Number.isNaN(flat[i])) throw new JetlensInputError(`candidates: NaN in candidate ${Math.floor(i / n)} at index ${i % n}`);
  }
  return { flat, k };
}
