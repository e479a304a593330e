import type { RandomStream as Rng } from './rng.js';
import { MomentumList, splitInPlace } from './momenta.js';
import { ALPHAS_MAX, CA, CF, MU0, NF, TR, alphaS, pGG } from './qcd.js';

export const GLUON = 0;
export const QUARK = 1;

const TWO_PI = 2 * Math.PI;
/** No resolvable emission is possible unless E theta / 4 > k_t cut (k_t = z(1-z) E theta <= E theta / 4). */
const L_MIN = Math.log(4);

// Overestimates of P(z) used by the veto algorithm, all of the form A / z on [z_min, 1], z_min = mu0 / (E theta):
//   q -> q g : P_gq(z) <= 2 C_F / z.
//   g -> g g : sampled as the softer gluon's fraction s in [z_min, 1/2], density 2 P_gg(s) <= 4 C_A / s.
//   g -> q q̄ : P_qg(z) <= T_R n_f <= T_R n_f / z.
const A_QUARK = 2 * CF;
const A_GG = 4 * CA;
const A_GLUON = A_GG + TR * NF;

const Q_TO_QG = 0;
const G_TO_GG = 1;
const G_TO_QQ = 2;

/**
 * Final-state, angular-ordered collinear parton shower (coherent branching in the small-angle limit).
 *
 * A parton of energy E that may radiate below the angle theta_max branches at the first angle theta drawn from
 *   dP = s (alpha_s(k_t) / pi) P(z) dz dtheta / theta,  k_t = z (1 - z) E theta > mu0,
 * with s = `emissionScale` (1 by default, see generate.ts on the normalisation). The no-emission probability is
 * sampled exactly with the veto algorithm: with alpha_s -> alpha_s(mu0) and P -> A / z the overestimated Sudakov
 * exponent in L = ln(E theta / mu0) is s (alpha_s(mu0)/pi) A (L_max^2 - L^2) / 2, which inverts in closed form; each
 * trial is then accepted with probability alpha_s(k_t)/alpha_s(mu0) * P(z)/(A/z) * [k_t > mu0].
 * Both daughters of a branching at angle theta continue with theta_max = theta (angular ordering).
 */
export class Shower {
  private px = new Float64Array(64);
  private py = new Float64Array(64);
  private pz = new Float64Array(64);
  private th = new Float64Array(64);
  private fl = new Uint8Array(64);
  private top = 0;
  private readonly d = new Float64Array(6);
  // The branching found by nextBranching().
  private theta = 0;
  private z = 0;
  private kind = 0;

  /** @param ktCut shower cut-off: no emission with k_t below it (GeV); v1 used mu0 = 1 GeV. */
  constructor(
    private readonly emissionScale = 1,
    private readonly ktCut = MU0,
  ) {}

  /** Showers one parton and appends the final partons (tag = QUARK or GLUON) to `out`. */
  run(rng: Rng, px: number, py: number, pz: number, flavour: number, thetaMax: number, out: MomentumList): void {
    this.top = 0;
    this.push(px, py, pz, flavour, thetaMax);
    const d = this.d;
    while (this.top > 0) {
      const i = --this.top;
      const qx = this.px[i];
      const qy = this.py[i];
      const qz = this.pz[i];
      const f = this.fl[i];
      if (!this.nextBranching(rng, i)) {
        const o = out.add(); // not out.push(doubles): see MomentumList.add
        out.px[o] = qx;
        out.py[o] = qy;
        out.pz[o] = qz;
        out.m[o] = 0;
        out.tag[o] = f;
        continue;
      }
      d[0] = qx;
      d[1] = qy;
      d[2] = qz;
      d[3] = this.z;
      d[4] = this.theta;
      d[5] = TWO_PI * rng.uniform();
      splitInPlace(d);
      // d1 carries fraction z: the gluon in q -> q g, the softer gluon in g -> g g, the quark in g -> q q̄.
      const f1 = this.kind === G_TO_QQ ? QUARK : GLUON;
      const f2 = this.kind === Q_TO_QG || this.kind === G_TO_QQ ? QUARK : GLUON;
      this.pushDaughter(0, f1);
      this.pushDaughter(3, f2);
    }
  }

  /**
   * Draws the next branching of stack entry i below its angle; false when it reaches the cut-off without one.
   * Takes the entry's index, not its energy and angle: double arguments are boxed when the call is not inlined.
   */
  private nextBranching(rng: Rng, i: number): boolean {
    const qx = this.px[i], qy = this.py[i], qz = this.pz[i];
    const e = Math.sqrt(qx * qx + qy * qy + qz * qz);
    const flavour = this.fl[i];
    const thetaMax = this.th[i];
    const cut = this.ktCut;
    const lMax = Math.log((e * thetaMax) / cut);
    if (lMax <= L_MIN) return false;
    const a = flavour === QUARK ? A_QUARK : A_GLUON;
    const step = 2 / (this.emissionScale * (ALPHAS_MAX / Math.PI) * a);
    let l2 = lMax * lMax;
    for (;;) {
      l2 -= step * -Math.log(1 - rng.uniform());
      if (l2 <= L_MIN * L_MIN) return false;
      const l = Math.sqrt(l2);
      const z = Math.exp(-l * rng.uniform()); // density 1/z on (z_min, 1]
      let ratio: number;
      let kind: number;
      if (flavour === QUARK) {
        kind = Q_TO_QG;
        ratio = (1 + (1 - z) * (1 - z)) / 2;
      } else if (rng.uniform() * A_GLUON < A_GG) {
        kind = G_TO_GG;
        if (z > 0.5) continue;
        ratio = (z * pGG(z)) / (2 * CA);
      } else {
        kind = G_TO_QQ;
        ratio = z * (z * z + (1 - z) * (1 - z));
      }
      const eTheta = cut * Math.exp(l);
      const kt = z * (1 - z) * eTheta;
      if (kt < cut) continue;
      if (rng.uniform() * ALPHAS_MAX >= alphaS(kt) * ratio) continue;
      this.theta = eTheta / e;
      this.z = z;
      this.kind = kind;
      return true;
    }
  }

  /** Pushes daughter d[k..k+2] with flavour f at the branching angle (no double arguments: nothing to box). */
  private pushDaughter(k: number, f: number): void {
    if (this.top === this.px.length) this.grow();
    const i = this.top++;
    this.px[i] = this.d[k];
    this.py[i] = this.d[k + 1];
    this.pz[i] = this.d[k + 2];
    this.fl[i] = f;
    this.th[i] = this.theta;
  }

  private push(px: number, py: number, pz: number, f: number, theta: number): void {
    if (this.top === this.px.length) this.grow();
    const i = this.top++;
    this.px[i] = px;
    this.py[i] = py;
    this.pz[i] = pz;
    this.fl[i] = f;
    this.th[i] = theta;
  }

  private grow(): void {
    const cap = this.px.length * 2;
    const g = <T extends Float64Array | Uint8Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.px = g(this.px, new Float64Array(cap));
    this.py = g(this.py, new Float64Array(cap));
    this.pz = g(this.pz, new Float64Array(cap));
    this.th = g(this.th, new Float64Array(cap));
    this.fl = g(this.fl, new Uint8Array(cap));
  }
}
