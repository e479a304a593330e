/**
 * Exact nearest neighbours and eps-ball counts under SEMD (docs/semd.md section 3).
 * Native: a ball tree on the cell embedding u = (v, r); candidates are visited in increasing lower bound
 * |u_q - u_x| (lowered by a rounding margin) and refined with the exact SEMD until the next lower bound exceeds
 * the current k-th distance. Result = brute force exactly: self excluded, ties ordered by lower index.
 * Reference: plain brute force over all pairs (what tests compare against). Memory O(N (K + P)), never N x N.
 */
import type { RunOptions } from '../backend/control.js';
import { getKernel } from '../backend/dispatch.js';
import { JetlensInputError } from '../errors.js';
import { toJetBatch, type JetsLike } from '../jets/input.js';
import { checkScale, semdReference } from './distance.js';
import './kernels.js'; // registers every SEMD kernel (reference, native, gpujs)
import { computeSpectra, spectraBackend, spectraCount, type Spectra, type SpectrumOptions } from './spectrum.js';

export interface KnnResult {
  /** (n, k) row-major neighbour indices (into the whole set), nearest first; row r is query jet first + r. */
  index: Int32Array;
  /** (n, k) row-major SEMD distances (times scale). */
  distance: Float64Array;
  /** Query rows (N unless `queries` was given). */
  n: number;
  /** Index of the first query jet (0 unless `queries` was given). */
  first: number;
  k: number;
  /** Exact SEMD evaluations made (N (N - 1) for brute force). */
  refined: number;
  /** Native tree search: nodes opened and point lower bounds computed (diagnostics). */
  nodes?: number;
  bounds?: number;
}

/** Brute force for one query: all (d, j), sorted by distance then index; written to row `row`. */
export function bruteRow(S: Spectra, q: number, k: number, row: number, index: Int32Array, distance: Float64Array): void {
  const n = spectraCount(S);
  const d = new Float64Array(n);
  const order: number[] = [];
  for (let j = 0; j < n; j++) {
    if (j === q) continue;
    d[j] = semdReference(S, q, S, j);
    order.push(j);
  }
  order.sort((a, b) => d[a] - d[b] || a - b);
  for (let c = 0; c < k; c++) {
    index[row * k + c] = order[c];
    distance[row * k + c] = d[order[c]];
  }
}

export interface KnnOptions extends SpectrumOptions, RunOptions {
  /** Neighbours per jet (1 <= k <= N - 1). */
  k: number;
  /** Cells of the embedding (default 64). */
  cells?: number;
  /** Multiplies every distance (default 1). */
  scale?: number;
  /** Native only: skip the tree and refine every pair (the baseline). */
  brute?: boolean;
  /** Only the query jets [start, end) (a shard's slice); neighbours are still searched among all jets. */
  queries?: [number, number];
}

function checkK(k: number, n: number): void {
  if (!Number.isInteger(k) || k < 1 || k > n - 1) throw new JetlensInputError(`k must be an integer in [1, N - 1 = ${n - 1}], got ${k}`);
}

/** k nearest neighbours from precomputed spectra. */
export async function knnFromSpectra(S: Spectra, opts: KnnOptions): Promise<KnnResult> {
  const n = spectraCount(S);
  checkK(opts.k, n);
  const scale = checkScale(opts.scale);
  const queries = opts.queries ?? [0, n];
  const [q0, q1] = queries;
  if (!Number.isInteger(q0) || !Number.isInteger(q1) || q0 < 0 || q1 < q0 || q1 > n) {
    throw new JetlensInputError(`queries: expected integers 0 <= start <= end <= N = ${n}, got [${q0}, ${q1}]`);
  }
  const { kernel } = getKernel('semd.knn', opts.backend);
  const res = await kernel(S, opts.k, queries, opts);
  if (scale !== 1) for (let i = 0; i < res.distance.length; i++) res.distance[i] *= scale;
  return res;
}

/** Exact SEMD k-NN of every jet in the set, or of the `queries` slice (self excluded, ties by lower index, rows in input order). */
export async function semdKnn(jets: JetsLike, opts: KnnOptions): Promise<KnnResult> {
  const batch = toJetBatch(jets);
  checkK(opts.k, batch.length);
  const S = await computeSpectra(batch, { ...opts, backend: spectraBackend(opts.backend), onProgress: undefined });
  return knnFromSpectra(S, opts);
}

// ---------- eps-ball counts ----------

export interface BallCounts {
  /** (NQ, E) row-major: signal reference events with SEMD <= eps[e] (eps ascending as passed). */
  signal: Int32Array;
  background: Int32Array;
  nq: number;
  E: number;
  refined: number;
}

export interface BallOptions extends RunOptions {
  cells?: number;
}

/**
 * For each query jet and each eps (ascending, >= 0, in SEMD units of the spectra): how many reference jets of
 * each class lie in the closed ball SEMD <= eps. query omitted: leave-one-out on the reference set itself.
 */
export async function ballCountsFromSpectra(
  ref: Spectra,
  labels: Uint8Array,
  query: Spectra | null,
  eps: Float64Array,
  opts: BallOptions = {},
): Promise<BallCounts> {
  for (let e = 0; e < eps.length; e++) {
    if (!(eps[e] >= 0) || (e > 0 && eps[e] < eps[e - 1])) throw new JetlensInputError('eps must be ascending values >= 0');
  }
  const { kernel } = getKernel('semd.ballCounts', opts.backend);
  return kernel(ref, labels, query, eps, opts);
}
