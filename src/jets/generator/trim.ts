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
  private act = new Int32Array(128);
  private pos = new Int32Array(128);
  private head = new Int32Array(128);
  private tail = new Int32Array(128);
  private next = new Int32Array(128);
  private na = 0;
  private keep = new Uint8Array(128);
  private di = new Float64Array(128);
  private r2 = 0;

  constructor(readonly rSub: number, readonly fCut: number) {}

  run(p: JetParticles): void {
    const M = p.n;
    if (M < 2) return;
    this.reserve(M);
    const { cpt, cy, cphi, ce, cpx, cpy, cpz, act, pos, head, tail, next, keep, di } = this;
    let px = 0, py = 0;
    for (let i = 0; i < M; i++) {
      cpt[i] = p.pt[i];
      cy[i] = p.dy[i];
      cphi[i] = p.dphi[i];
      ce[i] = p.pt[i] * Math.cosh(p.dy[i]);
      cpx[i] = p.pt[i] * Math.cos(p.dphi[i]);
      cpy[i] = p.pt[i] * Math.sin(p.dphi[i]);
      cpz[i] = p.pt[i] * Math.sinh(p.dy[i]);
      px += cpx[i];
      py += cpy[i];
      act[i] = i;
      pos[i] = i;
      head[i] = i;
      tail[i] = i;
      next[i] = -1;
      keep[i] = 0;
    }
    this.na = M;
    const ptCut = this.fCut * Math.sqrt(px * px + py * py);
    this.r2 = this.rSub * this.rSub;
    for (let i = 0; i < M; i++) this.updateNn(i);
    while (this.na > 0) {
      // Smallest of d_iB = pT_i^2 and d_ij = min(pT_i^2, pT_j^2) dR_ij^2 / rSub^2 (di caches min over both per i).
      let best = -1, bestD = Infinity;
      for (let a = 0; a < this.na; a++) {
        const i = act[a];
        if (di[i] < bestD) {
          bestD = di[i];
          best = i;
        }
      }
      const j = this.nn[best];
      if (j < 0 || cpt[best] * cpt[best] <= bestD) {
        this.remove(best);
        if (cpt[best] >= ptCut) for (let k = head[best]; k >= 0; k = next[k]) keep[k] = 1;
        this.refresh(best);
        continue;
      }
      ce[best] += ce[j];
      cpx[best] += cpx[j];
      cpy[best] += cpy[j];
      cpz[best] += cpz[j];
      cpt[best] = Math.sqrt(cpx[best] * cpx[best] + cpy[best] * cpy[best]);
      cy[best] = 0.5 * Math.log((ce[best] + cpz[best]) / (ce[best] - cpz[best]));
      cphi[best] = Math.atan2(cpy[best], cpx[best]);
      next[tail[best]] = head[j];
      tail[best] = tail[j];
      this.remove(j);
      this.updateNn(best);
      this.refresh(j, best);
    }
    p.keepMasked(keep);
  }

  /** Takes cluster i out of the active list (swap with the last). */
  private remove(i: number): void {
    const a = this.pos[i];
    const last = this.act[--this.na];
    this.act[a] = last;
    this.pos[last] = a;
  }

  /** Nearest active neighbour of i (geometric dR^2). */
  private updateNn(i: number): void {
    let bj = -1, bd = Infinity;
    const { act, cy, cphi } = this;
    const yi = cy[i], fi = cphi[i];
    for (let a = 0; a < this.na; a++) {
      const j = act[a];
      if (j === i) continue;
      const dy = yi - cy[j], df = fi - cphi[j];
      const d = dy * dy + df * df;
      if (d < bd || (d === bd && j < bj)) { bd = d; bj = j; }
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
  private refresh(gone: number, changed = -1): void {
    const { act, cy, cphi, nn, nnDist } = this;
    for (let a = 0; a < this.na; a++) {
      const i = act[a];
      if (i === changed) continue;
      if (nn[i] === gone || nn[i] === changed) this.updateNn(i);
      else if (changed >= 0) {
        const dy = cy[i] - cy[changed], df = cphi[i] - cphi[changed];
        const d = dy * dy + df * df;
        if (d < nnDist[i]) {
          nn[i] = changed;
          nnDist[i] = d;
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
    this.act = new Int32Array(cap);
    this.pos = new Int32Array(cap);
    this.head = new Int32Array(cap);
    this.tail = new Int32Array(cap);
    this.next = new Int32Array(cap);
    this.keep = new Uint8Array(cap);
    this.di = new Float64Array(cap);
  }
}
