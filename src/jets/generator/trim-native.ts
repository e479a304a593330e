import { loadNative, type NativeAddon } from '../../backend/native.js';
import type { JetParticles } from './particles.js';
import { Trimmer } from './trim.js';

/** Header slots and column order shared with native/gen_trim.cc. */
const F_HEAD = 2, I_HEAD = 2;

/**
 * Trimmer (trim.ts, the reference) with the kT bookkeeping in C++ (native/gen_trim.cc): the addon runs the
 * clustering steps and hands back each merge, whose arithmetic (E-scheme sums, pT, and the new cluster's y and phi
 * by Math.log and Math.atan2) is done here exactly as trim.ts does it, so the kept particles are the same, bit for
 * bit (glibc's log/atan2 differ from V8's in the last bit, which could flip a tie). Every transcendental input
 * (cos, sin of the particles' azimuths; cosh, sinh of the rapidities of those that merge) is computed here too.
 * test/generator-trim-native.test.ts compares it with Trimmer jet by jet.
 */
export class NativeTrimmer {
  private cap = 0;
  /** [y, phi of the merged cluster | cpt by id | ay | aphi | adi | annd by position] (gen_trim.cc). */
  private F = new Float64Array(0);
  /** [best, j | pos | head | tail | next | keep by id | ann | aid by position]. */
  private I = new Int32Array(0);
  private ce = new Float64Array(0);
  private cpx = new Float64Array(0);
  private cpy = new Float64Array(0);
  private cpz = new Float64Array(0);
  private lazy = new Uint8Array(0);
  private keep = new Uint8Array(0);

  /** The addon's entry points, read once (the addon's exports object is a slow dictionary lookup per call). */
  private readonly start: (F: Float64Array, I: Int32Array, M: number, cap: number, ptCut: number, r2: number) => number;
  private readonly resume: () => number;

  private constructor(
    readonly rSub: number,
    readonly fCut: number,
    addon: NativeAddon,
  ) {
    this.start = addon.genTrimStart;
    this.resume = addon.genTrimResume;
    this.reserve(128);
  }

  /** The native trimmer when the addon has it, else the TypeScript one (same output). */
  static create(rSub: number, fCut: number): NativeTrimmer | Trimmer {
    const n = loadNative();
    return n && typeof n.genTrimStart === 'function' ? new NativeTrimmer(rSub, fCut, n) : new Trimmer(rSub, fCut);
  }

  run(p: JetParticles): void {
    const M = p.n;
    if (M < 2) return;
    this.reserve(M);
    const { F, I, cpx, cpy, lazy, cap } = this;
    const AY = F_HEAD + cap, APHI = AY + cap;
    let px = 0, py = 0;
    for (let i = 0; i < M; i++) {
      const pt = p.pt[i];
      F[F_HEAD + i] = pt;
      cpx[i] = pt * Math.cos(p.dphi[i]);
      cpy[i] = pt * Math.sin(p.dphi[i]);
      px += cpx[i];
      py += cpy[i];
      lazy[i] = 1;
      F[AY + i] = p.dy[i];
      F[APHI + i] = p.dphi[i];
    }
    const ptCut = this.fCut * Math.sqrt(px * px + py * py);
    const resume = this.resume;
    let due = this.start(F, I, M, cap, ptCut, this.rSub * this.rSub);
    while (due === 1) {
      this.merge(p, I[0], I[1]);
      due = resume();
    }
    const keep = this.keep, KEEP = I_HEAD + 4 * cap;
    for (let i = 0; i < M; i++) keep[i] = I[KEEP + i];
    p.keepMasked(keep);
  }

  /** Trimmer.cluster's merge arithmetic for clusters best <- j; the new y, phi go to the header for the addon. */
  private merge(p: JetParticles, best: number, j: number): void {
    const { F, ce, cpx, cpy, cpz } = this;
    this.energyOf(p, best);
    this.energyOf(p, j);
    ce[best] += ce[j];
    cpx[best] += cpx[j];
    cpy[best] += cpy[j];
    cpz[best] += cpz[j];
    F[F_HEAD + best] = Math.sqrt(cpx[best] * cpx[best] + cpy[best] * cpy[best]);
    F[0] = 0.5 * Math.log((ce[best] + cpz[best]) / (ce[best] - cpz[best]));
    F[1] = Math.atan2(cpy[best], cpx[best]);
  }

  /** As Trimmer.energyOf: E = pT cosh y, pz = pT sinh y of a cluster that is still one particle. */
  private energyOf(p: JetParticles, i: number): void {
    if (this.lazy[i] === 0) return;
    this.lazy[i] = 0;
    this.ce[i] = p.pt[i] * Math.cosh(p.dy[i]);
    this.cpz[i] = p.pt[i] * Math.sinh(p.dy[i]);
  }

  private reserve(M: number): void {
    if (M <= this.cap) return;
    let cap = Math.max(128, this.cap);
    while (cap < M) cap *= 2;
    this.cap = cap;
    this.F = new Float64Array(F_HEAD + 5 * cap);
    this.I = new Int32Array(I_HEAD + 7 * cap);
    this.ce = new Float64Array(cap);
    this.cpx = new Float64Array(cap);
    this.cpy = new Float64Array(cap);
    this.cpz = new Float64Array(cap);
    this.lazy = new Uint8Array(cap);
    this.keep = new Uint8Array(cap);
  }
}
