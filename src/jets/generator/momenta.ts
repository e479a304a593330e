/**
 * A growable list of 3-momenta with a mass and one tag per entry (flavour in the shower, PDG id after
 * hadronisation). Structure of arrays, reused from jet to jet so the hot loop allocates nothing.
 */
export class MomentumList {
  px: Float64Array;
  py: Float64Array;
  pz: Float64Array;
  m: Float64Array;
  tag: Float64Array;
  n = 0;

  constructor(capacity = 128) {
    this.px = new Float64Array(capacity);
    this.py = new Float64Array(capacity);
    this.pz = new Float64Array(capacity);
    this.m = new Float64Array(capacity);
    this.tag = new Float64Array(capacity);
  }

  /** Energy of entry i. */
  e(i: number): number {
    const px = this.px[i], py = this.py[i], pz = this.pz[i], m = this.m[i];
    return Math.sqrt(px * px + py * py + pz * pz + m * m);
  }

  clear(): void {
    this.n = 0;
  }

  push(px: number, py: number, pz: number, tag: number, m = 0): void {
    if (this.n === this.px.length) this.grow();
    const i = this.n++;
    this.px[i] = px;
    this.py[i] = py;
    this.pz[i] = pz;
    this.m[i] = m;
    this.tag[i] = tag;
  }

  /**
   * Appends an entry and returns its index, for the caller to fill every column (px, py, pz, m, tag) directly:
   * push() with doubles as arguments boxes them wherever V8 does not inline it (profiled: the hot loops' garbage).
   * Read the column arrays after calling this (it may grow them).
   */
  add(): number {
    if (this.n === this.px.length) this.grow();
    return this.n++;
  }

  /** Removes entry i by moving the last entry into its place (order not kept). */
  removeSwap(i: number): void {
    const l = --this.n;
    this.px[i] = this.px[l];
    this.py[i] = this.py[l];
    this.pz[i] = this.pz[l];
    this.m[i] = this.m[l];
    this.tag[i] = this.tag[l];
  }

  private grow(): void {
    const cap = this.px.length * 2;
    const g = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.px = g(this.px);
    this.py = g(this.py);
    this.pz = g(this.pz);
    this.m = g(this.m);
    this.tag = g(this.tag);
  }
}

/**
 * Splits the 3-momentum p into two massless daughters with momentum fractions z and 1 - z whose opening angle is
 * theta, at azimuth phi around p. 3-momentum is conserved exactly (d2 = p - d1), energy is not: the pair gains
 * the invariant mass m^2 ~ z(1-z) |p|^2 theta^2, which is how jets acquire mass in this massless scheme.
 * Writes d1 to out[0..2] and d2 to out[3..5].
 */
export function splitMomentum(px: number, py: number, pz: number, z: number, theta: number, phi: number, out: Float64Array): void {
  out[0] = px;
  out[1] = py;
  out[2] = pz;
  out[3] = z;
  out[4] = theta;
  out[5] = phi;
  splitInPlace(out);
}

/**
 * splitMomentum with its arguments in io[0..5] = (px, py, pz, z, theta, phi), replaced by d1 (io[0..2]) and d2
 * (io[3..5]): the shower's hot call, which V8 does not inline, then passes no doubles (each would be boxed).
 */
export function splitInPlace(io: Float64Array): void {
  const px = io[0], py = io[1], pz = io[2], z = io[3], theta = io[4], phi = io[5];
  const out = io;
  const p = Math.sqrt(px * px + py * py + pz * pz);
  const nx = px / p;
  const ny = py / p;
  const nz = pz / p;
  // e1, e2: an orthonormal basis perpendicular to n (reference axis z, or x when n is close to z).
  let e1x: number, e1y: number, e1z: number;
  if (Math.abs(nz) < 0.9) {
    const s = Math.sqrt(nx * nx + ny * ny);
    e1x = ny / s;
    e1y = -nx / s;
    e1z = 0;
  } else {
    const s = Math.sqrt(ny * ny + nz * nz);
    e1x = 0;
    e1y = nz / s;
    e1z = -ny / s;
  }
  const e2x = ny * e1z - nz * e1y;
  const e2y = nz * e1x - nx * e1z;
  const e2z = nx * e1y - ny * e1x;
  // Relative transverse momentum k such that atan(k / zp) + atan(k / (1-z)p) = theta:
  // t k^2 + p k - t c p = 0 with t = tan(theta), c = z(1-z)p; the stable root (no cancellation at small t).
  const t = Math.tan(theta);
  const c = z * (1 - z) * p;
  const k = (2 * t * c * p) / (p + Math.sqrt(p * p + 4 * t * t * c * p));
  const cp = Math.cos(phi);
  const sp = Math.sin(phi);
  const ux = cp * e1x + sp * e2x;
  const uy = cp * e1y + sp * e2y;
  const uz = cp * e1z + sp * e2z;
  const d1x = z * px + k * ux;
  const d1y = z * py + k * uy;
  const d1z = z * pz + k * uz;
  out[0] = d1x;
  out[1] = d1y;
  out[2] = d1z;
  out[3] = px - d1x;
  out[4] = py - d1y;
  out[5] = pz - d1z;
}
