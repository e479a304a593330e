/**
 * Jet kinematics with massive constituents (massless unless a mass column is given): the E-scheme sum
 * of (E, px, py, pz) = (mT cosh y, pT cos phi, pT sin phi, mT sinh y), mT = sqrt(pT^2 + m^2). The observables op
 * computes these columns here for both kernels when the batch has masses (ECFs and N-subjettiness use pT and
 * DeltaR only; the kT axes take the masses inside the kernels).
 */
import type { JetBatch } from '../jets/batch.js';
import { wrapPhi } from '../util/kinematics.js';
import { deltaR2, transverseMass } from './cluster.js';

/**
 * m^2 = sum_i m_i^2 + sum_{i<j} 2 p_i.p_j with, for each pair, every term >= 0 (no cancellation for light jets):
 * p_i.p_j = 2 mT_i mT_j sinh^2(dy/2) + 2 pT_i pT_j sin^2(dphi/2) + (mT_i mT_j - pT_i pT_j), and the last term
 * written as (m_i^2 pT_j^2 + m_j^2 pT_i^2 + m_i^2 m_j^2) / (mT_i mT_j + pT_i pT_j). Massless pairs reduce to the
 * reference's formula.
 */
export function massiveMass2(pt: ArrayLike<number>, y: ArrayLike<number>, phi: ArrayLike<number>, mass: ArrayLike<number>): number {
  const M = pt.length;
  let m2 = 0;
  for (let i = 0; i < M; i++) {
    const mi2 = mass[i] * mass[i];
    const mti = transverseMass(pt[i], mass[i]);
    m2 += mi2;
    for (let j = i + 1; j < M; j++) {
      const mj2 = mass[j] * mass[j];
      const mtj = transverseMass(pt[j], mass[j]);
      const sy = Math.sinh(0.5 * (y[i] - y[j]));
      const sp = Math.sin(0.5 * (phi[i] - phi[j]));
      const dmt = mi2 === 0 && mj2 === 0 ? 0 : (mi2 * pt[j] * pt[j] + mj2 * pt[i] * pt[i] + mi2 * mj2) / (mti * mtj + pt[i] * pt[j]);
      m2 += 4 * mti * mtj * sy * sy + 4 * pt[i] * pt[j] * sp * sp + 2 * dmt;
    }
  }
  return m2;
}

/** Overwrites pt, mass, rap, phi and width (base-row slots 0, 1, 2, 3, 5) of every jet with the massive values. */
export function massiveKinematics(batch: JetBatch, base: Float64Array, rowLength: number): void {
  const mass = batch.mass;
  if (!mass) return;
  for (let j = 0; j < batch.length; j++) {
    const a = batch.offsets[j];
    const b = batch.offsets[j + 1];
    if (a === b) continue;
    const pt = batch.pt.subarray(a, b);
    const y = batch.y.subarray(a, b);
    const phi = batch.phi.subarray(a, b);
    const m = mass.subarray(a, b);
    let E = 0;
    let px = 0;
    let py = 0;
    let pz = 0;
    let sumPt = 0;
    for (let i = 0; i < pt.length; i++) {
      const mt = transverseMass(pt[i], m[i]);
      E += mt * Math.cosh(y[i]);
      px += pt[i] * Math.cos(phi[i]);
      py += pt[i] * Math.sin(phi[i]);
      pz += mt * Math.sinh(y[i]);
      sumPt += pt[i];
    }
    const one = pt.length === 1;
    const jetY = one ? y[0] : 0.5 * Math.log((E + pz) / (E - pz));
    const jetPhi = one ? wrapPhi(phi[0]) : Math.atan2(py, px);
    let width = 0;
    for (let i = 0; i < pt.length; i++) width += pt[i] * Math.sqrt(deltaR2(y[i], phi[i], jetY, jetPhi));
    const o = j * rowLength;
    base[o] = Math.sqrt(px * px + py * py);
    base[o + 1] = Math.sqrt(massiveMass2(pt, y, phi, m));
    base[o + 2] = jetY;
    base[o + 3] = jetPhi;
    base[o + 5] = width / sumPt;
  }
}
