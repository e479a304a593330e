/**
 * The particles of one jet in hadron-collider coordinates (pt, y, phi relative to the jet axis, pid), reused
 * from jet to jet. `dy`, `dphi` are offsets from the jet axis; the jet axis is added when the jet is written out.
 */
export class JetParticles {
  pt = new Float64Array(128);
  dy = new Float64Array(128);
  dphi = new Float64Array(128);
  pid = new Float64Array(128);
  order = new Uint32Array(128);
  n = 0;

  /** Room for n particles; the first `this.n` are kept. */
  reserve(n: number): void {
    if (n <= this.pt.length) return;
    let cap = this.pt.length;
    while (cap < n) cap *= 2;
    const g = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a.subarray(0, this.n));
      return b;
    };
    this.pt = g(this.pt);
    this.dy = g(this.dy);
    this.dphi = g(this.dphi);
    this.pid = g(this.pid);
    this.order = new Uint32Array(cap);
  }

  /** Keeps only the particles for which keep(i) is true, in order. */
  filter(keep: (i: number) => boolean): void {
    let m = 0;
    for (let i = 0; i < this.n; i++) {
      if (!keep(i)) continue;
      this.pt[m] = this.pt[i];
      this.dy[m] = this.dy[i];
      this.dphi[m] = this.dphi[i];
      this.pid[m] = this.pid[i];
      m++;
    }
    this.n = m;
  }

  /** Fills `order` with the particle indices by decreasing pT (ties by index: deterministic). */
  sortByPt(): Uint32Array {
    const idx = this.order.subarray(0, this.n);
    for (let i = 0; i < this.n; i++) idx[i] = i;
    const pt = this.pt;
    idx.sort((a, b) => pt[b] - pt[a] || a - b);
    return idx;
  }
}
