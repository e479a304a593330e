import { JetlensInputError } from '../errors.js';
import { paddedToCsrNative } from './padded.js';

// Azimuths may sit in [-pi, pi] or [0, 2pi] (EnergyFlow) and a jet's particles spill past the edge by up to R;
// anything beyond 3 pi cannot be such an angle (degrees, or a wrong column).
const PHI_LIMIT = 3 * Math.PI;
/**
 * Finite but extreme values overflow inside the kernels (pT 1e308: sum of pT = Infinity; rapidity 1e300: cosh = Infinity,
 * mass NaN) and would come out as NaN/Infinity with exit 0, so they are refused here. The bounds are far outside
 * physics in any unit (|y| of a particle < 10; pT in eV < 1e13) and keep (pT cosh y)^2 and degree-10 pT products finite.
 */
export const PT_LIMIT = 1e20;
export const RAPIDITY_LIMIT = 100;

/** Constructor fields of a JetBatch: CSR, structure of arrays. */
export interface JetBatchData {
  offsets: Uint32Array; // N + 1, offsets[0] = 0
  pt: Float64Array;
  y: Float64Array;
  phi: Float64Array;
  pid?: Float64Array;
  /** Constituent masses (GeV, >= 0); absent = massless. Used by every 4-vector sum (E = mT cosh y, mT^2 = pT^2 + m^2). */
  mass?: Float64Array;
  labels?: Float64Array; // per jet, 0 or 1
  weights?: Float64Array; // per jet
}

export interface ValidateOptions {
  file?: string; // named in errors
  firstJet?: number; // index of this batch's jet 0 in the file (a shard's slice): errors name the file's jet index
}

/** Set by a converter that has checked every particle already (the native fromPadded): validate() skips that loop. */
const PARTICLES_CHECKED = Symbol('particlesChecked');
type InternalOptions = ValidateOptions & { [PARTICLES_CHECKED]?: true };

/**
 * An in-memory jet collection in CSR layout: the particles of jet j are rows offsets[j]..offsets[j+1]-1 of
 * pt, y, phi (and pid). Padding (zero-pT rows) never appears inside a JetBatch: it is dropped on conversion.
 * The native addon reads these same arrays without copying.
 */
export class JetBatch {
  readonly offsets: Uint32Array;
  readonly pt: Float64Array;
  readonly y: Float64Array;
  readonly phi: Float64Array;
  readonly pid?: Float64Array;
  readonly mass?: Float64Array;
  labels?: Float64Array;
  weights?: Float64Array;

  constructor(d: JetBatchData, opts: InternalOptions = {}) {
    this.offsets = d.offsets;
    this.pt = d.pt;
    this.y = d.y;
    this.phi = d.phi;
    this.pid = d.pid;
    this.mass = d.mass;
    this.labels = d.labels;
    this.weights = d.weights;
    this.validate(opts);
  }

  /** Number of jets. */
  get length(): number {
    return this.offsets.length - 1;
  }

  /** Total number of particles. */
  get size(): number {
    return this.pt.length;
  }

  /** Multiplicity of jet j. */
  mult(j: number): number {
    return this.offsets[j + 1] - this.offsets[j];
  }

  /** Largest multiplicity (the M of a padded array). */
  maxMult(): number {
    let m = 0;
    for (let j = 0; j < this.length; j++) m = Math.max(m, this.mult(j));
    return m;
  }

  /** Particles of jet j as rows [pt, y, phi(, pid)(, mass)] (with masses, pid is 0 where unknown). */
  jet(j: number): number[][] {
    const out: number[][] = [];
    for (let i = this.offsets[j]; i < this.offsets[j + 1]; i++) {
      const row = [this.pt[i], this.y[i], this.phi[i]];
      if (this.pid || this.mass) row.push(this.pid ? this.pid[i] : 0);
      if (this.mass) row.push(this.mass[i]);
      out.push(row);
    }
    return out;
  }

  /** Jets [start, end) as a new batch that shares no memory with this one. */
  slice(start: number, end: number): JetBatch {
    const a = this.offsets[start];
    const b = this.offsets[end];
    const offsets = new Uint32Array(end - start + 1);
    for (let j = 0; j <= end - start; j++) offsets[j] = this.offsets[start + j] - a;
    return new JetBatch({
      offsets,
      pt: this.pt.slice(a, b),
      y: this.y.slice(a, b),
      phi: this.phi.slice(a, b),
      pid: this.pid?.slice(a, b),
      mass: this.mass?.slice(a, b),
      labels: this.labels?.slice(start, end),
      weights: this.weights?.slice(start, end),
    });
  }

  /** Jets at the given indices (in that order), as a new batch. */
  select(indices: ArrayLike<number>): JetBatch {
    const n = indices.length;
    const offsets = new Uint32Array(n + 1);
    for (let k = 0; k < n; k++) offsets[k + 1] = offsets[k] + this.mult(indices[k]);
    const total = offsets[n];
    const pt = new Float64Array(total);
    const y = new Float64Array(total);
    const phi = new Float64Array(total);
    const pid = this.pid ? new Float64Array(total) : undefined;
    const mass = this.mass ? new Float64Array(total) : undefined;
    for (let k = 0; k < n; k++) {
      const a = this.offsets[indices[k]];
      const b = this.offsets[indices[k] + 1];
      pt.set(this.pt.subarray(a, b), offsets[k]);
      y.set(this.y.subarray(a, b), offsets[k]);
      phi.set(this.phi.subarray(a, b), offsets[k]);
      pid?.set(this.pid!.subarray(a, b), offsets[k]);
      mass?.set(this.mass!.subarray(a, b), offsets[k]);
    }
    const pick = (v?: Float64Array) => (v ? Float64Array.from(indices, (i) => v[i]) : undefined);
    return new JetBatch({ offsets, pt, y, phi, pid, mass, labels: pick(this.labels), weights: pick(this.weights) });
  }

  /**
   * Zero-padded (N, M, 3|4|5) float64 array, C order, columns pt, y, phi(, pid)(, mass). M defaults to the largest
   * multiplicity; jets longer than M are an error (no silent truncation). The mass column is written only when
   * asked for (the EnergyFlow layout has 4 columns); with it the pid column is always present (0 when unknown).
   */
  toPadded(m = this.maxMult(), withPid = this.pid !== undefined, withMass = false): { data: Float64Array; shape: [number, number, number] } {
    if (withMass) withPid = true;
    const f = withMass ? 5 : withPid ? 4 : 3;
    const n = this.length;
    const data = new Float64Array(n * m * f);
    for (let j = 0; j < n; j++) {
      const mult = this.mult(j);
      if (mult > m) throw new JetlensInputError(`multiplicity ${mult} exceeds the padded width M = ${m}`, { jet: j });
      for (let k = 0; k < mult; k++) {
        const i = this.offsets[j] + k;
        const r = (j * m + k) * f;
        data[r] = this.pt[i];
        data[r + 1] = this.y[i];
        data[r + 2] = this.phi[i];
        if (withPid) data[r + 3] = this.pid ? this.pid[i] : 0;
        if (withMass) data[r + 4] = this.mass ? this.mass[i] : 0;
      }
    }
    return { data, shape: [n, m, f] };
  }

  /**
   * Re-wraps the arrays of a JetBatch that was validated elsewhere (the service's parse worker builds and validates
   * one, then transfers its arrays to the event loop): shapes are checked again, the per-particle loop is not.
   */
  static fromChecked(d: JetBatchData, opts: ValidateOptions = {}): JetBatch {
    return new JetBatch(d, { ...opts, [PARTICLES_CHECKED]: true });
  }

  /**
   * Builds a batch from a zero-padded (N, M, F) array, F >= 3 with columns pt, y, phi(, pid(, mass, ...)).
   * Rows with pT = 0 are padding and are dropped, wherever they sit.
   */
  static fromPadded(
    data: ArrayLike<number>,
    shape: readonly number[],
    opts: ValidateOptions & { labels?: ArrayLike<number>; weights?: ArrayLike<number> } = {},
  ): JetBatch {
    if (shape.length !== 3) {
      throw new JetlensInputError(`expected a 3-d array (N, M, 3|4), got shape (${shape.join(', ')})`, { file: opts.file });
    }
    const [n, m, f] = shape;
    if (f < 3) throw new JetlensInputError(`expected at least 3 columns (pt, y, phi), got ${f}`, { file: opts.file });
    if (data.length !== n * m * f) {
      throw new JetlensInputError(`data length ${data.length} does not match shape (${n}, ${m}, ${f})`, { file: opts.file });
    }
    const fast = paddedToCsrNative(data, n, m, f, { ptLimit: PT_LIMIT, yLimit: RAPIDITY_LIMIT, phiLimit: PHI_LIMIT });
    if (fast) {
      return new JetBatch({ ...fast, labels: toF64(opts.labels), weights: toF64(opts.weights) }, { ...opts, [PARTICLES_CHECKED]: true });
    }
    const offsets = new Uint32Array(n + 1);
    for (let j = 0; j < n; j++) {
      let c = 0;
      for (let k = 0; k < m; k++) if (data[(j * m + k) * f] !== 0) c++;
      offsets[j + 1] = offsets[j] + c;
    }
    const total = offsets[n];
    const pt = new Float64Array(total);
    const y = new Float64Array(total);
    const phi = new Float64Array(total);
    const pid = f >= 4 ? new Float64Array(total) : undefined;
    const mass = f >= 5 ? new Float64Array(total) : undefined;
    let i = 0;
    for (let r = 0; r < n * m; r++) {
      const b = r * f;
      if (data[b] === 0) continue;
      pt[i] = data[b];
      y[i] = data[b + 1];
      phi[i] = data[b + 2];
      if (pid) pid[i] = data[b + 3];
      if (mass) mass[i] = data[b + 4];
      i++;
    }
    return new JetBatch(
      { offsets, pt, y, phi, pid, mass, labels: toF64(opts.labels), weights: toF64(opts.weights) },
      opts,
    );
  }

  /** Builds a batch from nested arrays: jets -> particles -> [pt, y, phi(, pid(, mass))]. */
  static fromNested(
    jets: ArrayLike<ArrayLike<ArrayLike<number>>>,
    opts: ValidateOptions & { labels?: ArrayLike<number>; weights?: ArrayLike<number> } = {},
  ): JetBatch {
    const n = jets.length;
    const offsets = new Uint32Array(n + 1);
    let withPid = false;
    let withMass = false;
    for (let j = 0; j < n; j++) {
      const jet = jets[j];
      if (!jet || typeof jet.length !== 'number') throw new JetlensInputError('expected an array of particles', { ...opts, jet: j });
      let c = 0;
      for (let k = 0; k < jet.length; k++) {
        const p = jet[k];
        if (!p || (p.length !== 3 && p.length !== 4 && p.length !== 5)) {
          throw new JetlensInputError('expected a particle [pt, y, phi], [pt, y, phi, pid] or [pt, y, phi, pid, mass]', { ...opts, jet: j, particle: k });
        }
        if (p.length >= 4) withPid = true;
        if (p.length === 5) withMass = true;
        if (p[0] !== 0) c++;
      }
      offsets[j + 1] = offsets[j] + c;
    }
    const total = offsets[n];
    const pt = new Float64Array(total);
    const y = new Float64Array(total);
    const phi = new Float64Array(total);
    const pid = withPid ? new Float64Array(total) : undefined;
    const mass = withMass ? new Float64Array(total) : undefined;
    let i = 0;
    for (let j = 0; j < n; j++) {
      const jet = jets[j];
      for (let k = 0; k < jet.length; k++) {
        const p = jet[k];
        if (p[0] === 0) continue;
        pt[i] = p[0];
        y[i] = p[1];
        phi[i] = p[2];
        if (pid) pid[i] = p.length >= 4 ? p[3] : 0;
        if (mass) mass[i] = p.length === 5 ? p[4] : 0;
        i++;
      }
    }
    return new JetBatch({ offsets, pt, y, phi, pid, mass, labels: toF64(opts.labels), weights: toF64(opts.weights) }, opts);
  }

  /** Concatenates batches (labels/weights kept only when every batch has them; masses when any has them, 0 elsewhere). */
  static concat(batches: JetBatch[]): JetBatch {
    const n = batches.reduce((s, b) => s + b.length, 0);
    const total = batches.reduce((s, b) => s + b.size, 0);
    const offsets = new Uint32Array(n + 1);
    const pt = new Float64Array(total);
    const y = new Float64Array(total);
    const phi = new Float64Array(total);
    const allPid = batches.every((b) => b.pid);
    const pid = allPid ? new Float64Array(total) : undefined;
    const mass = batches.some((b) => b.mass) ? new Float64Array(total) : undefined;
    const labels = batches.every((b) => b.labels) ? new Float64Array(n) : undefined;
    const weights = batches.every((b) => b.weights) ? new Float64Array(n) : undefined;
    let j0 = 0;
    let i0 = 0;
    for (const b of batches) {
      for (let j = 1; j <= b.length; j++) offsets[j0 + j] = i0 + b.offsets[j];
      pt.set(b.pt, i0);
      y.set(b.y, i0);
      phi.set(b.phi, i0);
      if (pid) pid.set(b.pid!, i0);
      if (mass && b.mass) mass.set(b.mass, i0);
      labels?.set(b.labels!, j0);
      weights?.set(b.weights!, j0);
      j0 += b.length;
      i0 += b.size;
    }
    return new JetBatch({ offsets, pt, y, phi, pid, mass, labels, weights });
  }

  /** Indices of jets with no particles (allowed; reported by `info`). */
  emptyJets(): number[] {
    const out: number[] = [];
    for (let j = 0; j < this.length; j++) if (this.mult(j) === 0) out.push(j);
    return out;
  }

  /**
   * Checks the whole batch once, at the boundary: shapes, finiteness, pT >= 0, |phi| <= 3 pi, labels in {0,1},
   * finite non-negative weights. Throws JetlensInputError naming the jet, particle and field.
   */
  validate(opts: InternalOptions = {}): void {
    const file = opts.file;
    const j0 = opts.firstJet ?? 0;
    const o = this.offsets;
    if (!(o instanceof Uint32Array)) throw new JetlensInputError('offsets must be a Uint32Array', { file, field: 'offsets' });
    if (o.length < 1 || o[0] !== 0) throw new JetlensInputError('offsets must start at 0 and have length N + 1', { file, field: 'offsets' });
    for (let j = 0; j < o.length - 1; j++) {
      if (o[j + 1] < o[j]) throw new JetlensInputError('offsets must be non-decreasing', { file, jet: j0 + j, field: 'offsets' });
    }
    const total = o[o.length - 1];
    const cols: [string, Float64Array | undefined][] = [['pt', this.pt], ['y', this.y], ['phi', this.phi], ['pid', this.pid], ['mass', this.mass]];
    for (const [name, a] of cols) {
      if (a === undefined && (name === 'pid' || name === 'mass')) continue;
      if (!(a instanceof Float64Array)) throw new JetlensInputError(`${name} must be a Float64Array`, { file, field: name });
      if (a.length !== total) {
        throw new JetlensInputError(`${name} has ${a.length} entries, offsets say ${total}`, { file, field: name });
      }
    }
    const { pt: ptCol, y: yCol, phi: phiCol, pid, mass } = this;
    for (let j = 0; j < (opts[PARTICLES_CHECKED] ? 0 : this.length); j++) {
      for (let i = o[j]; i < o[j + 1]; i++) {
        // One branch for the valid particle (every comparison false for NaN); the messages only when it fails.
        const pt = ptCol[i];
        const ok = pt >= 0 && pt <= PT_LIMIT && Math.abs(yCol[i]) <= RAPIDITY_LIMIT && Math.abs(phiCol[i]) <= PHI_LIMIT &&
          (!pid || Number.isFinite(pid[i])) && (!mass || (mass[i] >= 0 && mass[i] < Infinity));
        if (!ok) this.checkParticle(j, i, file, j0);
      }
    }
    this.checkPerJet('labels', this.labels, file, j0, (v) => v === 0 || v === 1, 'label must be 0 or 1');
    this.checkPerJet('weights', this.weights, file, j0, (v) => Number.isFinite(v) && v >= 0, 'weight must be finite and >= 0');
  }

  /** Throws the error for particle i of jet j that failed validate()'s one-branch test. */
  private checkParticle(j: number, i: number, file: string | undefined, j0: number): void {
    const o = this.offsets;
    const where = (field: string) => ({ file, jet: j0 + j, particle: i - o[j], field });
    const pt = this.pt[i];
    if (!Number.isFinite(pt)) throw new JetlensInputError(`non-finite pT (${pt})`, where('pt'));
    if (pt < 0) throw new JetlensInputError(`negative pT (${pt})`, where('pt'));
    if (!Number.isFinite(this.y[i])) throw new JetlensInputError(`non-finite rapidity (${this.y[i]})`, where('y'));
    if (pt > PT_LIMIT) throw new JetlensInputError(`pT = ${pt} > ${PT_LIMIT.toExponential()}: outside any physical range (would overflow)`, where('pt'));
    if (Math.abs(this.y[i]) > RAPIDITY_LIMIT) throw new JetlensInputError(`|rapidity| = ${Math.abs(this.y[i])} > ${RAPIDITY_LIMIT}: outside any physical range (would overflow)`, where('y'));
    const phi = this.phi[i];
    if (!Number.isFinite(phi)) throw new JetlensInputError(`non-finite phi (${phi})`, where('phi'));
    if (Math.abs(phi) > PHI_LIMIT) throw new JetlensInputError(`|phi| = ${Math.abs(phi)} > 3 pi: not an azimuth in radians`, where('phi'));
    if (this.pid && !Number.isFinite(this.pid[i])) throw new JetlensInputError(`non-finite pid (${this.pid[i]})`, where('pid'));
    if (this.mass && !(Number.isFinite(this.mass[i]) && this.mass[i] >= 0)) {
      throw new JetlensInputError(`mass must be finite and >= 0 (got ${this.mass[i]})`, where('mass'));
    }
    throw new Error(`internal: particle ${i} of jet ${j} failed validation without a message`);
  }

  private checkPerJet(name: string, a: Float64Array | undefined, file: string | undefined, j0: number, ok: (v: number) => boolean, msg: string): void {
    if (!a) return;
    if (a.length !== this.length) throw new JetlensInputError(`${name} has ${a.length} entries for ${this.length} jets`, { file, field: name });
    for (let j = 0; j < a.length; j++) if (!ok(a[j])) throw new JetlensInputError(`${msg} (got ${a[j]})`, { file, jet: j0 + j, field: name });
  }
}

function toF64(a?: ArrayLike<number>): Float64Array | undefined {
  if (a === undefined) return undefined;
  return a instanceof Float64Array ? a : Float64Array.from(a);
}

/** phi wrapped into (-pi, pi] (kept here for the public API; the one definition is src/util/kinematics.ts). */
export { wrapPhi } from '../util/kinematics.js';
