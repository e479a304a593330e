import type { MomentumList } from './momenta.js';

/**
 * Exact four-momentum conservation for a colour singlet: moves the entries [a, b) of `list` (3-momenta with
 * masses) so that their four-momentum sum becomes exactly `target` = (E, px, py, pz), the way a global-recoil
 * shower or an independent-fragmentation model restores energy-momentum conservation:
 *   1. boost the entries to their own rest frame (their 3-momenta then sum to zero);
 *   2. scale every 3-momentum by one factor alpha so that the energies sum to the target's mass
 *      (sum_i sqrt(alpha^2 p_i^2 + m_i^2) = M; closed form alpha = M / sum |p_i| when all are massless);
 *   3. boost by the target's velocity.
 * Internal angles change by O(1 - alpha), the system's direction moves from its own to the target's.
 * Returns false (entries untouched) when the target cannot be reached: target not timelike, or the masses alone
 * exceed M, or fewer than two entries carry momentum.
 */
export function rescaleTo(list: MomentumList, a: number, b: number, tE: number, tx: number, ty: number, tz: number): boolean {
  const M2 = tE * tE - tx * tx - ty * ty - tz * tz;
  if (!(M2 > 0) || b - a < 2) return false;
  const M = Math.sqrt(M2);
  let E = 0, X = 0, Y = 0, Z = 0, sumM = 0;
  for (let i = a; i < b; i++) {
    E += list.e(i);
    X += list.px[i];
    Y += list.py[i];
    Z += list.pz[i];
    sumM += list.m[i];
  }
  const H2 = E * E - X * X - Y * Y - Z * Z;
  if (sumM >= M || !(H2 > 0)) return false;
  boostAll(list, a, b, -X / E, -Y / E, -Z / E);
  const alpha = solveScale(list, a, b, M, M / Math.sqrt(H2));
  if (!(alpha > 0)) return false;
  for (let i = a; i < b; i++) {
    list.px[i] *= alpha;
    list.py[i] *= alpha;
    list.pz[i] *= alpha;
  }
  boostAll(list, a, b, tx / tE, ty / tE, tz / tE);
  return true;
}

/** Newton iteration for sum_i sqrt(alpha^2 p_i^2 + m_i^2) = M (monotone, convex in alpha). */
function solveScale(list: MomentumList, a: number, b: number, M: number, start: number): number {
  let alpha = start;
  for (let it = 0; it < 50; it++) {
    let f = -M, df = 0;
    for (let i = a; i < b; i++) {
      const p2 = list.px[i] * list.px[i] + list.py[i] * list.py[i] + list.pz[i] * list.pz[i];
      const m = list.m[i];
      const e = Math.sqrt(alpha * alpha * p2 + m * m);
      f += e;
      if (e > 0) df += (alpha * p2) / e;
    }
    if (!(df > 0)) return NaN;
    const step = f / df;
    alpha -= step;
    if (alpha <= 0) alpha = (alpha + step) / 2; // stay positive: halve towards 0
    if (Math.abs(step) <= 1e-15 * alpha) break;
  }
  return alpha;
}

/** Boosts entries [a, b) by velocity (bx, by, bz), |beta| < 1. */
export function boostAll(list: MomentumList, a: number, b: number, bx: number, by: number, bz: number): void {
  const b2 = bx * bx + by * by + bz * bz;
  if (b2 === 0) return;
  const gamma = 1 / Math.sqrt(1 - b2);
  const k = (gamma - 1) / b2;
  for (let i = a; i < b; i++) {
    const e = list.e(i);
    const bp = bx * list.px[i] + by * list.py[i] + bz * list.pz[i];
    const c = k * bp + gamma * e;
    list.px[i] += c * bx;
    list.py[i] += c * by;
    list.pz[i] += c * bz;
  }
}

/** Four-momentum sum of entries [a, b) into out = [E, px, py, pz]. */
export function sumFourMomentum(list: MomentumList, a: number, b: number, out: Float64Array): Float64Array {
  let E = 0, X = 0, Y = 0, Z = 0;
  for (let i = a; i < b; i++) {
    E += list.e(i);
    X += list.px[i];
    Y += list.py[i];
    Z += list.pz[i];
  }
  out[0] = E;
  out[1] = X;
  out[2] = Y;
  out[3] = Z;
  return out;
}
