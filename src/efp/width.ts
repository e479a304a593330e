// Variable-elimination orders for the sum over vertex assignments. Eliminating vertex v when it is joined (in the
// current elimination graph) to r other vertices costs O(M^(r+1)); the width c of an order is the largest such
// exponent (c = treewidth + 1 for an optimal order; the one-vertex graph has c = 1).
import type { MultiGraph } from './graph.js';

/** Neighbour bitmasks of the underlying simple graph. */
function neighbourMasks(g: MultiGraph): number[] {
  const nb: number[] = [];
  for (let a = 0; a < g.n; a++) {
    let m = 0;
    for (let b = 0; b < g.n; b++) if (g.w[a * g.n + b]) m |= 1 << b;
    nb.push(m);
  }
  return nb;
}

const popcount = (x: number): number => {
  let c = 0;
  while (x) { x &= x - 1; c++; }
  return c;
};

/** Vertices outside S ∪ {v} reachable from v through paths whose interior lies in S (the fill neighbourhood). */
function reach(nb: number[], S: number, v: number): number {
  let seen = 1 << v;
  const stack = [v];
  let out = 0;
  while (stack.length) {
    const a = stack.pop()!;
    let m = nb[a] & ~seen;
    seen |= m;
    while (m) {
      const b = 31 - Math.clz32(m & -m);
      m &= m - 1;
      if (S & (1 << b)) stack.push(b);
      else out |= 1 << b;
    }
  }
  return out;
}

/** Width of a given order. */
export function orderWidth(g: MultiGraph, order: number[]): number {
  const nb = neighbourMasks(g);
  let S = 0;
  let c = 1;
  for (const v of order) {
    c = Math.max(c, popcount(reach(nb, S, v)) + 1);
    S |= 1 << v;
  }
  return c;
}

/** Greedy min-degree order (exact for trees and treewidth-2 graphs). */
function greedyOrder(g: MultiGraph): number[] {
  const nb = neighbourMasks(g);
  let S = 0;
  const order: number[] = [];
  for (let step = 0; step < g.n; step++) {
    let best = -1;
    let bestDeg = Infinity;
    for (let v = 0; v < g.n; v++) {
      if (S & (1 << v)) continue;
      const d = popcount(reach(nb, S, v));
      if (d < bestDeg) { bestDeg = d; best = v; }
    }
    order.push(best);
    S |= 1 << best;
  }
  return order;
}

/** Exact minimum-width order by dynamic programming over eliminated sets (n <= 16). */
function exactOrder(g: MultiGraph, upper: number): number[] {
  const n = g.n;
  const nb = neighbourMasks(g);
  const full = (1 << n) - 1;
  const memo = new Int8Array(1 << n).fill(-1);
  const choice = new Int8Array(1 << n);
  const f = (S: number): number => {
    if (S === full) return 0;
    if (memo[S] >= 0) return memo[S];
    let best = 127;
    for (let v = 0; v < n; v++) {
      if (S & (1 << v)) continue;
      const cost = popcount(reach(nb, S, v)) + 1;
      if (cost >= best || cost > upper) continue;
      const w = Math.max(cost, f(S | (1 << v)));
      if (w < best) { best = w; choice[S] = v; }
    }
    memo[S] = best;
    return best;
  };
  if (f(0) > upper) return [];
  const order: number[] = [];
  for (let S = 0; S !== full; S |= 1 << order[order.length - 1]) order.push(choice[S]);
  return order;
}

/** A minimum-width elimination order (exact up to 16 vertices, greedy beyond) and its width c. */
export function eliminationOrder(g: MultiGraph): { order: number[]; c: number } {
  const greedy = greedyOrder(g);
  const c = orderWidth(g, greedy);
  if (c <= 3 || g.n > 16) return { order: greedy, c };
  const exact = exactOrder(g, c);
  if (exact.length === 0) return { order: greedy, c };
  return { order: exact, c: orderWidth(g, exact) };
}
