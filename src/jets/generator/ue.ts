import type { RandomStream as Rng } from './rng.js';
import { PDG } from './hadrons.js';
import type { JetParticles } from './particles.js';

/**
 * Underlying event / pile-up (off by default): soft particles uniform in (y, phi), a Poisson number per unit
 * area, exponentially falling pT. Only the disc of radius R around the jet axis is filled (the rest of the event is
 * never written), so a jet of radius R receives on average density * pi R^2 of them before any cut.
 */
export interface UnderlyingEventOptions {
  /** Mean number of particles per unit (y, phi) area (e.g. 10 for a mild UE; pile-up is about 10 per vertex). */
  density: number;
  /** Mean pT of the exponential pT spectrum (GeV; default 0.6). */
  ptMean?: number;
}

/** Appends the UE particles (pi+, pi-, photons at pi0 ratio 1:1:2) to `p` in jet coordinates. */
export function addUnderlyingEvent(rng: Rng, p: JetParticles, density: number, ptMean: number, R: number): void {
  const mean = density * Math.PI * R * R;
  // Poisson count by unit-rate arrivals (exact, O(mean) draws).
  let count = 0;
  for (let t = -Math.log(1 - rng.uniform()); t < mean; t -= Math.log(1 - rng.uniform())) count++;
  p.reserve(p.n + count);
  for (let k = 0; k < count; k++) {
    const r = R * Math.sqrt(rng.uniform());
    const a = 2 * Math.PI * rng.uniform();
    const i = p.n++;
    p.pt[i] = -ptMean * Math.log(1 - rng.uniform());
    p.dy[i] = r * Math.cos(a);
    p.dphi[i] = r * Math.sin(a);
    const u = rng.uniform();
    p.pid[i] = u < 0.25 ? PDG.piPlus : u < 0.5 ? -PDG.piPlus : PDG.photon;
  }
}
