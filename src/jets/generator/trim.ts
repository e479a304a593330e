import type { JetParticles } from './particles.js';

/**
 * Trimming (Krohn, Thaler, Wang, JHEP 02 (2010) 084) of one generated jet, in place: re-cluster its particles
 * with inclusive kT at radius rSub, drop every subjet whose pT is below fCut times the jet pT.
 *
 * The generator's own allocation-free kernel with the semantics of `jetlens groom --trim` (src/jss/groom.ts,
 * FastJet's Filter(kt_algorithm, rSub) + SelectorPtFractionMin(fCut)) on the written jets: E-scheme recombination
 * of the constituents as stored (massless, as groom reads a file without a mass column), subjet and jet pT of the
 * four-vector sums. Coordinates are relative to the jet axis (Delta R is invariant), all within R <= 1.5 of it,
 * so no phi wrapping is needed. A test compares it jet by jet with groom's reference kernel.
 */
export class Trimmer {
  private cpt = new Float64Array(128);
  private cy = new Float64Array(128);
  private cphi = new Float64Array(128);
  private ce = new Float64Array(128);
  private cpx = new Float64Array(128);
  private cpy = new Float64Array(128);
  private cpz = new Float64Array(128);
  private nnDist = new Float64Array(128);
  private nn = new Int32Array(128);
  private owner = new Int32Array(128);
  private alive = new Uint8Array(128);
  private keep = new Uint8Array(128);
  private di = new Float64Array(128);
  private r2 = 0;

  constructor(readonly rSub: number, readonly fCut: number) {}

  run(p: JetParticles): void {
    const M = p.n;
    if (M < 2) return;
    this.reserve(M);
    const { cpt, cy, cphi, owner, alive } = this;
    let px = 0, py = 0;
    const { ce, cpx, cpy, cpz } = this;
    for (let i = 0; i < M; i++) {
      cpt[i] = p.pt[i];
      cy[i] = p.dy[i];
      cphi[i] = p.dphi[i];
      owner[i] = i;
      alive[i] = 1;
      ce[i] = p.pt[i] * Math.cosh(p.dy[i]);
      cpx[i] = p.pt[i] * Math.cos(p.dphi[i]);
      cpy[i] = p.pt[i] * Math.sin(p.dphi[i]);
      cpz[i] = p.pt[i] * Math.sinh(p.dy[i]);
      px += cpx[i];
      py += cpy[i];
    }
    const ptCut = this.fCut * Math.sqrt(px * px + py * py);
    this.r2 = this.rSub * this.rSub;
    for (let i = 0; i < M; i++) this.updateNn(i, M);
    const keep = this.keep;
    keep.fill(0, 0, M);
    const di = this.di;
    for (let left = M; left > 0; left--) {
      // Smallest of d_iB = pT_i^2 and d_ij = min(pT_i^2, pT_j^2) dR_ij^2 / rSub^2 (di caches min over both per i).
      let best = -1, bestD = Infinity;
      for (let i = 0; i < M; i++) {
        if (alive[i] && di[i] < bestD) {
          bestD = di[i];
          best = i;
        }
      }
      const j = this.nn[best];
      const dB = cpt[best] * cpt[best];
      if (j < 0 || dB <= bestD) {
        alive[best] = 0;
        if (cpt[best] >= ptCut) for (let k = 0; k < M; k++) if (owner[k] === best) keep[k] = 1;
        this.refresh(best, M);
        continue;
      }
      ce[best] += ce[j];
      cpx[best] += cpx[j];
      cpy[best] += cpy[j];
      cpz[best] += cpz[j];
      cpt[best] = Math.sqrt(cpx[best] * cpx[best] + cpy[best] * cpy[best]);
      cy[best] = 0.5 * Math.log((ce[best] + cpz[best]) / (ce[best] - cpz[best]));
      cphi[best] = Math.atan2(cpy[best], cpx[best]);
      alive[j] = 0;
      for (let k = 0; k < M; k++) if (owner[k] === j) owner[k] = best;
      this.updateNn(best, M);
      this.refresh(j, M, best);
    }
    p.keepMasked(keep);
  }

  /** Nearest alive neighbour of i (geometric dR^2). */
  private updateNn(i: number, M: number): void {
    let bj = -1, bd = Infinity;
    for (let j = 0; j < M; j++) {
      if (j === i || !this.alive[j]) continue;
      const dy = this.cy[i] - this.cy[j], df = this.cphi[i] - this.cphi[j];
      const d = dy * dy + df * df;
      if (d < bd) { bd = d; bj = j; }
    }
    this.nn[i] = bj;
    this.nnDist[i] = bd;
    this.setD(i);
  }

  /** d_i = min(d_iB, d_i,nn(i)). */
  private setD(i: number): void {
    const pi = this.cpt[i] * this.cpt[i];
    const j = this.nn[i];
    if (j < 0) {
      this.di[i] = pi;
      return;
    }
    const pj = this.cpt[j] * this.cpt[j];
    this.di[i] = Math.min(pi, ((pi < pj ? pi : pj) * this.nnDist[i]) / this.r2);
  }

  /** After `gone` left (and `changed` moved), recompute the neighbours that pointed at them or now sit closer. */
  private refresh(gone: number, M: number, changed = -1): void {
    for (let i = 0; i < M; i++) {
      if (!this.alive[i] || i === changed) continue;
      if (this.nn[i] === gone || this.nn[i] === changed) this.updateNn(i, M);
      else if (changed >= 0) {
        const dy = this.cy[i] - this.cy[changed], df = this.cphi[i] - this.cphi[changed];
        const d = dy * dy + df * df;
        if (d < this.nnDist[i]) {
          this.nn[i] = changed;
          this.nnDist[i] = d;
          this.setD(i);
        }
      }
    }
  }

  private reserve(M: number): void {
    if (M <= this.cpt.length) return;
    let cap = this.cpt.length;
    while (cap < M) cap *= 2;
    this.cpt = new Float64Array(cap);
    this.cy = new Float64Array(cap);
    this.cphi = new Float64Array(cap);
    this.ce = new Float64Array(cap);
    this.cpx = new Float64Array(cap);
    this.cpy = new Float64Array(cap);
    this.cpz = new Float64Array(cap);
    this.nnDist = new Float64Array(cap);
    this.nn = new Int32Array(cap);
    this.owner = new Int32Array(cap);
    this.alive = new Uint8Array(cap);
    this.keep = new Uint8Array(cap);
    this.di = new Float64Array(cap);
  }
}
