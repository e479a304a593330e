import { JetBatch } from '../batch.js';
import type { JetParticles } from './particles.js';

/** Appends jets to growable CSR columns; `finish` trims them into a JetBatch. */
export class CsrBuilder {
  readonly offsets: Uint32Array;
  private pt: Float64Array;
  private y: Float64Array;
  private phi: Float64Array;
  private pid: Float64Array;
  private size = 0;
  private jets = 0;

  constructor(readonly n: number, particlesPerJet = 32) {
    this.offsets = new Uint32Array(n + 1);
    const cap = Math.max(1024, Math.min(n * particlesPerJet, 1 << 22));
    this.pt = new Float64Array(cap);
    this.y = new Float64Array(cap);
    this.phi = new Float64Array(cap);
    this.pid = new Float64Array(cap);
  }

  /** Appends the particles of the next jet, hardest first, at lab coordinates (y0 + dy, phi0 + dphi). */
  addJet(p: JetParticles, y0: number, phi0: number): void {
    const order = p.sortByPt();
    const m = p.n;
    this.reserve(this.size + m);
    let i = this.size;
    // Columns in locals: V8 reloads `this.pt` etc. on every iteration otherwise (a store may change them).
    const pt = this.pt, y = this.y, phi = this.phi, pid = this.pid;
    const ppt = p.pt, pdy = p.dy, pdphi = p.dphi, ppid = p.pid;
    for (let k = 0; k < m; k++, i++) {
      const s = order[k];
      pt[i] = ppt[s];
      y[i] = y0 + pdy[s];
      phi[i] = phi0 + pdphi[s];
      pid[i] = ppid[s];
    }
    this.size = i;
    this.offsets[++this.jets] = i;
  }

  finish(labels: Float64Array): JetBatch {
    if (this.jets !== this.n) throw new Error(`internal: ${this.jets} of ${this.n} jets built`);
    const s = this.size;
    return new JetBatch({
      offsets: this.offsets,
      pt: this.pt.slice(0, s),
      y: this.y.slice(0, s),
      phi: this.phi.slice(0, s),
      pid: this.pid.slice(0, s),
      labels,
    });
  }

  private reserve(n: number): void {
    if (n <= this.pt.length) return;
    if (n > 0xffffffff) throw new Error('more than 2^32 particles: generate fewer jets per batch');
    let cap = this.pt.length;
    while (cap < n) cap *= 2;
    const g = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a.subarray(0, this.size));
      return b;
    };
    this.pt = g(this.pt);
    this.y = g(this.y);
    this.phi = g(this.phi);
    this.pid = g(this.pid);
  }
}
