/** Small statistics helpers shared by metrics and studies (one definition each). */
import { JetlensInputError } from '../errors.js';

/**
 * Quantile q in [0, 1] of values sorted ascending, by linear interpolation between order statistics (numpy's
 * default, "linear"). An empty input throws: a quantile of nothing has no value, and NaN would travel silently into
 * tables and fits.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new JetlensInputError('quantile of an empty list');
  if (!(q >= 0 && q <= 1)) throw new JetlensInputError(`quantile: q must be in [0, 1], got ${q}`);
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}
