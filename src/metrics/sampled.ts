/**
 * The paper's procedure: draw K random signal/background pairs, keep those the current model H and the
 * reference G order strictly differently (or all, without H), and average DO_{F,G} over them. Seeded. Also the
 * export of example pairs (event indices) a physicist can inspect.
 */
import { JetlensInputError } from '../errors.js';
import { Rng } from '../util/rng.js';
import { classIndices, cmp, decisionOrdering, KahanSum } from './reference.js';
import { toEvents, toScores, type Direction, type LabelsLike, type ScoresLike } from './input.js';

export interface SampledOptions {
  /** Number of random signal/background pairs drawn (default 100000). */
  pairs?: number;
  seed?: number;
  /** The current model H: keep only pairs in D(H, G). */
  current?: ScoresLike;
  weights?: ScoresLike | null;
  /** How many of the kept pairs to return as example indices (default 20). */
  examples?: number;
}

export interface SampledAdoResult {
  ado: number;
  adoRaw: number;
  direction: Direction;
  /** Statistical error of adoRaw from the finite sample (unweighted binomial-like estimate). */
  stdErr: number;
  /** Pairs drawn / kept (in D(H, G) when current is given) and the weight of the kept pairs. */
  drawn: number;
  kept: number;
  keptWeight: number;
  /** Indices (into the input arrays) of the first kept pairs: signal[i] with background[i]. */
  examples: { signal: Uint32Array; background: Uint32Array };
}

/** Sampled ADO of f against g (optionally on D(current, g)); pairs drawn uniformly, weighted by w_S w_B. */
export function adoSampled(f: ScoresLike, g: ScoresLike, labels: LabelsLike, opts: SampledOptions = {}): SampledAdoResult {
  const e = toEvents(labels, opts.weights);
  const fx = toScores(f, 'f', e.n);
  const gx = toScores(g, 'g', e.n);
  const hx = opts.current !== undefined ? toScores(opts.current, 'current', e.n) : undefined;
  const K = opts.pairs ?? 100000;
  const nEx = opts.examples ?? 20;
  if (!Number.isInteger(K) || K < 1) throw new JetlensInputError(`pairs: expected an integer >= 1, got ${K}`);
  const { sig, bkg } = classIndices(e.labels);
  const rng = new Rng(opts.seed ?? 1);
  const num = new KahanSum();
  const wsum = new KahanSum();
  let kept = 0;
  let sumDo = 0;
  let sumDo2 = 0;
  const exS: number[] = [];
  const exB: number[] = [];
  for (let k = 0; k < K; k++) {
    const i = sig[rng.int(sig.length)];
    const j = bkg[rng.int(bkg.length)];
    const t = cmp(gx[i], gx[j]);
    if (hx && cmp(hx[i], hx[j]) * t >= 0) continue;
    const w = (e.weights?.[i] ?? 1) * (e.weights?.[j] ?? 1);
    const d = decisionOrdering(cmp(fx[i], fx[j]), t);
    num.add(w * d);
    wsum.add(w);
    kept++;
    sumDo += d;
    sumDo2 += d * d;
    if (exS.length < nEx) {
      exS.push(i);
      exB.push(j);
    }
  }
  const adoRaw = wsum.value > 0 ? num.value / wsum.value : NaN;
  const mean = sumDo / kept;
  const stdErr = kept > 1 ? Math.sqrt((sumDo2 / kept - mean * mean) / (kept - 1)) : NaN;
  return {
    ado: Math.max(adoRaw, 1 - adoRaw),
    adoRaw,
    direction: adoRaw >= 0.5 || Number.isNaN(adoRaw) ? 1 : -1,
    stdErr,
    drawn: K,
    kept,
    keptWeight: wsum.value,
    examples: { signal: Uint32Array.from(exS), background: Uint32Array.from(exB) },
  };
}

/**
 * Example pairs (indices) that H and G order strictly differently: draws random signal/background pairs until
 * `count` are found or `maxDraws` pairs were tried. For inspection of what the black box decides differently.
 */
export function disagreeingPairs(
  reference: ScoresLike,
  current: ScoresLike,
  labels: LabelsLike,
  opts: { count?: number; seed?: number; maxDraws?: number } = {},
): { signal: Uint32Array; background: Uint32Array; drawn: number } {
  const e = toEvents(labels);
  const g = toScores(reference, 'reference', e.n);
  const h = toScores(current, 'current', e.n);
  const count = opts.count ?? 20;
  const maxDraws = opts.maxDraws ?? 100 * count + 10000;
  const { sig, bkg } = classIndices(e.labels);
  const rng = new Rng(opts.seed ?? 1);
  const s: number[] = [];
  const b: number[] = [];
  let drawn = 0;
  while (s.length < count && drawn < maxDraws) {
    drawn++;
    const i = sig[rng.int(sig.length)];
    const j = bkg[rng.int(bkg.length)];
    if (cmp(g[i], g[j]) * cmp(h[i], h[j]) < 0) {
      s.push(i);
      b.push(j);
    }
  }
  return { signal: Uint32Array.from(s), background: Uint32Array.from(b), drawn };
}
