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
  const pairs: [number, number, number][] = [];
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) if (g.w[a * n + b]) pairs.push([a, b, g.w[a * n + b]]);
  const idx = new Int32Array(n);
  let total = 0;
  for (;;) {
    let term = 1;
    for (let a = 0; a < n; a++) term *= z[idx[a]];
    for (const [a, b, w] of pairs) term *= Math.pow(theta[idx[a] * M + idx[b]], w);
    total += term;
    let k = n - 1;
    while (k >= 0 && ++idx[k] === M) idx[k--] = 0;
    if (k < 0) break;
  }
  return total;
}
