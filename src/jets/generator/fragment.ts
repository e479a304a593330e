import type { RandomStream as Rng } from './rng.js';
import { D, PDG, S, U, massOf, mesonId } from './hadrons.js';
import type { MomentumList } from './momenta.js';

/**
 * Fragmentation parameters (independent fragmentation a la Field & Feynman, Nucl. Phys. B136 (1978) 1, with the
 * flavour and transverse-momentum choices of the Lund model's defaults). Defaults were chosen so that the target
 * table of docs/generator.md holds; see that page for what each one moves.
 */
export interface FragmentationParams {
  /** Field-Feynman a in f(z) = 1 - a + 3 a (1 - z)^2, the longitudinal fraction of each hadron (0.5; Field-Feynman used 0.77). */
  a: number;
  /** Width of the hadrons' transverse momentum about their parton, <pT^2> = sigma^2 (GeV; 0.35). */
  ptSigma: number;
  /** The chain stops when the remaining momentum falls below this (GeV); the rest becomes one last hadron. */
  pStop: number;
  /** Strange-quark suppression s/u of each new q qbar pair (0.3). */
  strange: number;
  /** Probability that a step makes a nucleon or antinucleon instead of a meson (0.07). */
  baryon: number;
  /**
   * Probability that a gluon fragments as a q qbar pair sharing its momentum (two chains, as in the models of
   * Hoyer et al. and Ali et al.) rather than like a quark (one chain); 0 by default.
   */
  gluonSplit: number;
}

export const DEFAULT_FRAGMENTATION: FragmentationParams = { a: 0.5, ptSigma: 0.35, pStop: 1.0, strange: 0.3, baryon: 0.07, gluonSplit: 0 };

/**
 * Fragments every parton of `partons` independently into hadrons appended to `out` (px, py, pz, mass, PDG id):
 * the leading quark q (a random light flavour for a gluon) pairs with a new q' qbar' pair into the meson (q qbar'),
 * takes a fraction z ~ f(z) of the remaining momentum along the parton and a Gaussian transverse kick, and q'
 * carries on; with probability `baryon` the step makes a (anti)nucleon instead (alternating baryon number). Below
 * `pStop` the remainder becomes one last meson along the parton. Every parton gives at least one hadron.
 * Four-momentum is not conserved here: the caller rescales each colour singlet (conserve.ts).
 */
export function fragment(rng: Rng, partons: MomentumList, p: FragmentationParams, out: MomentumList): void {
  const b = BASIS;
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
    b[0] = nx; b[1] = ny; b[2] = nz;
    b[3] = e1x; b[4] = e1y; b[5] = e1z;
    b[6] = ny * e1z - nz * e1y; b[7] = nz * e1x - nx * e1z; b[8] = nx * e1y - ny * e1x;
    if (partons.tag[i] === GLUON_TAG && p.gluonSplit > 0 && rng.uniform() < p.gluonSplit) {
      // A gluon carries two colour lines: it fragments as a q qbar pair sharing its momentum (z uniform), as in
      // the independent-fragmentation models of Hoyer et al. and Ali et al.; a gluon then makes more hadrons.
      const z = rng.uniform();
      chain(rng, p, z * mag, b, out);
      chain(rng, p, (1 - z) * mag, b, out);
    } else chain(rng, p, mag, b, out);
  }
}

/** The shower's gluon tag (shower.ts GLUON). */
const GLUON_TAG = 0;
/** Direction n (0..2) and transverse basis e1 (3..5), e2 (6..8) of the parton being fragmented. */
const BASIS = new Float64Array(9);

/** One quark chain of momentum `rest` along b's direction. */
function chain(rng: Rng, p: FragmentationParams, rest: number, b: Float64Array, out: MomentumList): void {
  const kick = p.ptSigma / Math.SQRT2; // per transverse component
  let q = lightFlavour(rng, p.strange);
  let baryonSign = u32(rng) < 0.5 ? 1 : -1;
  while (rest > p.pStop) {
    const z = u32(rng) < 1 - p.a ? rng.uniform() : 1 - Math.cbrt(rng.uniform());
    const kx = kick * rng.normal(), ky = kick * rng.normal();
    let id: number;
    if (u32(rng) < p.baryon) {
      id = baryonSign * (u32(rng) < 0.5 ? PDG.proton : PDG.neutron);
      baryonSign = -baryonSign;
    } else {
      // Never s sbar (no eta/phi in this toy): a strange leading quark pairs with u or d.
      let qb = q === S ? (u32(rng) < 0.5 ? U : D) : lightFlavour(rng, p.strange);
      // u ubar and d dbar are pi0 only half of the time (the rest is eta and vector mesons, which decay mostly
      // to charged pions): turning a third of them into pi+- gives the observed pi0 : pi+- = 1 : 2.
      if (qb === q && u32(rng) < 1 / 3) qb = q === U ? D : U;
      id = mesonId(q, qb, rng);
      q = qb;
    }
    // A hadron carries at least its transverse mass along the parton (as in the Lund model's z W+ >= m_T): no
    // very soft hadron at a wide angle.
    const m = massOf(id);
    const mt = Math.sqrt(m * m + kx * kx + ky * ky);
    const pl = Math.min(rest, Math.max(z * rest, mt));
    rest -= pl;
    const o = out.add();
    out.px[o] = pl * b[0] + kx * b[3] + ky * b[6];
    out.py[o] = pl * b[1] + kx * b[4] + ky * b[7];
    out.pz[o] = pl * b[2] + kx * b[5] + ky * b[8];
    out.m[o] = m;
    out.tag[o] = id;
  }
  if (rest > 0) {
    const id = mesonId(q, q === S ? U : lightFlavour(rng, 0), rng);
    const o = out.add();
    out.px[o] = rest * b[0];
    out.py[o] = rest * b[1];
    out.pz[o] = rest * b[2];
    out.m[o] = massOf(id);
    out.tag[o] = id;
  }
}

/** A 32-bit uniform in [0, 1): enough for the fragmentation's discrete choices, half the cost of uniform(). */
function u32(rng: Rng): number {
  return rng.nextUint32() * 2.3283064365386963e-10;
}

/** u, d or s with s/u = strange (u and d equally likely). */
function lightFlavour(rng: Rng, strange: number): number {
  const r = u32(rng) * (2 + strange);
  return r < 1 ? U : r < 2 ? D : S;
}
