import type { Rng } from '../../util/rng.js';
import { applyDetector } from './detector.js';
import { hadronize } from './hadronize.js';
import { MomentumList } from './momenta.js';
import type { GeneratorConfig } from './options.js';
import { JetParticles } from './particles.js';
import { GLUON, QUARK, Shower } from './shower.js';

export const W_MASS = 80.4;
export const W_WIDTH = 2.1;
/** The Breit-Wigner is truncated to |m - m_W| < W_WINDOW (redrawn outside). */
export const W_WINDOW = 10 * W_WIDTH;
/** Largest shower start angle for a W's quarks (the small-angle shower means nothing near 90 degrees). */
export const THETA_START_CAP = 1.5;

/** PDG-like code of what initiated the jet. */
export const INITIATOR = { quark: 1, gluon: 21, w: 24 } as const;

/** What was generated before the shower, hadronisation, detector and cone cut. */
export interface JetTruth {
  pt: number;
  y: number;
  phi: number;
  /** Breit-Wigner mass of the W (0 for quark/gluon jets). */
  mass: number;
  initiator: number;
}

/**
 * Makes one jet at a time. The shower runs in the "jet frame": the jet axis along +x at y = 0, phi = 0, where the
 * emission angle theta and Delta R agree at small angles; a longitudinal boost by y0 and a rotation by phi0 then
 * give lab (y, phi) = (y0 + dy, phi0 + dphi) with pT unchanged, so the jet pT (vector sum of all particles before
 * the cone cut) equals the generated pT up to rounding (every splitting conserves 3-momentum exactly).
 */
export class JetMaker {
  readonly particles = new JetParticles();
  readonly truth: JetTruth = { pt: 0, y: 0, phi: 0, mass: 0, initiator: 0 };
  private readonly shower: Shower;
  private readonly partons = new MomentumList();
  private readonly hadrons = new MomentumList();
  private readonly tmp = new Float64Array(6);

  constructor(private readonly cfg: GeneratorConfig) {
    this.shower = new Shower(cfg.emissionScale);
  }

  /** Generates one jet from its own random stream; the result is in `particles` (sorted later) and `truth`. */
  make(rng: Rng): void {
    const c = this.cfg;
    const t = this.truth;
    t.pt = c.ptMin + (c.ptMax - c.ptMin) * rng.uniform();
    t.y = -c.yMax + 2 * c.yMax * rng.uniform();
    t.phi = 2 * Math.PI * rng.uniform();
    t.mass = 0;
    this.partons.clear();
    if (c.process === 'w') {
      t.initiator = INITIATOR.w;
      this.showerW(rng);
    } else {
      const quark = c.process === 'quark' || (c.process === 'qcd' && rng.uniform() < c.quarkFraction);
      t.initiator = quark ? INITIATOR.quark : INITIATOR.gluon;
      this.shower.run(rng, t.pt, 0, 0, quark ? QUARK : GLUON, c.R, this.partons);
    }
    hadronize(rng, this.partons, c.twoHadronProb, this.hadrons, this.tmp);
    this.toJetCoordinates();
    const p = this.particles;
    if (c.smear) applyDetector(rng, p, c.smear, t.y, t.phi);
    if (c.cone) {
      const r2 = c.R * c.R;
      p.filter((i) => p.dy[i] * p.dy[i] + p.dphi[i] * p.dphi[i] <= r2);
    }
  }

  /** W -> q q': Breit-Wigner mass, isotropic decay in the rest frame, boost along the jet axis, two showers. */
  private showerW(rng: Rng): void {
    const t = this.truth;
    let m: number;
    do m = W_MASS + (W_WIDTH / 2) * Math.tan(Math.PI * (rng.uniform() - 0.5));
    while (Math.abs(m - W_MASS) >= W_WINDOW);
    t.mass = m;
    const e = Math.sqrt(t.pt * t.pt + m * m);
    const beta = t.pt / e;
    const gamma = e / m;
    const cosT = 2 * rng.uniform() - 1;
    const sinT = Math.sqrt(Math.max(0, 1 - cosT * cosT));
    const az = 2 * Math.PI * rng.uniform();
    const half = m / 2;
    const qx = half * cosT;
    const qy = half * sinT * Math.cos(az);
    const qz = half * sinT * Math.sin(az);
    const p1x = gamma * (qx + beta * half);
    const p2x = t.pt - p1x; // = gamma (-qx + beta half), written so that p1x + p2x = pT
    const opening = openingAngle(p1x, qy, qz, p2x, -qy, -qz);
    const start = Math.min(opening, THETA_START_CAP);
    this.shower.run(rng, p1x, qy, qz, QUARK, start, this.partons);
    this.shower.run(rng, p2x, -qy, -qz, QUARK, start, this.partons);
  }

  /** Massless hadrons (px, py, pz) in the jet frame -> (pt, dy, dphi, pid). */
  private toJetCoordinates(): void {
    const h = this.hadrons;
    const p = this.particles;
    p.reserve(h.n);
    let m = 0;
    for (let i = 0; i < h.n; i++) {
      const pt = Math.sqrt(h.px[i] * h.px[i] + h.py[i] * h.py[i]);
      if (!(pt > 0)) continue; // exactly along the beam: not a particle a detector sees
      p.pt[m] = pt;
      p.dy[m] = Math.asinh(h.pz[i] / pt); // massless: y = eta
      p.dphi[m] = Math.atan2(h.py[i], h.px[i]);
      p.pid[m] = h.tag[i];
      m++;
    }
    p.n = m;
  }
}

function openingAngle(ax: number, ay: number, az: number, bx: number, by: number, bz: number): number {
  const cx = ay * bz - az * by;
  const cy = az * bx - ax * bz;
  const cz = ax * by - ay * bx;
  return Math.atan2(Math.sqrt(cx * cx + cy * cy + cz * cz), ax * bx + ay * by + az * bz);
}
