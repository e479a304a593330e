import type { Rng } from '../../util/rng.js';
import { D, PDG, S, U, massOf, mesonId } from './hadrons.js';
import type { MomentumList } from './momenta.js';

/**
 * Fragmentation parameters (independent fragmentation a la Field & Feynman, Nucl. Phys. B136 (1978) 1, with the
 * flavour and transverse-momentum choices of the Lund model's defaults). Defaults were chosen so that the target
 * table of docs/generator.md holds; see that page for what each one moves.
 */
export interface FragmentationParams {
  /** Field-Feynman a in f(z) = 1 - a + 3 a (1 - z)^2, the longitudinal fraction of each hadron (0.77). */
  a: number;
  /** Width of the hadrons' transverse momentum about their parton, <pT^2> = sigma^2 (GeV; 0.35). */
  ptSigma: number;
  /** The chain stops when the remaining momentum falls below this (GeV); the rest becomes one last hadron. */
  pStop: number;
  /** Strange-quark suppression s/u of each new q qbar pair (0.3). */
  strange: number;
  /** Probability that a step makes a nucleon or antinucleon instead of a meson (0.07). */
  baryon: number;
}

export const DEFAULT_FRAGMENTATION: FragmentationParams = { a: 0.77, ptSigma: 0.35, pStop: 1.0, strange: 0.3, baryon: 0.07 };

/**
 * Fragments every parton of `partons` independently into hadrons appended to `out` (px, py, pz, mass, PDG id):
 * the leading quark q (a random light flavour for a gluon) pairs with a new q' qbar' pair into the meson (q qbar'),
 * takes a fraction z ~ f(z) of the remaining momentum along the parton and a Gaussian transverse kick, and q'
 * carries on; with probability `baryon` the step makes a (anti)nucleon instead (alternating baryon number). Below
 * `pStop` the remainder becomes one last meson along the parton. Every parton gives at least one hadron.
 * Four-momentum is not conserved here: the caller rescales each colour singlet (conserve.ts).
 */
export function fragment(rng: Rng, partons: MomentumList, p: FragmentationParams, out: MomentumList): void {
  const kick = p.ptSigma / Math.SQRT2; // per transverse component
  for (let i = 0; i < partons.n; i++) {
    if (partons.tag[i] < 0) continue; // a colour partner that is not fragmented (jet.ts: ANCHOR)
    const px = partons.px[i], py = partons.py[i], pz = partons.pz[i];
    const mag = Math.sqrt(px * px + py * py + pz * pz);
    if (!(mag > 0)) continue;
    const nx = px / mag, ny = py / mag, nz = pz / mag;
    // e1, e2: orthonormal, perpendicular to n.
    let e1x: number, e1y: number, e1z: number;
    if (Math.abs(nz) < 0.9) {
      const s = Math.sqrt(nx * nx + ny * ny);
      e1x = ny / s; e1y = -nx / s; e1z = 0;
    } else {
      const s = Math.sqrt(ny * ny + nz * nz);
      e1x = 0; e1y = nz / s; e1z = -ny / s;
    }
    const e2x = ny * e1z - nz * e1y, e2y = nz * e1x - nx * e1z, e2z = nx * e1y - ny * e1x;
    let q = lightFlavour(rng, p.strange);
    let baryonSign = rng.uniform() < 0.5 ? 1 : -1;
    let rest = mag;
    while (rest > p.pStop) {
      const z = rng.uniform() < 1 - p.a ? rng.uniform() : 1 - Math.cbrt(rng.uniform());
      const kx = kick * rng.normal(), ky = kick * rng.normal();
      let id: number;
      if (rng.uniform() < p.baryon) {
        id = baryonSign * (rng.uniform() < 0.5 ? PDG.proton : PDG.neutron);
        baryonSign = -baryonSign;
      } else {
        // Never s sbar (no eta/phi in this toy): a strange leading quark pairs with u or d.
        let qb = q === S ? (rng.uniform() < 0.5 ? U : D) : lightFlavour(rng, p.strange);
        // u ubar and d dbar are pi0 only half of the time (the rest is eta and vector mesons, which decay mostly
        // to charged pions): turning a third of them into pi+- gives the observed pi0 : pi+- = 1 : 2.
        if (qb === q && rng.uniform() < 1 / 3) qb = q === U ? D : U;
        id = mesonId(q, qb, rng);
        q = qb;
      }
      // A hadron carries at least its transverse mass along the parton (as in the Lund model's z W+ >= m_T): no
      // very soft hadron at a wide angle.
      const mt = Math.sqrt(massOf(id) ** 2 + kx * kx + ky * ky);
      const pl = Math.min(rest, Math.max(z * rest, mt));
      rest -= pl;
      out.push(pl * nx + kx * e1x + ky * e2x, pl * ny + kx * e1y + ky * e2y, pl * nz + kx * e1z + ky * e2z, id, massOf(id));
    }
    if (rest > 0) {
      const id = mesonId(q, q === S ? U : lightFlavour(rng, 0), rng);
      out.push(rest * nx, rest * ny, rest * nz, id, massOf(id));
    }
  }
}

/** u, d or s with s/u = strange (u and d equally likely). */
function lightFlavour(rng: Rng, strange: number): number {
  const r = rng.uniform() * (2 + strange);
  return r < 1 ? U : r < 2 ? D : S;
}
