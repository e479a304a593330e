import { JetlensInputError } from '../errors.js';
import { JetBatch } from '../jets/batch.js';
import { wrapPhi } from '../util/kinematics.js';

/** One model input: float32 rows in C order, first dimension = number of samples. */
export interface Block {
  data: Float32Array;
  shape: number[];
}

/** What train/predict consume: one block per model input, plus labels (0/1) and optional per-sample weights. */
export interface ModelData {
  inputs: Block[];
  labels?: Float64Array;
  weights?: Float64Array;
}

/** Per-particle inputs of all particle models, zero-padded to M. */
export interface ParticleArrays {
  n: number;
  m: number;
  z: Float32Array; // (N, M): pT_i / sum pT
  yRel: Float32Array; // (N, M): y_i - y_J
  phiRel: Float32Array; // (N, M): wrapped phi_i - phi_J
  pid?: Float32Array; // (N, M)
  mask: Float32Array; // (N, M): 1 for a particle, 0 for padding
}

export interface ParticleOptions {
  /** Pad/truncate to this many particles (hardest kept); default: the largest multiplicity. */
  maxParticles?: number;
}

/**
 * Jet axis = pT-weighted centroid (y_J, phi_J) with azimuths unwrapped around the hardest particle, so jets that
 * straddle phi = +-pi get the right axis. z_i uses the sum over all particles of the jet (also those truncated).
 */
export function particleArrays(batch: JetBatch, opts: ParticleOptions = {}): ParticleArrays {
  const n = batch.length;
  const m = opts.maxParticles ?? Math.max(1, batch.maxMult());
  const z = new Float32Array(n * m);
  const yRel = new Float32Array(n * m);
  const phiRel = new Float32Array(n * m);
  const mask = new Float32Array(n * m);
  const pid = batch.pid ? new Float32Array(n * m) : undefined;
  for (let j = 0; j < n; j++) {
    const a = batch.offsets[j];
    const b = batch.offsets[j + 1];
    if (b === a) continue; // an empty jet: all padding
    let hard = a;
    let sumPt = 0;
    for (let i = a; i < b; i++) {
      sumPt += batch.pt[i];
      if (batch.pt[i] > batch.pt[hard]) hard = i;
    }
    if (!(sumPt > 0)) throw new JetlensInputError('jet has zero total pT', { jet: j });
    const phiRef = batch.phi[hard];
    let yJ = 0;
    let dphiJ = 0;
    for (let i = a; i < b; i++) {
      yJ += (batch.pt[i] * batch.y[i]) / sumPt;
      dphiJ += (batch.pt[i] * wrapPhi(batch.phi[i] - phiRef)) / sumPt;
    }
    const phiJ = phiRef + dphiJ;
    const order = Array.from({ length: b - a }, (_, k) => a + k).sort((p, q) => batch.pt[q] - batch.pt[p] || p - q);
    for (let k = 0; k < Math.min(m, order.length); k++) {
      const i = order[k];
      const o = j * m + k;
      z[o] = batch.pt[i] / sumPt;
      yRel[o] = batch.y[i] - yJ;
      phiRel[o] = wrapPhi(batch.phi[i] - phiJ);
      mask[o] = 1;
      if (pid) pid[o] = batch.pid![i];
    }
  }
  return { n, m, z, yRel, phiRel, pid, mask };
}

/** Interleaves per-particle channels into (N, M, F). */
export function stackChannels(n: number, m: number, channels: Float32Array[]): Block {
  const f = channels.length;
  const data = new Float32Array(n * m * f);
  for (let r = 0; r < n * m; r++) for (let c = 0; c < f; c++) data[r * f + c] = channels[c][r];
  return { data, shape: [n, m, f] };
}

/** Labels (and weights) of a batch, if present. */
function targets(batch: JetBatch): Pick<ModelData, 'labels' | 'weights'> {
  return { labels: batch.labels, weights: batch.weights };
}

/** EFN / moments / Lipschitz-EFN inputs: [angles (N,M,2), z (N,M)]. Padding has z = 0, so it adds nothing. */
export function efnInputs(batch: JetBatch, opts: ParticleOptions = {}): ModelData {
  const p = particleArrays(batch, opts);
  return { inputs: [stackChannels(p.n, p.m, [p.yRel, p.phiRel]), { data: p.z, shape: [p.n, p.m] }], ...targets(batch) };
}

/** PFN inputs: [(z, y, phi[, pid]) (N,M,3|4), mask (N,M)]. */
export function pfnInputs(batch: JetBatch, opts: ParticleOptions & { withPid?: boolean } = {}): ModelData {
  const p = particleArrays(batch, opts);
  const withPid = opts.withPid ?? p.pid !== undefined;
  if (withPid && !p.pid) throw new JetlensInputError('PFN with particle ids requested but the jets have no pid column');
  const ch = withPid ? [p.z, p.yRel, p.phiRel, p.pid!] : [p.z, p.yRel, p.phiRel];
  return { inputs: [stackChannels(p.n, p.m, ch), { data: p.mask, shape: [p.n, p.m] }], ...targets(batch) };
}

/** DNN inputs from named feature columns (one value per jet each). */
export function tableInputs(columns: Record<string, ArrayLike<number>>, features: string[], labels?: ArrayLike<number>): ModelData {
  if (features.length === 0) throw new JetlensInputError('no features given');
  const n = columns[features[0]]?.length;
  const data = new Float32Array(n * features.length);
  features.forEach((name, c) => {
    const col = columns[name];
    if (!col) throw new JetlensInputError(`no column '${name}' (have: ${Object.keys(columns).join(', ')})`);
    if (col.length !== n) throw new JetlensInputError(`column '${name}' has ${col.length} rows, expected ${n}`);
    for (let r = 0; r < n; r++) {
      if (!Number.isFinite(col[r])) throw new JetlensInputError(`non-finite value in column '${name}' at row ${r}`);
      data[r * features.length + c] = col[r];
    }
  });
  return { inputs: [{ data, shape: [n, features.length] }], labels: labels ? Float64Array.from(labels) : undefined };
}

/** CNN inputs from images (N, npix, npix) or (N, npix, npix, 1). */
export function imageInputs(images: { data: ArrayLike<number>; shape: number[] }, labels?: ArrayLike<number>): ModelData {
  const s = images.shape;
  if (!(s.length === 3 || (s.length === 4 && s[3] === 1)) || s[1] !== s[2]) {
    throw new JetlensInputError(`jet images must have shape (N, npix, npix[, 1]), got (${s.join(', ')})`);
  }
  return { inputs: [{ data: Float32Array.from(images.data), shape: [s[0], s[1], s[2], 1] }], labels: labels ? Float64Array.from(labels) : undefined };
}

/** Number of samples of a ModelData (checks all blocks agree). */
export function sampleCount(d: ModelData): number {
  const n = d.inputs[0].shape[0];
  for (const b of d.inputs) if (b.shape[0] !== n) throw new JetlensInputError(`model inputs disagree on the sample count (${b.shape[0]} vs ${n})`);
  if (d.labels && d.labels.length !== n) throw new JetlensInputError(`${d.labels.length} labels for ${n} samples`);
  if (d.weights && d.weights.length !== n) throw new JetlensInputError(`${d.weights.length} weights for ${n} samples`);
  return n;
}

/** Rows `idx` of a block, as a new block. */
export function takeRows(b: Block, idx: ArrayLike<number>): Block {
  const row = b.shape.slice(1).reduce((x, y) => x * y, 1);
  const out = new Float32Array(idx.length * row);
  for (let k = 0; k < idx.length; k++) out.set(b.data.subarray(idx[k] * row, (idx[k] + 1) * row), k * row);
  return { data: out, shape: [idx.length, ...b.shape.slice(1)] };
}

/** Samples `idx` of a ModelData. */
export function takeSamples(d: ModelData, idx: ArrayLike<number>): ModelData {
  const pick = (v?: Float64Array) => (v ? Float64Array.from(idx, (i) => v[i]) : undefined);
  return { inputs: d.inputs.map((b) => takeRows(b, idx)), labels: pick(d.labels), weights: pick(d.weights) };
}
