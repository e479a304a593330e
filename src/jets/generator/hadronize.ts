import type { RandomStream as Rng } from './rng.js';
import { MomentumList, splitMomentum } from './momenta.js';

const TWO_PI = 2 * Math.PI;
/** Hadronisation scale: the two-hadron smearing angle is of order HADRON_SCALE / pT_parton. */
const HADRON_SCALE = 1.0;
/** Keeps the smearing angle of very soft partons sane. */
const MAX_SMEAR_ANGLE = 1.0;

/** A pion label drawn with isospin weights: pi+, pi-, pi0 each 1/3 (no charge conservation: a label only). */
export function pionId(rng: Rng): number {
  const u = rng.uniform() * 3;
  return u < 1 ? 211 : u < 2 ? -211 : 111;
}

/**
 * Simplest local parton-hadron duality: each final parton becomes one massless pion, or, with probability
 * `twoHadronProb`, two pions sharing its 3-momentum (fractions z and 1 - z, z uniform in [0.25, 0.75]) at an opening
 * angle |N(0,1)| * 1 GeV / pT_parton (capped at 1 rad). 3-momentum is conserved exactly; hadron tags are pion ids.
 */
export function hadronize(rng: Rng, partons: MomentumList, twoHadronProb: number, out: MomentumList, tmp: Float64Array): void {
  out.clear();
  for (let i = 0; i < partons.n; i++) {
    const px = partons.px[i];
    const py = partons.py[i];
    const pz = partons.pz[i];
    if (twoHadronProb > 0 && rng.uniform() < twoHadronProb) {
      const pt = Math.sqrt(px * px + py * py);
      const angle = Math.min(MAX_SMEAR_ANGLE, (HADRON_SCALE / pt) * Math.abs(rng.normal()));
      const z = 0.25 + 0.5 * rng.uniform();
      splitMomentum(px, py, pz, z, angle, TWO_PI * rng.uniform(), tmp);
      out.push(tmp[0], tmp[1], tmp[2], pionId(rng));
      out.push(tmp[3], tmp[4], tmp[5], pionId(rng));
    } else {
      out.push(px, py, pz, pionId(rng));
    }
  }
}
