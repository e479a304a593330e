/**
 * What the smeared likelihood is compared against (issue #22 item 1): the best simple discriminants (constituent
 * multiplicity and jet mass) as AUCs on the same jets, and the conversion of eps to GeV.
 */
import type { JetBatch } from '../../jets/batch.js';
import { massiveMass2 } from '../../jss/massive.js';
import { auc, aucBootstrap, quantileSorted } from '../../metrics/index.js';

export interface ReferenceAuc {
  /** Metrics-module AUC of sign * column (sign chosen so that the AUC is >= 1/2). */
  auc: number;
  auc_err: number;
  /** +1: larger values are more signal-like; -1: smaller. */
  sign: 1 | -1;
}

/** Per jet: constituent multiplicity, jet mass (GeV, E-scheme; constituent masses if the batch has them) and scalar sum pT. */
export function simpleColumns(b: JetBatch): { multiplicity: Float64Array; mass: Float64Array; sumPt: Float64Array } {
  const n = b.length;
  const multiplicity = new Float64Array(n), mass = new Float64Array(n), sumPt = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const s = b.offsets[j], e = b.offsets[j + 1];
    multiplicity[j] = e - s;
    const zeros = new Float64Array(e - s);
    mass[j] = Math.sqrt(Math.max(0, massiveMass2(b.pt.subarray(s, e), b.y.subarray(s, e), b.phi.subarray(s, e), b.mass ? b.mass.subarray(s, e) : zeros)));
    for (let i = s; i < e; i++) sumPt[j] += b.pt[i];
  }
  return { multiplicity, mass, sumPt };
}

/** The AUC of a column in its better direction, with a seeded class-stratified bootstrap error. */
export function referenceAuc(column: Float64Array, labels: ArrayLike<number>, bootstrap: number, seed: number): ReferenceAuc {
  const up = auc(column, labels).auc;
  const sign: 1 | -1 = up >= 0.5 ? 1 : -1;
  const signed = sign === 1 ? column : column.map((v) => -v);
  return {
    auc: sign === 1 ? up : auc(signed, labels).auc,
    auc_err: bootstrap >= 2 ? aucBootstrap(signed, labels, null, { resamples: bootstrap, seed }).std : NaN,
    sign,
  };
}

/** Multiplicity and mass AUCs on the evaluated jets. */
export function referenceAucs(b: JetBatch, labels: ArrayLike<number>, bootstrap: number, seed: number): { multiplicity: ReferenceAuc; mass: ReferenceAuc } {
  const c = simpleColumns(b);
  return { multiplicity: referenceAuc(c.multiplicity, labels, bootstrap, seed + 101), mass: referenceAuc(c.mass, labels, bootstrap, seed + 202) };
}

/**
 * GeV per output unit of eps. Normalised energies: SEMD(raw) = p x SEMD(norm) for two jets of equal scalar sum pT p
 * (the pair weights scale by p^2 and SEMD^2 is linear in them), so eps_GeV = eps x median p / scale. Raw energies:
 * the output is already in GeV (times scale).
 */
export function gevPerUnit(b: JetBatch, energy: 'norm' | 'raw', scale: number): { gev_per_unit: number; median_jet_pt: number } {
  const pts = new Float64Array(b.length);
  for (let j = 0; j < b.length; j++) for (let i = b.offsets[j]; i < b.offsets[j + 1]; i++) pts[j] += b.pt[i];
  pts.sort();
  const median = pts.length ? quantileSorted(pts, 0.5) : NaN;
  return { gev_per_unit: energy === 'raw' ? 1 / scale : median / scale, median_jet_pt: median };
}
