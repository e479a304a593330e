import './kernels.js';
import { getKernel } from '../backend/dispatch.js';
import { JetlensInputError } from '../errors.js';
import { toEvents, toScores, type Direction, type LabelsLike, type ScoresLike } from './input.js';

export interface AucOptions {
  /**
   * +1: larger scores are more signal-like (default); -1: smaller are; 'auto': the direction is unknown (an
   * observable), so report max(AUC, 1 - AUC) and the direction that gives it.
   */
  direction?: Direction | 'auto';
  /** 'auto' (default), 'native' or 'reference'. */
  backend?: string;
}

export interface AucResult {
  /** AUC in the reported direction (ties count 1/2). */
  auc: number;
  /** AUC of the scores as given (direction +1). */
  aucRaw: number;
  direction: Direction;
  nSignal: number;
  nBackground: number;
  /** Total signal / background weight (the counts with unit weights). */
  wSignal: number;
  wBackground: number;
  /** DeLong standard error (weighted generalisation with weights); NaN with one event in a class. */
  stdDelong: number;
  backend: string;
}

/**
 * Area under the ROC curve = the probability that a random signal event scores above a random background event,
 * ties counted 1/2; pair weight w_S * w_B. Exact; O(N log N) on the native backend.
 */
export function auc(scores: ScoresLike, labels: LabelsLike, weights?: ScoresLike | null, opts: AucOptions = {}): AucResult {
  const e = toEvents(labels, weights);
  const x = toScores(scores, 'scores', e.n);
  const { backend, kernel } = getKernel('auc', opts.backend);
  const r = kernel(x, e);
  if (!(r.wSignal > 0 && r.wBackground > 0)) throw new JetlensInputError('weights: the signal and the background weights must each sum to > 0');
  const direction = resolveDirection(opts.direction, r.aucRaw);
  return {
    auc: direction === 1 ? r.aucRaw : 1 - r.aucRaw,
    aucRaw: r.aucRaw,
    direction,
    nSignal: r.nSignal,
    nBackground: r.nBackground,
    wSignal: r.wSignal,
    wBackground: r.wBackground,
    stdDelong: Math.sqrt(r.varDelong),
    backend,
  };
}

export function resolveDirection(d: Direction | 'auto' | undefined, raw: number): Direction {
  if (d === undefined) return 1;
  if (d === 'auto') return raw >= 0.5 ? 1 : -1;
  if (d !== 1 && d !== -1) throw new JetlensInputError(`direction: expected 1, -1 or 'auto', got ${String(d)}`);
  return d;
}
