/**
 * Exclusive kT clustering of one jet's constituents down to 1 object, recording the objects left at each
 * N <= nMax (the N-subjettiness axes). Plain reference: native/jss.cc implements the same steps in the same order.
 *
 * d_ij = min(pT_i^2, pT_j^2) DeltaR_ij^2, no beam distance (kT with infinite R). Ties: the pair (i, j), i < j,
 * smallest in creation order (originals 0..M-1, then each merged object takes the next index).
 * O(M^2) with a nearest-neighbour cache: nn[i] = the active j != i with the smallest d_ij (ties: smallest j).
 * The global minimum over the candidates (min(i, nn[i]), max(i, nn[i])) is then the spec's pair (the
 * lexicographically first tied pair (a, b) has nn[a] = b, and every other candidate is tied-or-worse).
 *
 * Recombination: 'E' (E-scheme: four-vector sum, pT/y/phi recomputed; exactly collinear parents keep their
 * common direction) or 'wta' (winner-takes-all: pT summed,
 * direction of the harder parent; equal pT -> the parent created first).
 */
import { deltaR2 } from '../util/kinematics.js';

export type Recombination = 'E' | 'wta';

/** Axes per N: axes.y[N], axes.phi[N], axes.pt[N] arrays of length N (undefined for N > nMax or N >= M). */
export interface KtAxes {
  y: Float64Array[];
  phi: Float64Array[];
  pt: Float64Array[];
}

export { deltaR2 };

/** DeltaR^beta from DeltaR^2 (exact for beta = 1, 2). */
export function powBeta(dr2: number, beta: number): number {
  if (beta === 2) return dr2;
  if (beta === 1) return Math.sqrt(dr2);
  return Math.pow(dr2, beta / 2);
}

export function exclusiveKtAxes(
  pt: ArrayLike<number>, y: ArrayLike<number>, phi: ArrayLike<number>, nMax: number, scheme: Recombination = 'E', mass?: ArrayLike<number>,
): KtAxes {
  const M = pt.length;
  const axes: KtAxes = { y: [], phi: [], pt: [] };
  if (M <= 1 || nMax < 1) return axes;
  const cap = 2 * M - 1;
  const P = new Float64Array(cap);
  const Y = new Float64Array(cap);
  const F = new Float64Array(cap);
  const E = new Float64Array(cap);
  const PX = new Float64Array(cap);
  const PY = new Float64Array(cap);
  const PZ = new Float64Array(cap);
  const o: Objects = { P, Y, F, E, PX, PY, PZ };
  for (let i = 0; i < M; i++) setConstituent(o, i, pt[i], y[i], phi[i], mass ? mass[i] : 0);
  const dist = (i: number, j: number) => Math.min(P[i] * P[i], P[j] * P[j]) * deltaR2(Y[i], F[i], Y[j], F[j]);
  const active: number[] = [];
  for (let i = 0; i < M; i++) active.push(i);
  const nn = new Int32Array(cap);
  const nd = new Float64Array(cap);
  const findNN = (i: number) => {
    let best = -1;
    let bd = Infinity;
    for (const j of active) {
      if (j === i) continue;
      const d = dist(i, j);
      if (d < bd) {
        bd = d;
        best = j;
      }
    }
    nn[i] = best;
    nd[i] = bd;
  };
  for (const i of active) findNN(i);
  let next = M;
  while (active.length > 1) {
    // The pair to merge: smallest d, then smallest (a, b).
    let a = -1;
    let b = -1;
    let bd = Infinity;
    for (const i of active) {
      const lo = Math.min(i, nn[i]);
      const hi = Math.max(i, nn[i]);
      if (nd[i] < bd || (nd[i] === bd && (lo < a || (lo === a && hi < b)))) {
        bd = nd[i];
        a = lo;
        b = hi;
      }
    }
    const c = next++;
    if (scheme === 'E') mergeE(o, c, a, b);
    else {
      const h = P[a] >= P[b] ? a : b;
      P[c] = P[a] + P[b];
      Y[c] = Y[h];
      F[c] = F[h];
    }
    replaceByMerged(active, a, b, c, { nn, nd, dist, findNN });
    const n = active.length;
    if (n <= nMax) {
      axes.y[n] = Float64Array.from(active, (k) => Y[k]);
      axes.phi[n] = Float64Array.from(active, (k) => F[k]);
      axes.pt[n] = Float64Array.from(active, (k) => P[k]);
    }
  }
  return axes;
}

// ---------------------------------------------------------------------------------------------------------------
// Inclusive re-clustering for grooming (src/jss/groom.ts; native/groom.cc follows these steps in the same order).

/** Generalised-kT exponent: kt (p = 1) or Cambridge/Aachen (p = 0); grooming uses these two. */
export type ClusterAlgorithm = 'kt' | 'ca';
/** Also anti-kT (p = -1), for clustering events into jets (TypeScript only). */
export type JetAlgorithm = ClusterAlgorithm | 'antikt';

/**
 * The clustering history of one jet. Objects 0..n-1 are the constituents, n.. the merged objects in creation
 * order; merged object c has parents left[c - n] < right[c - n]. `finals` are the objects that reached the beam
 * (the inclusive jets, in the order they were removed). pt/y/phi/E/px/py/pz per object.
 */
export interface ClusterTree {
  n: number;
  left: Int32Array;
  right: Int32Array;
  finals: number[];
  pt: Float64Array;
  y: Float64Array;
  phi: Float64Array;
  E: Float64Array;
  px: Float64Array;
  py: Float64Array;
  pz: Float64Array;
}

/** Transverse mass sqrt(pT^2 + m^2), exactly pT when massless. */
export function transverseMass(pt: number, m: number): number {
  return m === 0 ? pt : Math.sqrt(pt * pt + m * m);
}

/**
 * Inclusive generalised-kT clustering of one jet's constituents with radius R (Infinity: no beam, everything
 * ends in one object). d_ij = min(k_i, k_j) DeltaR_ij^2, d_iB = k_i R^2 with k = pT^2 (kt), 1 (ca), pT^-2 (antikt) (the usual
 * d_ij / R^2 scaled by R^2, so no division). E-scheme recombination with massive constituents when `mass` is
 * given (E = mT cosh y, pz = mT sinh y). Each step takes the smallest distance; a pair merges only when
 * d_ij < d_iB (a pair at exactly R does not); ties go to the smallest (lo, hi) in creation order, a beam step of
 * object i counting as (i, i). O(M^2) typical with a nearest-neighbour cache (O(M^3) worst case).
 */
export function recluster(
  pt: ArrayLike<number>, y: ArrayLike<number>, phi: ArrayLike<number>, mass: ArrayLike<number> | undefined,
  algorithm: JetAlgorithm, R: number,
): ClusterTree {
  const M = pt.length;
  const cap = Math.max(2 * M - 1, 0);
  const t: ClusterTree = {
    n: M, left: new Int32Array(Math.max(M - 1, 0)), right: new Int32Array(Math.max(M - 1, 0)), finals: [],
    pt: new Float64Array(cap), y: new Float64Array(cap), phi: new Float64Array(cap),
    E: new Float64Array(cap), px: new Float64Array(cap), py: new Float64Array(cap), pz: new Float64Array(cap),
  };
  const { pt: P, y: Y, phi: F, E, px: PX, py: PY, pz: PZ } = t;
  const active: number[] = [];
  const o: Objects = { P, Y, F, E, PX, PY, PZ };
  for (let i = 0; i < M; i++) {
    setConstituent(o, i, pt[i], y[i], phi[i], mass ? mass[i] : 0);
    active.push(i);
  }
  const p = algorithm === 'kt' ? 1 : algorithm === 'ca' ? 0 : -1;
  const R2 = R * R;
  const k = (i: number) => (p === 1 ? P[i] * P[i] : p === 0 ? 1 : 1 / (P[i] * P[i]));
  const dist = (i: number, j: number) => Math.min(k(i), k(j)) * deltaR2(Y[i], F[i], Y[j], F[j]);
  const beam = (i: number) => (R2 === Infinity ? Infinity : k(i) * R2);
  const nn = new Int32Array(cap).fill(-1);
  const nd = new Float64Array(cap).fill(Infinity);
  // active stays sorted (new objects take the largest index), so strict < keeps the smallest j on ties.
  const findNN = (i: number) => {
    nn[i] = -1;
    nd[i] = Infinity;
    for (const j of active) {
      if (j === i) continue;
      const d = dist(i, j);
      if (d < nd[i]) {
        nd[i] = d;
        nn[i] = j;
      }
    }
  };
  for (const i of active) findNN(i);
  let next = M;
  while (active.length > 0) {
    let a = -1;
    let b = -1;
    let bd = Infinity;
    for (const i of active) {
      const dB = beam(i);
      const pair = nn[i] >= 0 && nd[i] < dB;
      const d = pair ? nd[i] : dB;
      const lo = pair ? Math.min(i, nn[i]) : i;
      const hi = pair ? Math.max(i, nn[i]) : i;
      if (a < 0 || d < bd || (d === bd && (lo < a || (lo === a && hi < b)))) {
        bd = d;
        a = lo;
        b = hi;
      }
    }
    if (a === b) {
      t.finals.push(a);
      active.splice(active.indexOf(a), 1);
      for (const i of active) if (nn[i] === a) findNN(i);
      continue;
    }
    const c = next++;
    t.left[c - M] = a;
    t.right[c - M] = b;
    mergeE(o, c, a, b);
    replaceByMerged(active, a, b, c, { nn, nd, dist, findNN });
  }
  return t;
}

/** Marks the constituents under object `node` of a tree (keep[i] = 1). */
export function markConstituents(t: ClusterTree, node: number, keep: Uint8Array): void {
  const stack = [node];
  while (stack.length) {
    const o = stack.pop()!;
    if (o < t.n) keep[o] = 1;
    else stack.push(t.left[o - t.n], t.right[o - t.n]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Steps both clusterings share (native/jss.cc and native/groom.cc do the same, in the same order).

/** Per-object kinematics: pT, y, phi and the four-vector; objects 0..M-1 are the constituents, then the merged. */
interface Objects {
  P: Float64Array;
  Y: Float64Array;
  F: Float64Array;
  E: Float64Array;
  PX: Float64Array;
  PY: Float64Array;
  PZ: Float64Array;
}

/** Constituent i from (pT, y, phi) and its mass (0: massless): E = mT cosh y, pz = mT sinh y. */
function setConstituent(o: Objects, i: number, pt: number, y: number, phi: number, m: number): void {
  const mt = transverseMass(pt, m);
  o.P[i] = pt;
  o.Y[i] = y;
  o.F[i] = phi;
  o.E[i] = mt * Math.cosh(y);
  o.PX[i] = pt * Math.cos(phi);
  o.PY[i] = pt * Math.sin(phi);
  o.PZ[i] = mt * Math.sinh(y);
}

/**
 * E-scheme merge c = a + b: the four-vector sum, pT/y/phi recomputed. Exactly collinear parents (DeltaR = 0): the
 * sum points along them (rapidity too, masses or not); keep that direction without the rounding of log/atan2, so
 * identical particles give axes exactly on them (tau_N = 0, not noise).
 */
function mergeE(o: Objects, c: number, a: number, b: number): void {
  const { P, Y, F, E, PX, PY, PZ } = o;
  E[c] = E[a] + E[b];
  PX[c] = PX[a] + PX[b];
  PY[c] = PY[a] + PY[b];
  PZ[c] = PZ[a] + PZ[b];
  P[c] = Math.sqrt(PX[c] * PX[c] + PY[c] * PY[c]);
  const same = deltaR2(Y[a], F[a], Y[b], F[b]) === 0;
  Y[c] = same ? Y[a] : 0.5 * Math.log((E[c] + PZ[c]) / (E[c] - PZ[c]));
  F[c] = same ? F[a] : Math.atan2(PY[c], PX[c]);
}

/** The nearest-neighbour cache: nn[i], its distance nd[i], the pair distance and the search for one object. */
interface Neighbours {
  nn: Int32Array;
  nd: Float64Array;
  dist: (i: number, j: number) => number;
  findNN: (i: number) => void;
}

/**
 * a and b leave the active list and c (merged from them) joins it at the end: c finds its nearest neighbour; an
 * object whose neighbour was a or b searches again; any other only compares its cached distance with c.
 */
function replaceByMerged(active: number[], a: number, b: number, c: number, n: Neighbours): void {
  active.splice(active.indexOf(b), 1);
  active.splice(active.indexOf(a), 1);
  active.push(c);
  n.findNN(c);
  for (const i of active) {
    if (i === c) continue;
    if (n.nn[i] === a || n.nn[i] === b) n.findNN(i);
    else {
      const d = n.dist(i, c);
      if (d < n.nd[i]) {
        n.nd[i] = d;
        n.nn[i] = c;
      }
    }
  }
}
