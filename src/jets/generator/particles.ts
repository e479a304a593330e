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
  private scratch = new Uint32Array(128);
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

  /** Keeps the particles within r2 (Delta R^2) of the jet axis, in order (a loop, not a closure: hot path). */
  keepInCone(r2: number): void {
    let m = 0;
    for (let i = 0; i < this.n; i++) {
      if (!(this.dy[i] * this.dy[i] + this.dphi[i] * this.dphi[i] <= r2)) continue;
      this.move(i, m++);
    }
    this.n = m;
  }

  /** Keeps the particles with pT > 0, in order. */
  keepPositivePt(): void {
    let m = 0;
    for (let i = 0; i < this.n; i++) if (this.pt[i] > 0) this.move(i, m++);
    this.n = m;
  }

  /** Keeps the particles with mask[i] === 1, in order. */
  keepMasked(mask: Uint8Array): void {
    let m = 0;
    for (let i = 0; i < this.n; i++) if (mask[i] === 1) this.move(i, m++);
    this.n = m;
  }

  private move(from: number, to: number): void {
    this.pt[to] = this.pt[from];
    this.dy[to] = this.dy[from];
    this.dphi[to] = this.dphi[from];
    this.pid[to] = this.pid[from];
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

  /**
   * Fills `order[0, n)` with the particle indices by decreasing pT (ties by index: deterministic) and returns
   * `order` (its first `n` entries). A merge sort on reusable buffers without subarray views: TypedArray.sort with a
   * comparator, and even subarray(), allocate on every call, which showed as GC time.
   */
  sortByPt(): Uint32Array {
    const n = this.n;
    if (this.scratch.length < this.order.length) this.scratch = new Uint32Array(this.order.length);
    let a = this.order;
    let b = this.scratch;
    for (let i = 0; i < n; i++) a[i] = i;
    const pt = this.pt;
    // Runs of 16 by insertion sort, then bottom-up merges.
    const RUN = 16;
    for (let lo = 0; lo < n; lo += RUN) {
      const hi = Math.min(n, lo + RUN);
      for (let i = lo + 1; i < hi; i++) {
        const v = a[i];
        const pv = pt[v];
        let j = i - 1;
        while (j >= lo && (pt[a[j]] < pv || (pt[a[j]] === pv && a[j] > v))) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = v;
      }
    }
    for (let width = RUN; width < n; width *= 2) {
      for (let lo = 0; lo < n; lo += 2 * width) {
        const mid = Math.min(n, lo + width), hi = Math.min(n, lo + 2 * width);
        let i = lo, j = mid, k = lo;
        while (i < mid && j < hi) {
          const x = a[i], y = a[j];
          // x first unless y is harder (or equally hard with a smaller index).
          if (pt[y] > pt[x] || (pt[y] === pt[x] && y < x)) {
            b[k++] = y;
            j++;
          } else {
            b[k++] = x;
            i++;
          }
        }
        while (i < mid) b[k++] = a[i++];
        while (j < hi) b[k++] = a[j++];
      }
      const t = a;
      a = b;
      b = t;
    }
    if (a !== this.order) for (let i = 0; i < n; i++) this.order[i] = a[i];
    return this.order;
  }
}
