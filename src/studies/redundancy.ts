/**
 * Redundant candidates: an observable that is a monotone function of features the DNN already has adds no new
 * decision ordering (ADO is invariant under monotone maps), so guided iteration must not "discover" it again.
 * Three rules, each exact:
 *  - composite: every connected factor of the candidate's graph (at the same kappa, beta) is already chosen, so
 *    the candidate is a product of chosen EFPs (powers of one chosen EFP are the common case);
 *  - rank: on the evaluation rows the candidate has rank correlation exactly +1 or -1 with a feature already in
 *    the set (including the starting observables), e.g. the edge doubled at beta = 1 equals the edge at beta = 2.
 */
import { canonical, components, graphFromEdges, subgraph } from '../efp/graph.js';
import type { CandidateInfo } from './guided.js';

export type RedundancyReason = 'composite of chosen' | 'rank-equivalent';

export interface Removal {
  index: number;
  name: string;
  reason: RedundancyReason;
  /** The chosen feature(s) it duplicates. */
  of: string;
}

const paramKey = (c: CandidateInfo) => `k=${c.kappa}|b=${Number.isNaN(c.beta) ? '-' : c.beta}`;

/** The canonical codes of a candidate graph's connected factors, each tagged with (kappa, beta). */
export function factorKeys(c: CandidateInfo): string[] {
  if (c.d === 0 || c.edges.length === 0) return [`1:|${paramKey(c)}`];
  const g = graphFromEdges(c.edges);
  return components(g).map((vs) => `${canonical(subgraph(g, vs)).code}|${paramKey(c)}`);
}

/**
 * Whether `c` is a strictly monotone function of `f` on the given rows: sorted by f, c is constant on groups of
 * equal f and strictly increasing (direction +1) or strictly decreasing (-1) from group to group, i.e. Spearman's
 * rank correlation is exactly +1 or -1. `order` is the rows sorted by f.
 */
export function rankEquivalent(f: ArrayLike<number>, c: ArrayLike<number>, order: Uint32Array): boolean {
  for (const dir of [1, -1]) {
    let ok = true;
    let prev = NaN; // c on the previous group of equal f
    for (let s = 0; s < order.length && ok;) {
      const fv = f[order[s]];
      const cv = c[order[s]];
      let e = s + 1;
      while (e < order.length && f[order[e]] === fv) {
        if (c[order[e]] !== cv) ok = false;
        e++;
      }
      if (!Number.isNaN(prev) && !(dir * (cv - prev) > 0)) ok = false;
      prev = cv;
      s = e;
    }
    if (ok) return true;
  }
  return false;
}

export const argsort = (v: ArrayLike<number>) => Uint32Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[a] - v[b]);

export interface RedundancyInput {
  info: CandidateInfo[];
  /** Candidate k's value on evaluation row r at k * nTest + r. */
  valuesTest: Float64Array;
  nTest: number;
  /** Candidates already in the set (indices). */
  chosen: number[];
  /** Features in the set on the evaluation rows (starting observables and chosen EFPs), by name. */
  features: Record<string, Float64Array>;
  /** Candidates to examine (the others are skipped). */
  pool: Iterable<number>;
}

/** The candidates of `pool` that are redundant with the current set, with the reason. */
export function findRedundant(r: RedundancyInput): Removal[] {
  const chosenKeys = new Map<string, string>();
  for (const k of r.chosen) for (const key of factorKeys(r.info[k])) chosenKeys.set(key, r.info[k].name);
  const feats = Object.entries(r.features).map(([name, v]) => ({ name, v, order: argsort(v) }));
  const out: Removal[] = [];
  for (const k of r.pool) {
    const c = r.info[k];
    const keys = factorKeys(c);
    if (keys.every((key) => chosenKeys.has(key))) {
      out.push({ index: k, name: c.name, reason: 'composite of chosen', of: [...new Set(keys.map((key) => chosenKeys.get(key)!))].join(' x ') });
      continue;
    }
    const col = r.valuesTest.subarray(k * r.nTest, (k + 1) * r.nTest);
    const hit = feats.find((f) => rankEquivalent(f.v, col, f.order));
    if (hit) out.push({ index: k, name: c.name, reason: 'rank-equivalent', of: hit.name });
  }
  return out;
}
