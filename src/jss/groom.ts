/**
 * Grooming as a jets operation: trimming (Krohn, Thaler, Wang, arXiv:0912.1342) and soft drop (Larkoski,
 * Marzani, Soyez, Thaler, arXiv:1402.2657). Both return the jets with the groomed-away constituents removed
 * (the kept constituents in their input order, with pid and mass columns, labels and weights).
 *
 * trim: re-cluster the constituents inclusively with kT (default) or C/A at radius rSub; keep the subjets with
 *   pT_sub >= fCut * pT_jet (pT_jet of the whole jet's 4-vector sum), drop the others (FastJet's
 *   Filter(JetDefinition(kt_algorithm, rSub), SelectorPtFractionMin(fCut))).
 * softDrop: re-cluster with C/A (or kT on request) into one tree, then from the top: split into the two parents j1, j2 and stop if
 *   z = min(pT1, pT2) / (pT1 + pT2) > zCut (DeltaR_12 / R0)^beta, else drop the softer parent (smaller pT; on a
 *   tie the one created first is kept) and go on with the harder one. A jet that declusters down to one
 *   constituent keeps that constituent (fjcontrib's grooming mode). beta = 0 is the modified mass-drop tagger
 *   without the mass-drop condition (mu = 1), as fjcontrib's SoftDrop(0, zCut).
 * Per jet info: trim -> [subjets kept, subjets]; softDrop -> [z_g, R_g] of the accepted splitting (0, 0 when
 * the jet ends as one constituent or is empty).
 *
 * Reference kernels in plain TypeScript; native/groom.cc runs the same steps in C++, threaded over jets.
 */
import type { RunOptions } from '../backend/control.js';
import { getKernel } from '../backend/dispatch.js';
import { JetlensInputError } from '../errors.js';
import { JetBatch } from '../jets/batch.js';
import { toJetBatch, type JetsLike } from '../jets/input.js';
import { deltaR2, markConstituents, recluster, transverseMass, type ClusterAlgorithm } from './cluster.js';
import './kernels.js'; // registers the groom kernels (reference, native)

export interface TrimOptions {
  /** Subjet radius (e.g. 0.2 or 0.3). */
  rSub: number;
  /** Minimum subjet pT fraction of the jet pT, in [0, 1] (e.g. 0.03 or 0.05). */
  fCut: number;
  /** Subjet algorithm: 'kt' (default, as Krohn et al. and ATLAS) or 'ca'. */
  algorithm?: ClusterAlgorithm;
}

export interface SoftDropOptions {
  /** Symmetry cut z_cut, in [0, 1] (e.g. 0.1). */
  zCut: number;
  /** Angular exponent beta (0 = mMDT-like; 1, 2 ...). */
  beta: number;
  /** Characteristic radius R0 (default 1, usually the jet radius). */
  R0?: number;
  /** The tree to decluster: 'ca' (default, the soft-drop definition) or 'kt'. */
  algorithm?: ClusterAlgorithm;
}

export type GroomSpec = ({ method: 'trim' } & TrimOptions) | ({ method: 'softdrop' } & SoftDropOptions);

/** What a kernel computes: keep[i] = 1 for kept constituents (CSR row order) and 2 numbers per jet (see above). */
export interface GroomOutput {
  keep: Uint8Array;
  info: Float64Array;
}

export interface GroomResult extends GroomOutput {
  jets: JetBatch;
}

/** The checked spec with every field present (what kernels receive). */
export interface GroomSpecPlain {
  method: 'trim' | 'softdrop';
  rSub: number;
  fCut: number;
  algorithm: ClusterAlgorithm;
  zCut: number;
  beta: number;
  R0: number;
}

function inRange(name: string, v: unknown, lo: number, hi: number, loOpen = false): number {
  const ok = typeof v === 'number' && Number.isFinite(v) && (loOpen ? v > lo : v >= lo) && v <= hi;
  if (!ok) throw new JetlensInputError(`${name} must be a number in ${loOpen ? '(' : '['}${lo}, ${hi}] (got ${String(v)})`);
  return v as number;
}

/** Checks a grooming spec and fills the defaults; throws JetlensInputError naming the bad field. */
export function checkGroomSpec(spec: GroomSpec): Required<GroomSpecPlain> {
  const s = spec as Partial<GroomSpecPlain>;
  const algorithm = s.algorithm ?? (s.method === 'trim' ? 'kt' : 'ca');
  if (algorithm !== 'kt' && algorithm !== 'ca') throw new JetlensInputError(`algorithm must be 'kt' or 'ca' (got '${String(algorithm)}')`);
  if (s.method === 'trim') {
    return {
      method: 'trim', rSub: inRange('rSub', s.rSub, 0, 10, true), fCut: inRange('fCut', s.fCut, 0, 1), algorithm,
      zCut: 0, beta: 0, R0: 1,
    };
  }
  if (s.method === 'softdrop') {
    return {
      method: 'softdrop', rSub: 0, fCut: 0, algorithm, zCut: inRange('zCut', s.zCut, 0, 1),
      beta: inRange('beta', s.beta, -10, 10), R0: inRange('R0', s.R0 ?? 1, 0, 10, true),
    };
  }
  throw new JetlensInputError(`grooming method must be 'trim' or 'softdrop' (got '${String(s.method)}')`);
}

/** (DeltaR / R0)^beta, exact for beta = 0, 1, 2 (0^0 = 1). */
function angularFactor(dr2: number, R0: number, beta: number): number {
  if (beta === 0) return 1;
  if (beta === 2) return dr2 / (R0 * R0);
  const r = Math.sqrt(dr2) / R0;
  return beta === 1 ? r : Math.pow(r, beta);
}

/** Grooms one jet (constituent rows a..b-1 of the batch): sets keep[a..b-1], info[2j], info[2j+1]. */
export function groomJet(batch: JetBatch, j: number, s: Required<GroomSpecPlain>, out: GroomOutput): void {
  const a = batch.offsets[j];
  const b = batch.offsets[j + 1];
  const M = b - a;
  out.info[2 * j] = 0;
  out.info[2 * j + 1] = 0;
  if (M === 0) return;
  const pt = batch.pt.subarray(a, b);
  const y = batch.y.subarray(a, b);
  const phi = batch.phi.subarray(a, b);
  const mass = batch.mass?.subarray(a, b);
  const keep = out.keep.subarray(a, b);
  keep.fill(0);
  if (s.method === 'trim') {
    const t = recluster(pt, y, phi, mass, s.algorithm, s.rSub);
    let px = 0;
    let py = 0;
    for (let i = 0; i < M; i++) {
      px += pt[i] * Math.cos(phi[i]);
      py += pt[i] * Math.sin(phi[i]);
    }
    const ptMin = s.fCut * Math.sqrt(px * px + py * py);
    let kept = 0;
    for (const f of t.finals) {
      if (t.pt[f] >= ptMin) {
        markConstituents(t, f, keep);
        kept++;
      }
    }
    out.info[2 * j] = kept;
    out.info[2 * j + 1] = t.finals.length;
    return;
  }
  const t = recluster(pt, y, phi, mass, s.algorithm, Infinity);
  let node = t.finals[0];
  while (node >= M) {
    const p1 = t.left[node - M];
    const p2 = t.right[node - M];
    const pt1 = t.pt[p1];
    const pt2 = t.pt[p2];
    const z = Math.min(pt1, pt2) / (pt1 + pt2);
    const dr2 = deltaR2(t.y[p1], t.phi[p1], t.y[p2], t.phi[p2]);
    if (z > s.zCut * angularFactor(dr2, s.R0, s.beta)) {
      out.info[2 * j] = z;
      out.info[2 * j + 1] = Math.sqrt(dr2);
      break;
    }
    node = pt1 >= pt2 ? p1 : p2;
  }
  markConstituents(t, node, keep);
}

/** The batch restricted to the constituents with keep[i] = 1 (same jets, labels and weights). */
export function keepConstituents(batch: JetBatch, keep: Uint8Array): JetBatch {
  const n = batch.length;
  const offsets = new Uint32Array(n + 1);
  for (let j = 0; j < n; j++) {
    let c = 0;
    for (let i = batch.offsets[j]; i < batch.offsets[j + 1]; i++) c += keep[i];
    offsets[j + 1] = offsets[j] + c;
  }
  const total = offsets[n];
  const pick = (v?: Float64Array) => {
    if (!v) return undefined;
    const o = new Float64Array(total);
    let k = 0;
    for (let i = 0; i < v.length; i++) if (keep[i]) o[k++] = v[i];
    return o;
  };
  return new JetBatch({
    offsets, pt: pick(batch.pt)!, y: pick(batch.y)!, phi: pick(batch.phi)!, pid: pick(batch.pid), mass: pick(batch.mass),
    labels: batch.labels?.slice(), weights: batch.weights?.slice(),
  });
}

/** Grooms every jet (native kernel when built, else the reference); returns the groomed jets, keep mask, info. */
export async function groom(jets: JetsLike, spec: GroomSpec, run: RunOptions = {}): Promise<GroomResult> {
  const batch = toJetBatch(jets);
  const s = checkGroomSpec(spec);
  const { kernel } = getKernel('groom', run.backend);
  const out = await kernel(batch, s, run);
  return { jets: keepConstituents(batch, out.keep), ...out };
}

/** Synchronous reference (plain TypeScript) of `groom`. */
export function groomReference(jets: JetsLike, spec: GroomSpec): GroomResult {
  const batch = toJetBatch(jets);
  const s = checkGroomSpec(spec);
  const out: GroomOutput = { keep: new Uint8Array(batch.size), info: new Float64Array(2 * batch.length) };
  for (let j = 0; j < batch.length; j++) groomJet(batch, j, s, out);
  return { jets: keepConstituents(batch, out.keep), ...out };
}

/** Trimmed jets (see the file comment). */
export async function trim(jets: JetsLike, opts: TrimOptions & RunOptions): Promise<JetBatch> {
  return (await groom(jets, { method: 'trim', rSub: opts.rSub, fCut: opts.fCut, algorithm: opts.algorithm }, opts)).jets;
}

/** Soft-dropped jets (see the file comment). */
export async function softDrop(jets: JetsLike, opts: SoftDropOptions & RunOptions): Promise<JetBatch> {
  return (await groom(jets, { method: 'softdrop', zCut: opts.zCut, beta: opts.beta, R0: opts.R0, algorithm: opts.algorithm }, opts)).jets;
}

/** Synchronous reference trimming (for callers without an event loop to spare, e.g. the generator). */
export function trimReference(jets: JetsLike, opts: TrimOptions): JetBatch {
  return groomReference(jets, { method: 'trim', ...opts }).jets;
}

/** Synchronous reference soft drop. */
export function softDropReference(jets: JetsLike, opts: SoftDropOptions): JetBatch {
  return groomReference(jets, { method: 'softdrop', ...opts }).jets;
}

/** Jet 4-vector sums (E, px, py, pz) per jet, with masses when the batch has them (for tests and summaries). */
export function jetFourMomenta(batch: JetBatch): Float64Array {
  const out = new Float64Array(4 * batch.length);
  for (let j = 0; j < batch.length; j++) {
    for (let i = batch.offsets[j]; i < batch.offsets[j + 1]; i++) {
      const mt = transverseMass(batch.pt[i], batch.mass ? batch.mass[i] : 0);
      out[4 * j] += mt * Math.cosh(batch.y[i]);
      out[4 * j + 1] += batch.pt[i] * Math.cos(batch.phi[i]);
      out[4 * j + 2] += batch.pt[i] * Math.sin(batch.phi[i]);
      out[4 * j + 3] += mt * Math.sinh(batch.y[i]);
    }
  }
  return out;
}
