import type { RandomStream as Rng } from './rng.js';
import { boostAll, rescaleTo, sumFourMomentum } from './conserve.js';
import { applyDetector, applyTowers, towersFromMomenta } from './detector.js';
import { fragment } from './fragment.js';
import { hadronize } from './hadronize.js';
import { decayPi0s } from './hadrons.js';
import { MomentumList } from './momenta.js';
import type { GeneratorConfig } from './options.js';
import { JetParticles } from './particles.js';
import { GLUON, QUARK, Shower } from './shower.js';
import type { Trimmer } from './trim.js';
import { NativeTrimmer } from './trim-native.js';
import { addUnderlyingEvent } from './ue.js';

export const W_MASS = 80.4;
export const W_WIDTH = 2.1;
/** The Breit-Wigner is truncated to |m - m_W| < W_WINDOW (redrawn outside). */
export const W_WINDOW = 10 * W_WIDTH;
/** Largest shower start angle for a W's quarks (the small-angle shower means nothing near 90 degrees). */
export const THETA_START_CAP = 1.5;
/** Tag of the QCD jet's colour partner in the fragmentation input: not fragmented (fragment.ts skips it). */
export const ANCHOR = -1;

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
  private readonly work = new MomentumList();
  /** The C++-assisted trimmer when the addon is built, else trim.ts's (the same kept particles). */
  private readonly trimmer: Trimmer | NativeTrimmer | null;
  /** The QCD jet's colour partner (see makeV2), before and after hadronisation: [E, px, py, pz]. */
  readonly anchorIn = new Float64Array(4);
  readonly anchorOut = new Float64Array(4);
  /** Four-momentum of the final partons (after the W recoil), [E, px, py, pz]. */
  readonly partonSum = new Float64Array(4);
  /** The W's quark and antiquark 3-momenta before the shower (jet frame), for tests of the colour structure. */
  readonly wQuarks = new Float64Array(6);
  /** Jets whose singlet could not be rescaled (hadron masses above the singlet mass): kept unrescaled. */
  unbalanced = 0;

  constructor(private readonly cfg: GeneratorConfig) {
    this.shower = new Shower(cfg.emissionScale, cfg.ktCut);
    this.trimmer = cfg.trim ? NativeTrimmer.create(cfg.trim.rSub, cfg.trim.fCut) : null;
  }

  /** Generates one jet from its own random stream; the result is in `particles` (sorted later) and `truth`. */
  make(rng: Rng): void {
    if (this.cfg.hadronize === 'none') this.makeV1(rng);
    else this.makeV2(rng);
  }

  /**
   * v2: shower (W: recoil inside the q q' singlet keeps its mass), fragmentation with exact four-momentum
   * conservation per colour singlet, pi0 decays, optional UE, towers, cone, trimming.
   * A QCD jet is not a singlet by itself: its colour partner is modelled by a massless anchor along the beam
   * (energy = jet pT, forward or backward at random) that takes part in the singlet's recoil and is then dropped,
   * as the rest of the event is.
   */
  private makeV2(rng: Rng): void {
    const c = this.cfg;
    const t = this.truth;
    t.pt = c.ptMin + (c.ptMax - c.ptMin) * rng.uniform();
    t.y = -c.yMax + 2 * c.yMax * rng.uniform();
    t.phi = 2 * Math.PI * rng.uniform();
    t.mass = 0;
    const partons = this.partons;
    partons.clear();
    const w = c.process === 'w';
    if (w) {
      t.initiator = INITIATOR.w;
      this.showerW(rng);
      rescaleTo(partons, 0, partons.n, Math.sqrt(t.pt * t.pt + t.mass * t.mass), t.pt, 0, 0);
    } else {
      const quark = c.process === 'quark' || (c.process === 'qcd' && rng.uniform() < c.quarkFraction);
      t.initiator = quark ? INITIATOR.quark : INITIATOR.gluon;
      this.shower.run(rng, t.pt, 0, 0, quark ? QUARK : GLUON, c.R, partons);
    }
    sumFourMomentum(partons, 0, partons.n, this.partonSum);
    let final = partons;
    if (c.hadronize === 'partons') {
      for (let i = 0; i < partons.n; i++) partons.tag[i] = partons.tag[i] === QUARK ? 1 : 21;
    } else {
      this.hadronizeSinglet(rng, w);
      final = this.hadrons;
    }
    const p = this.particles;
    if (c.towers > 0 && !c.underlyingEvent && !c.smear) {
      // Nothing moves the particles before the towers: straight from the momenta to the towers (same bytes).
      towersFromMomenta(rng, final, p, c.towers, t.y, t.phi, c.calorimeter, c.towerPosition);
    } else {
      this.toJetCoordinates(final);
      if (c.underlyingEvent) addUnderlyingEvent(rng, p, c.underlyingEvent.density, c.underlyingEvent.ptMean, c.R);
      if (c.smear) applyDetector(rng, p, c.smear, t.y, t.phi);
      if (c.towers > 0) applyTowers(rng, p, c.towers, t.y, t.phi, c.calorimeter, c.towerPosition);
    }
    if (c.cone) p.keepInCone(c.R * c.R);
    if (this.trimmer) this.trimmer.run(p);
  }

  /**
   * Fragments the partons in the rest frame of their colour singlet (W: the W; QCD: partons + anchor) and restores
   * the singlet's four-momentum exactly there, then boosts back. Fragmenting in the singlet frame rather than the
   * lab keeps the hadrons' transverse kicks where a string would put them (boost-invariant, unlike lab-frame
   * independent fragmentation, which sprays soft hadrons to wide lab angles).
   */
  private hadronizeSinglet(rng: Rng, w: boolean): void {
    const h = this.hadrons;
    const s = this.partonSum;
    const a = this.anchorIn;
    if (w) a.fill(0);
    else {
      const ea = this.truth.pt;
      a[0] = ea;
      a[1] = 0;
      a[2] = 0;
      a[3] = rng.uniform() < 0.5 ? ea : -ea;
    }
    const tE = s[0] + a[0], tx = s[1] + a[1], ty = s[2] + a[2], tz = s[3] + a[3];
    const work = this.work;
    work.clear();
    for (let i = 0; i < this.partons.n; i++) work.push(this.partons.px[i], this.partons.py[i], this.partons.pz[i], this.partons.tag[i]);
    if (!w) work.push(a[1], a[2], a[3], ANCHOR);
    boostAll(work, 0, work.n, -tx / tE, -ty / tE, -tz / tE);
    h.clear();
    fragment(rng, work, this.cfg.fragmentation, h);
    if (!w) h.push(work.px[work.n - 1], work.py[work.n - 1], work.pz[work.n - 1], ANCHOR, 0);
    const n = h.n;
    if (!rescaleTo(h, 0, n, tE, tx, ty, tz)) this.unbalanced++;
    if (!w) {
      const last = n - 1;
      this.anchorOut[0] = h.e(last);
      this.anchorOut[1] = h.px[last];
      this.anchorOut[2] = h.py[last];
      this.anchorOut[3] = h.pz[last];
      h.n = last;
    } else this.anchorOut.fill(0);
    decayPi0s(rng, h, 0);
  }

  /** v1 (option hadronize 'none'): the first generator, byte for byte. */
  private makeV1(rng: Rng): void {
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
    this.toJetCoordinates(this.hadrons);
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
    const d = this.wQuarks;
    d[0] = p1x;
    d[1] = qy;
    d[2] = qz;
    d[3] = p2x;
    d[4] = -qy;
    d[5] = -qz;
    const start = Math.min(opening, THETA_START_CAP);
    this.shower.run(rng, p1x, qy, qz, QUARK, start, this.partons);
    this.shower.run(rng, p2x, -qy, -qz, QUARK, start, this.partons);
  }

  /** Hadrons (px, py, pz, m) in the jet frame -> (pt, dy, dphi, pid); dy is the rapidity (massive hadrons too). */
  private toJetCoordinates(h: MomentumList): void {
    const p = this.particles;
    p.reserve(h.n);
    let m = 0;
    for (let i = 0; i < h.n; i++) {
      const pt = Math.sqrt(h.px[i] * h.px[i] + h.py[i] * h.py[i]);
      if (!(pt > 0)) continue; // exactly along the beam: not a particle a detector sees
      p.pt[m] = pt;
      const mass = h.m[i];
      p.dy[m] = Math.asinh(h.pz[i] / (mass === 0 ? pt : Math.sqrt(pt * pt + mass * mass))); // y = asinh(pz / mT)
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
