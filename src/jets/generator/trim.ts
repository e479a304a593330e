import type { JetParticles } from './particles.js';

/**
 * Trimming (Krohn, Thaler, Wang, JHEP 02 (2010) 084) of one generated jet, in place: re-cluster its particles
 * with inclusive kT at radius rSub, drop every subjet whose pT is below fCut times the jet pT.
 *
 * This is the generator's own small kernel (pT-scheme recombination: subjet pT is the scalar sum, its axis the
 * pT-weighted (y, phi) centroid; all particles are within R <= 1.5 of the axis, so no phi wrapping is needed).
 * The jets-level operation for users' jets is `jetlens groom` (src/jss/groom.ts); this one keeps the generator's
 * hot loop free of allocations. O(M^2) per jet with a nearest-neighbour cache.
 */
export class Trimmer {
  private cpt = new Float64Array(128);
  private cy = new Float64Array(128);
  private cphi = new Float64Array(128);
  private nnDist = new Float64Array(128);
  private nn = new Int32Array(128);
  private owner = new Int32Array(128);
  private alive = new Uint8Array(128);
  private keep = new Uint8Array(128);

  constructor(readonly rSub: number, readonly fCut: number) {}

  run(p: JetParticles): void {
    const M = p.n;
    if (M < 2) return;
    this.reserve(M);
    const { cpt, cy, cphi, owner, alive } = this;
    let px = 0, py = 0;
    for (let i = 0; i < M; i++) {
      cpt[i] = p.pt[i];
      cy[i] = p.dy[i];
      cphi[i] = p.dphi[i];
      owner[i] = i;
      alive[i] = 1;
      px += p.pt[i] * Math.cos(p.dphi[i]);
      py += p.pt[i] * Math.sin(p.dphi[i]);
    }
    const ptCut = this.fCut * Math.sqrt(px * px + py * py);
    for (let i = 0; i < M; i++) this.updateNn(i, M);
    const keep = this.keep;
    keep.fill(0, 0, M);
    const r2 = this.rSub * this.rSub;
    for (let left = M; left > 0; left--) {
      // Smallest of d_iB = pT_i^2 and d_ij = min(pT_i^2, pT_j^2) dR_ij^2 / rSub^2.
      let best = -1, bestD = Infinity, beam = false;
      for (let i = 0; i < M; i++) {
        if (!alive[i]) continue;
        const dB = cpt[i] * cpt[i];
        const dij = this.nn[i] >= 0 ? Math.min(dB, cpt[this.nn[i]] * cpt[this.nn[i]]) * this.nnDist[i] / r2 : Infinity;
        if (dB < bestD) { bestD = dB; best = i; beam = true; }
        if (dij < bestD) { bestD = dij; best = i; beam = false; }
      }
      if (beam) {
        alive[best] = 0;
        if (cpt[best] >= ptCut) for (let k = 0; k < M; k++) if (owner[k] === best) keep[k] = 1;
        this.refresh(best, M);
        continue;
      }
      const j = this.nn[best];
      const s = cpt[best] + cpt[j];
      cy[best] = (cpt[best] * cy[best] + cpt[j] * cy[j]) / s;
      cphi[best] = (cpt[best] * cphi[best] + cpt[j] * cphi[j]) / s;
      cpt[best] = s;
      alive[j] = 0;
      for (let k = 0; k < M; k++) if (owner[k] === j) owner[k] = best;
      this.updateNn(best, M);
      this.refresh(j, M, best);
    }
    p.filter((i) => keep[i] === 1);
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
  }

  /** After `gone` left (and `changed` moved), recompute the neighbours that pointed at them or now sit closer. */
  private refresh(gone: number, M: number, changed = -1): void {
    for (let i = 0; i < M; i++) {
      if (!this.alive[i] || i === changed) continue;
      if (this.nn[i] === gone || this.nn[i] === changed) this.updateNn(i, M);
      else if (changed >= 0) {
        const dy = this.cy[i] - this.cy[changed], df = this.cphi[i] - this.cphi[changed];
        const d = dy * dy + df * df;
        if (d < this.nnDist[i]) { this.nn[i] = changed; this.nnDist[i] = d; }
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
    this.nnDist = new Float64Array(cap);
    this.nn = new Int32Array(cap);
    this.owner = new Int32Array(cap);
    this.alive = new Uint8Array(cap);
    this.keep = new Uint8Array(cap);
  }
}
