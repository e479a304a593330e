/**
 * ADO on the differently-ordered pairs D(H, G) in O(N log N), in TypeScript: the same formula as the native
 * kernel (native/ado.cc, adoSubset), kept as its readable reference and as the fast path without the addon.
 * With s = sign of the S - B difference in f, g, h, a pair is in D iff s_g s_h = -1, so 1_D = (s_g^2 s_h^2 - s_g s_h)/2
 * and
 *   sumST = sum_D w w' s_f s_g = ( K(f, g | h untied) - K(f, h | g untied) ) / 2
 *   wD    = sum_D w w'         = ( U(g, h) - K(g, h) ) / 2
 * with K(a, b) = sum over S/B pairs of w w' s_a s_b (a sort by a and a Fenwick tree over b), K(a, b | c untied)
 * that sum without the pairs tied in c, and U(g, h) the weight of the pairs tied in neither. ADO_raw = 1/2 + sumST/(2 wD).
 */
import type { Events } from './input.js';
import { KahanSum } from './reference.js';
import type { AdoDisagreeKernelResult } from './reference.js';

/** Dense ranks 1..levels (equal values share one) and the order by value. */
function ranks(x: Float64Array): { rank: Uint32Array; order: Uint32Array; levels: number } {
  const order = Uint32Array.from(x.keys()).sort((a, b) => x[a] - x[b] || a - b);
  const rank = new Uint32Array(x.length);
  let level = 0;
  for (let k = 0; k < order.length; k++) {
    if (k === 0 || x[order[k]] !== x[order[k - 1]]) level++;
    rank[order[k]] = level;
  }
  return { rank, order, levels: level };
}

class Fenwick {
  private readonly t: Float64Array;
  total = 0;
  constructor(n: number) {
    this.t = new Float64Array(n + 1);
  }
  /** idx 1-based */
  add(idx: number, v: number): void {
    this.total += v;
    for (let i = idx; i < this.t.length; i += i & -i) this.t[i] += v;
  }
  /** sum over indices < idx (1-based) */
  below(idx: number): number {
    let s = 0;
    for (let i = idx - 1; i > 0; i -= i & -i) s += this.t[i];
    return s;
  }
  /** (sum below idx) - (sum above idx) */
  signed(idx: number): number {
    return this.below(idx) + this.below(idx + 1) - this.total;
  }
}

const weight = (e: Events, i: number) => (e.weights ? e.weights[i] : 1);

/**
 * sum over S/B pairs of w w' s_a s_b restricted to pairs with equal `group` (all pairs when group is null):
 * sweep by a (equal a: query the whole run first), query the other class's tree at the b rank.
 */
function concordance(e: Events, a: Float64Array, b: Float64Array, group: Uint32Array | null): number {
  const ra = ranks(a);
  const rb = ranks(b);
  // with a group, the tree index is (group, b rank): same group and b below/above <=> index range
  const key = new Float64Array(e.n);
  for (let i = 0; i < e.n; i++) key[i] = group ? group[i] * (rb.levels + 1) + rb.rank[i] : rb.rank[i];
  const rk = ranks(key);
  const trees = [new Fenwick(rk.levels), new Fenwick(rk.levels)]; // [background, signal]
  // per-group bounds in the key ranks: a query only counts its own group
  const lo = new Uint32Array(e.n);
  const hi = new Uint32Array(e.n);
  if (group) {
    for (let k = 0; k < rk.order.length; ) {
      let z = k;
      while (z < rk.order.length && group[rk.order[z]] === group[rk.order[k]]) z++;
      for (let q = k; q < z; q++) { lo[rk.order[q]] = rk.rank[rk.order[k]]; hi[rk.order[q]] = rk.rank[rk.order[z - 1]]; }
      k = z;
    }
  }
  const sum = new KahanSum();
  const ord = ra.order;
  for (let s = 0; s < e.n; ) {
    let z = s;
    while (z < e.n && ra.rank[ord[z]] === ra.rank[ord[s]]) z++;
    for (let k = s; k < z; k++) {
      const i = ord[k];
      const t = trees[e.labels[i] ? 0 : 1];
      const r = rk.rank[i];
      const q = group ? t.below(r) - t.below(lo[i]) - (t.below(hi[i] + 1) - t.below(r + 1)) : t.signed(r);
      sum.add(weight(e, i) * q);
    }
    for (let k = s; k < z; k++) trees[e.labels[ord[k]]].add(rk.rank[ord[k]], weight(e, ord[k]));
    s = z;
  }
  return sum.value;
}

/** Sum over S/B pairs with equal key of w w'. */
function tiedWeight(e: Events, key: (i: number) => string | number): number {
  const groups = new Map<string | number, [number, number]>();
  for (let i = 0; i < e.n; i++) {
    const k = key(i);
    const v = groups.get(k) ?? [0, 0];
    v[e.labels[i]] += weight(e, i);
    groups.set(k, v);
  }
  const s = new KahanSum();
  for (const [b, a] of groups.values()) s.add(a * b);
  return s.value;
}

/** The shared part (per reference G and current H): wD, and the ranks used for the tie corrections. */
export function subsetShared(g: Float64Array, h: Float64Array, e: Events) {
  const gr = ranks(g);
  const hr = ranks(h);
  let ws = 0;
  let wb = 0;
  for (let i = 0; i < e.n; i++) e.labels[i] ? (ws += weight(e, i)) : (wb += weight(e, i));
  const u = new KahanSum();
  u.add(ws * wb);
  u.add(-tiedWeight(e, (i) => gr.rank[i]));
  u.add(-tiedWeight(e, (i) => hr.rank[i]));
  u.add(tiedWeight(e, (i) => `${gr.rank[i]},${hr.rank[i]}`));
  u.add(-concordance(e, g, h, null));
  // wD is a difference of sums of order wS wB: below their rounding (weights) it is an empty D, not a tiny one
  const wD = Math.abs(u.value / 2) <= 1e-12 * ws * wb ? 0 : u.value / 2;
  return { grank: gr.rank, hrank: hr.rank, wD, ws, wb };
}

/** ADO of candidate f against g on D(H, G), O(N log N). */
export function adoSubsetSweep(f: Float64Array, g: Float64Array, h: Float64Array, e: Events, shared = subsetShared(g, h, e)): AdoDisagreeKernelResult {
  const s = new KahanSum();
  s.add(concordance(e, f, g, null));
  s.add(-concordance(e, f, g, shared.hrank)); // pairs tied in h
  s.add(-concordance(e, f, h, null));
  s.add(concordance(e, f, h, shared.grank)); // pairs tied in g
  const sumST = s.value / 2;
  const wD = shared.wD;
  return { adoRaw: wD > 0 ? Math.min(1, Math.max(0, 0.5 + sumST / (2 * wD))) : NaN, disagreePairs: wD, pairs: shared.ws * shared.wb };
}
