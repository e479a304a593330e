// Energy weights z_i and pairwise angles theta_ij of one jet (EnergyFlow's Measure, 'new' kappa behaviour).
// Inputs are JetBatch rows (pt, y, phi); zero-pT rows never reach here (JetBatch drops padding), which is the
// masking the spec recommends (EnergyFlow counts padded rows at kappa = 0 and returns nan at kappa < 0).
import { JetlensInputError } from '../errors.js';
import { wrapPhi } from '../util/kinematics.js';
import { checkBeta } from '../util/validate.js';

export type MeasureName = 'hadr' | 'hadrdot' | 'ee';
export const MEASURES: MeasureName[] = ['hadr', 'hadrdot', 'ee'];

export interface MeasureOptions {
  /** 'hadr' (default): (dy^2 + dphi^2)^(beta/2) with E = pT; 'hadrdot': |2 p_i.p_j/(pT_i pT_j)|^(beta/2);
   *  'ee': |2 p_i.p_j/(E_i E_j)|^(beta/2) with E = pT cosh y (rows taken as massless 4-vectors). */
  measure?: MeasureName;
  /** Energy exponent (default 1) or 'pf' (z = 1, un-normalised momenta in theta; needs normed: false, not 'hadr'). */
  kappa?: number | 'pf';
  /** Angular exponent > 0 (default 1). */
  beta?: number;
  /** z_i = (E_i / sum E)^kappa when true (default), E_i^kappa otherwise. */
  normed?: boolean;
}

export interface Measure {
  measure: MeasureName;
  kappa: number | 'pf';
  beta: number;
  normed: boolean;
}

/** Validates and fills defaults (throws JetlensInputError like EnergyFlow's ValueErrors). */
export function resolveMeasure(o: MeasureOptions = {}): Measure {
  const measure = o.measure ?? 'hadr';
  const kappa = o.kappa ?? 1;
  const beta = o.beta ?? 1;
  const normed = o.normed ?? true;
  // The one validator of the measure options: the CLI, the queue and the service call this and re-label `field`.
  if (!MEASURES.includes(measure)) throw new JetlensInputError(`unknown measure '${measure}' (expected one of ${MEASURES.join(', ')})`, { field: 'measure' });
  if (kappa !== 'pf' && !(typeof kappa === 'number' && Number.isFinite(kappa))) {
    throw new JetlensInputError(`kappa must be a finite number or 'pf', got ${JSON.stringify(kappa)}`, { field: 'kappa' });
  }
  checkBeta(beta);
  if (typeof normed !== 'boolean') throw new JetlensInputError('normed must be true or false', { field: 'normed' });
  if (kappa === 'pf' && normed) throw new JetlensInputError("kappa='pf' requires normed: false", { field: 'kappa' });
  if (kappa === 'pf' && measure === 'hadr') throw new JetlensInputError("kappa='pf' is not allowed with measure 'hadr'", { field: 'kappa' });
  return { measure, kappa, beta, normed };
}

/** The energy of the measure: pT for hadronic measures, pT cosh y for 'ee'. */
export function energy(m: Measure, pt: number, y: number): number {
  return m.measure === 'ee' ? pt * Math.cosh(y) : pt;
}

/** Squared angular distance (cancellation-free closed forms for the dot measures). */
export function distance2(m: Measure, yi: number, phii: number, yj: number, phij: number): number {
  const dy = yi - yj;
  const dphi = phii - phij;
  if (m.measure === 'hadr') {
    const dp = wrapPhi(dphi); // any |Delta phi| (JetBatch allows |phi| <= 3 pi)
    return dy * dy + dp * dp;
  }
  if (m.measure === 'hadrdot') {
    // 2 (cosh dy - cos dphi) = 4 sinh^2(dy/2) + 4 sin^2(dphi/2)
    const a = 2 * Math.sinh(dy / 2);
    const b = 2 * Math.sin(dphi / 2);
    return a * a + b * b;
  }
  // 'ee', massless: |n_i - n_j|^2 with n = (cos phi / cosh y, sin phi / cosh y, tanh y)
  const ci = 1 / Math.cosh(yi);
  const cj = 1 / Math.cosh(yj);
  const nx = Math.cos(phii) * ci - Math.cos(phij) * cj;
  const ny = Math.sin(phii) * ci - Math.sin(phij) * cj;
  const nz = Math.tanh(yi) - Math.tanh(yj);
  return nx * nx + ny * ny + nz * nz;
}

/** z (length M) and the base angle matrix theta (M x M row-major, includes the beta power and 'pf' energies). */
export function measureJet(m: Measure, pt: ArrayLike<number>, y: ArrayLike<number>, phi: ArrayLike<number>): { z: Float64Array; theta: Float64Array } {
  const M = pt.length;
  const E = Float64Array.from({ length: M }, (_, i) => energy(m, pt[i], y[i]));
  const z = new Float64Array(M);
  if (m.kappa === 'pf') z.fill(1);
  else {
    const total = m.normed ? E.reduce((a, b) => a + b, 0) : 1;
    for (let i = 0; i < M; i++) z[i] = Math.pow(E[i] / total, m.kappa);
  }
  const theta = new Float64Array(M * M);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < i; j++) {
      let d2 = distance2(m, y[i], phi[i], y[j], phi[j]);
      if (m.kappa === 'pf') d2 *= E[i] * E[j];
      theta[i * M + j] = theta[j * M + i] = Math.pow(d2, m.beta / 2);
    }
  }
  return { z, theta };
}
