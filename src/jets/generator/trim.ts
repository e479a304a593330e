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
  // Per cluster id (a cluster keeps the id of the particle it started from).
  private cpt = new Float64Array(128);
  private ce = new Float64Array(128);
  private cpx = new Float64Array(128);
  private cpy = new Float64Array(128);
  private cpz = new Float64Array(128);
  private pos = new Int32Array(128);
  private head = new Int32Array(128);
  private tail = new Int32Array(128);
  private next = new Int32Array(128);
  private keep = new Uint8Array(128);
  /** 1 while cluster i is still particle i and its E, pz have not been computed (see energyOf). */
  private lazy = new Uint8Array(128);
  // Per position in the active list (an active cluster's row moves when another leaves: swap with the last), so the
  // O(n) scans of every step read contiguous arrays. Same list order, same ties as an id-indexed version.
  private ay = new Float64Array(128);
  private aphi = new Float64Array(128);
  /** d_i = min(d_iB, d_i,nn(i)) of the cluster at each position. */
  private adi = new Float64Array(128);
  /** Its nearest neighbour (id) and their dR^2. */
  private ann = new Int32Array(128);
  private annd = new Float64Array(128);
  private aid = new Int32Array(128);
  private na = 0;
  private r2 = 0;
  /** refresh()'s by-product: the position with the smallest adi (the first of equals) and that adi. */
  private bestA = -1;
  private bestD = Infinity;

  constructor(readonly rSub: number, readonly fCut: number) {}

  run(p: JetParticles): void {
    const M = p.n;
    if (M < 2) return;
    this.reserve(M);
    const { cpt, cpx, cpy, pos, head, tail, next, keep, lazy, ay, aphi, aid } = this;
    let px = 0, py = 0;
    for (let i = 0; i < M; i++) {
      cpt[i] = p.pt[i];
      cpx[i] = p.pt[i] * Math.cos(p.dphi[i]);
      cpy[i] = p.pt[i] * Math.sin(p.dphi[i]);
      px += cpx[i];
      py += cpy[i];
      pos[i] = i;
      head[i] = i;
      tail[i] = i;
      next[i] = -1;
      keep[i] = 0;
      lazy[i] = 1;
      ay[i] = p.dy[i];
      aphi[i] = p.dphi[i];
      aid[i] = i;
    }
    this.na = M;
    const ptCut = this.fCut * Math.sqrt(px * px + py * py);
    this.r2 = this.rSub * this.rSub;
    this.initNn(M);
    this.cluster(p, ptCut);
    p.keepMasked(keep);
  }

  /** The kT clustering proper: each step merges the closest pair or retires a subjet (kept if pT >= ptCut). */
  private cluster(p: JetParticles, ptCut: number): void {
    const { cpt, ce, cpx, cpy, cpz, pos, head, tail, next, keep, adi, aid, ann, ay, aphi } = this;
    // Smallest of d_iB = pT_i^2 and d_ij = min(pT_i^2, pT_j^2) dR_ij^2 / rSub^2 (adi caches min over both per i):
    // the first position with the smallest adi; after the first step refresh() finds it in its own pass.
    let bestA = -1, bestD = Infinity;
    for (let a = 0; a < this.na; a++) {
      if (adi[a] < bestD) {
        bestD = adi[a];
        bestA = a;
      }
    }
    while (this.na > 0) {
      const best = aid[bestA];
      const j = ann[bestA];
      if (j < 0 || cpt[best] * cpt[best] <= bestD) {
        this.removeAt(bestA);
        if (cpt[best] >= ptCut) for (let k = head[best]; k >= 0; k = next[k]) keep[k] = 1;
        this.refresh(best, -1);
        bestA = this.bestA;
        bestD = this.bestD;
        continue;
      }
      this.energyOf(p, best);
      this.energyOf(p, j);
      ce[best] += ce[j];
      cpx[best] += cpx[j];
      cpy[best] += cpy[j];
      cpz[best] += cpz[j];
      cpt[best] = Math.sqrt(cpx[best] * cpx[best] + cpy[best] * cpy[best]);
      const yb = 0.5 * Math.log((ce[best] + cpz[best]) / (ce[best] - cpz[best]));
      const fb = Math.atan2(cpy[best], cpx[best]);
      next[tail[best]] = head[j];
      tail[best] = tail[j];
      this.removeAt(pos[j]);
      const ab = pos[best];
      ay[ab] = yb;
      aphi[ab] = fb;
      this.updateNn(ab);
      this.refresh(j, best);
      bestA = this.bestA;
      bestD = this.bestD;
    }
  }

  /**
   * E and pz of a cluster that is still one particle, computed when it first merges (same expressions as an eager
   * loop: E = pT cosh y, pz = pT sinh y): most particles of a jet never merge at R_sub.
   */
  private energyOf(p: JetParticles, i: number): void {
    if (this.lazy[i] === 0) return;
    this.lazy[i] = 0;
    this.ce[i] = p.pt[i] * Math.cosh(p.dy[i]);
    this.cpz[i] = p.pt[i] * Math.sinh(p.dy[i]);
  }

  /**
   * Every particle's nearest neighbour (smallest dR^2, ties: lower id), each pair's distance computed once: the
   * result is a lexicographic minimum over (dR^2, id), the same whatever the order of the scan.
   */
  private initNn(M: number): void {
    const { ay, aphi, ann, annd } = this;
    for (let i = 0; i < M; i++) {
      ann[i] = -1;
      annd[i] = Infinity;
    }
    for (let i = 0; i < M; i++) {
      const yi = ay[i], fi = aphi[i];
      let bj = ann[i], bd = annd[i];
      for (let j = i + 1; j < M; j++) {
        const dy = yi - ay[j], df = fi - aphi[j];
        const d = dy * dy + df * df;
        if (d < bd || (d === bd && j < bj)) { bd = d; bj = j; }
        if (d < annd[j] || (d === annd[j] && i < ann[j])) { annd[j] = d; ann[j] = i; }
      }
      ann[i] = bj;
      annd[i] = bd;
    }
    for (let a = 0; a < M; a++) this.setD(a);
  }

  /** Takes the cluster at position a out of the active list (the last one moves into its place). */
  private removeAt(a: number): void {
    const last = --this.na;
    if (a === last) return;
    const { ay, aphi, adi, ann, annd, aid } = this;
    ay[a] = ay[last];
    aphi[a] = aphi[last];
    adi[a] = adi[last];
    ann[a] = ann[last];
    annd[a] = annd[last];
    aid[a] = aid[last];
    this.pos[aid[a]] = a;
  }

  /** Nearest active neighbour of the cluster at position ai (geometric dR^2; ties: lower id). */
  private updateNn(ai: number): void {
    let bj = -1, bd = Infinity;
    const { ay, aphi, aid } = this;
    const yi = ay[ai], fi = aphi[ai];
    for (let a = 0; a < this.na; a++) {
      if (a === ai) continue;
      const dy = yi - ay[a], df = fi - aphi[a];
      const d = dy * dy + df * df;
      if (d < bd || (d === bd && aid[a] < bj)) { bd = d; bj = aid[a]; }
    }
    this.ann[ai] = bj;
    this.annd[ai] = bd;
    this.setD(ai);
  }

  /** d_i = min(d_iB, d_i,nn(i)) for the cluster at position a. */
  private setD(a: number): void {
    const pi = this.cpt[this.aid[a]] * this.cpt[this.aid[a]];
    const j = this.ann[a];
    if (j < 0) {
      this.adi[a] = pi;
      return;
    }
    const pj = this.cpt[j] * this.cpt[j];
    this.adi[a] = Math.min(pi, ((pi < pj ? pi : pj) * this.annd[a]) / this.r2);
  }

  /**
   * After `gone` left (and `changed` moved; -1: none), recompute the neighbours that pointed at them (or had none)
   * or now sit closer to `changed`.
   */
  private refresh(gone: number, changed: number): void {
    const { ay, aphi, ann, annd, adi } = this;
    const ac = changed >= 0 ? this.pos[changed] : -1;
    const yc = changed >= 0 ? ay[ac] : 0, fc = changed >= 0 ? aphi[ac] : 0;
    // Also the next step's choice: each position's adi is final once visited (updates touch only their own row),
    // so the first position with the smallest adi is the one a separate scan after this loop would find.
    let bestA = -1, bestD = Infinity;
    for (let a = 0; a < this.na; a++) {
      if (a !== ac) {
        const nj = ann[a];
        if (nj === gone || nj === changed) this.updateNn(a);
        else if (changed >= 0) {
          const dy = ay[a] - yc, df = aphi[a] - fc;
          const d = dy * dy + df * df;
          if (d < annd[a]) {
            ann[a] = changed;
            annd[a] = d;
            this.setD(a);
          }
        }
      }
      if (adi[a] < bestD) {
        bestD = adi[a];
        bestA = a;
      }
    }
    this.bestA = bestA;
    this.bestD = bestD;
  }

  private reserve(M: number): void {
    if (M <= this.cpt.length) return;
    let cap = this.cpt.length;
    while (cap < M) cap *= 2;
    const f = () => new Float64Array(cap), n = () => new Int32Array(cap), b = () => new Uint8Array(cap);
    this.cpt = f(); this.ce = f(); this.cpx = f(); this.cpy = f(); this.cpz = f();
    this.pos = n(); this.head = n(); this.tail = n(); this.next = n();
    this.keep = b(); this.lazy = b();
    this.ay = f(); this.aphi = f(); this.adi = f(); this.annd = f();
    this.ann = n(); this.aid = n();
  }
}
