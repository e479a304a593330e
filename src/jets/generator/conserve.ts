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
  if (en.length < b) {
    en = new Float64Array(2 * b);
    p2s = new Float64Array(2 * b);
  }
  const px = list.px, py = list.py, pz = list.pz, ms = list.m;
  let E = 0, X = 0, Y = 0, Z = 0, sumM = 0;
  for (let i = a; i < b; i++) {
    const e = list.e(i);
    en[i] = e; // the first boost's energies: the same entries, unchanged until then
    E += e;
    X += px[i];
    Y += py[i];
    Z += pz[i];
    sumM += ms[i];
  }
  const H2 = E * E - X * X - Y * Y - Z * Z;
  if (sumM >= M || !(H2 > 0)) return false;
  boostKnownEnergies(list, a, b, -X / E, -Y / E, -Z / E);
  const alpha = solveScale(list, a, b, M, M / Math.sqrt(H2));
  if (!(alpha > 0)) return false;
  // Scale, then boost by the target's velocity (boostAll's arithmetic), one entry at a time.
  const bx = tx / tE, by = ty / tE, bz = tz / tE;
  const b2 = bx * bx + by * by + bz * bz;
  const gamma = 1 / Math.sqrt(1 - b2);
  const k = (gamma - 1) / b2;
  for (let i = a; i < b; i++) {
    const x = (px[i] *= alpha), y = (py[i] *= alpha), z = (pz[i] *= alpha);
    if (b2 === 0) continue;
    const m = ms[i];
    const e = Math.sqrt(x * x + y * y + z * z + m * m);
    const c = k * (bx * x + by * y + bz * z) + gamma * e;
    px[i] += c * bx;
    py[i] += c * by;
    pz[i] += c * bz;
  }
  return true;
}

/** rescaleTo's per-entry scratch: energies before the first boost, |p|^2 after it (the generator is single-threaded). */
let en = new Float64Array(256);
let p2s = new Float64Array(256);

/** boostAll with each entry's energy read from `en` (rescaleTo's sum pass computed exactly list.e(i)). */
function boostKnownEnergies(list: MomentumList, a: number, b: number, bx: number, by: number, bz: number): void {
  const b2 = bx * bx + by * by + bz * bz;
  if (b2 === 0) return;
  const gamma = 1 / Math.sqrt(1 - b2);
  const k = (gamma - 1) / b2;
  const px = list.px, py = list.py, pz = list.pz;
  for (let i = a; i < b; i++) {
    const bp = bx * px[i] + by * py[i] + bz * pz[i];
    const c = k * bp + gamma * en[i];
    px[i] += c * bx;
    py[i] += c * by;
    pz[i] += c * bz;
  }
}

/**
 * Newton iteration for sum_i sqrt(alpha^2 p_i^2 + m_i^2) = M (monotone, convex in alpha); p_i^2 is computed once
 * (the same expression as per iteration: same bits).
 */
function solveScale(list: MomentumList, a: number, b: number, M: number, start: number): number {
  const px = list.px, py = list.py, pz = list.pz, ms = list.m, p2a = p2s;
  for (let i = a; i < b; i++) p2a[i] = px[i] * px[i] + py[i] * py[i] + pz[i] * pz[i];
  let alpha = start;
  for (let it = 0; it < 50; it++) {
    let f = -M, df = 0;
    for (let i = a; i < b; i++) {
      const p2 = p2a[i];
      const m = ms[i];
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
