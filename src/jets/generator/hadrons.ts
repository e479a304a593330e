/**
 * The hadron species the fragmentation makes, with PDG ids and masses (GeV, src/jets/pdg.ts), and pi0 -> 2 gamma.
 * Everything else (K0_S, K0_L, K+-, p, n and antiparticles) is treated as stable, as detector-level samples do.
 */
import type { RandomStream as Rng } from './rng.js';
import type { MomentumList } from './momenta.js';
import { PDG_MASSES } from '../pdg.js';

export const PDG = {
  photon: 22,
  pi0: 111,
  piPlus: 211,
  kPlus: 321,
  k0L: 130,
  k0S: 310,
  proton: 2212,
  neutron: 2112,
} as const;

/** Mass of a PDG id this generator makes (antiparticles by |id|), from jetlens's one PDG table (src/jets/pdg.ts);
 * 0 for ids it does not have (towers: 0, partons). */
export function massOf(pid: number): number {
  const a = Math.abs(pid);
  return a < SMALL_IDS ? (SMALL_MASS[a] ?? 0) : (PDG_MASSES[a] ?? 0);
}

/** Masses of the ids below SMALL_IDS (every hadron made here) in a typed array: the tower loop calls massOf per
 * hadron, and a typed-array read is several times cheaper than the keyed lookup. Same numbers as PDG_MASSES. */
const SMALL_IDS = 4096;
const SMALL_MASS = new Float64Array(SMALL_IDS);
for (const [id, m] of Object.entries(PDG_MASSES)) if (Number(id) >= 0 && Number(id) < SMALL_IDS) SMALL_MASS[Number(id)] = m;

/** Quark flavours of the fragmentation chain (PDG quark codes). */
export const D = 1;
export const U = 2;
export const S = 3;

/**
 * The meson made of quark q and antiquark of flavour qb (lightest pseudoscalar only: no vector mesons, no eta).
 * Neutral kaons come out as K0_S or K0_L with equal probability (the rng decides).
 */
export function mesonId(q: number, qb: number, rng: Rng): number {
  if (q === qb) return PDG.pi0; // u ubar, d dbar (s sbar is never made: see fragment.ts)
  if (q === U && qb === D) return PDG.piPlus;
  if (q === D && qb === U) return -PDG.piPlus;
  if (q === U && qb === S) return PDG.kPlus;
  if (q === S && qb === U) return -PDG.kPlus;
  return rng.nextUint32() < 0x80000000 ? PDG.k0S : PDG.k0L; // d sbar, s dbar
}

/**
 * Replaces every pi0 in [a, list.n) by its two photons (isotropic in the pi0 rest frame): exact four-momentum
 * conservation per decay, so a singlet's sum is unchanged.
 */
export function decayPi0s(rng: Rng, list: MomentumList, a: number): void {
  const n = list.n;
  const half = massOf(PDG.pi0) / 2;
  for (let i = a; i < n; i++) {
    if (list.tag[i] !== PDG.pi0) continue;
    const px = list.px[i], py = list.py[i], pz = list.pz[i];
    const e = list.e(i);
    const m = list.m[i];
    // Photon direction in the rest frame.
    const c = 2 * rng.uniform() - 1;
    const s = Math.sqrt(Math.max(0, 1 - c * c));
    const f = 2 * Math.PI * rng.uniform();
    const kx = half * s * Math.cos(f), ky = half * s * Math.sin(f), kz = half * c;
    // Boost (half, k) by beta = p / e, gamma = e / m: k' = k + [(p.k) / (m (e + m)) + half / m] p.
    const coef = (px * kx + py * ky + pz * kz) / (m * (e + m)) + half / m;
    const ax = kx + coef * px, ay = ky + coef * py, az = kz + coef * pz;
    list.px[i] = ax;
    list.py[i] = ay;
    list.pz[i] = az;
    list.m[i] = 0;
    list.tag[i] = PDG.photon;
    const o = list.add();
    list.px[o] = px - ax;
    list.py[o] = py - ay;
    list.pz[o] = pz - az;
    list.m[o] = 0;
    list.tag[o] = PDG.photon;
  }
}
