// The oracle: the EFP definition as written, a nested sum over all M^n vertex assignments. Cost M^n per graph,
// so only for tests and tiny jets; never used by EFPSet unless backend 'brute' is asked for.
import type { MultiGraph } from './graph.js';

/**
 * sum_{i_1..i_n} z_{i_1}...z_{i_n} prod_{(a,b)} theta_{i_a i_b}^{w_ab}, with theta the base angle matrix
 * (M x M, beta power included). Any graph, connected or not.
 */
export function efpBruteForce(g: MultiGraph, z: Float64Array, theta: Float64Array): number {
  const M = z.length;
  const n = g.n;
  if (M === 0) return 0;
  // theta^w for each edge multiplicity w, tabulated once: the same Math.pow values the sum would compute per term
  // (M^n terms), looked up instead, so the sum is unchanged to the bit.
  const powers = new Map<number, Float64Array>();
  const pow = (w: number) => powers.get(w) ?? powers.set(w, theta.map((x) => Math.pow(x, w))).get(w)!;
  const ends: number[] = []; // edge k joins vertices ends[2k] and ends[2k + 1], weighted by tables[k]
  const tables: Float64Array[] = [];
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const w = g.w[a * n + b];
      if (w) {
        ends.push(a, b);
        tables.push(pow(w));
      }
    }
  }
  const idx = new Int32Array(n);
  let total = 0;
  for (;;) {
    let term = 1;
    for (let a = 0; a < n; a++) term *= z[idx[a]];
    for (let k = 0; k < tables.length; k++) term *= tables[k][idx[ends[2 * k]] * M + idx[ends[2 * k + 1]]];
    total += term;
    let k = n - 1;
    while (k >= 0 && ++idx[k] === M) idx[k--] = 0;
    if (k < 0) break;
  }
  return total;
}
