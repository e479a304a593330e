// Loopless multigraphs: normalisation of user edge lists, a canonical form (individualisation-refinement over
// weighted adjacency matrices) and the per-graph spec columns.
import { JetlensInputError } from '../errors.js';

/** A multigraph on vertices 0..n-1 as a dense symmetric weight matrix (w[a*n+b] = multiplicity). */
export interface MultiGraph {
  n: number;
  w: Uint8Array;
}

/** Multi-edge list [[a, b], ...] (repeated pairs = multiplicity), vertices 0..n-1. */
export type EdgeList = [number, number][];

/** Builds a graph from an edge list with arbitrary integer labels (relabelled to 0..N-1 in order of appearance). */
export function graphFromEdges(edges: ReadonlyArray<ReadonlyArray<number>>): MultiGraph {
  if (!Array.isArray(edges)) throw new JetlensInputError('a graph must be an array of edges [[a, b], ...]');
  const label = new Map<number, number>();
  const pairs: [number, number][] = [];
  for (const [i, e] of edges.entries()) {
    if (!Array.isArray(e) || e.length !== 2 || !e.every((x) => Number.isInteger(x))) {
      throw new JetlensInputError(`edge ${i} (${JSON.stringify(e)}): expected a pair of integer vertex labels [a, b]`);
    }
    if (e[0] === e[1]) throw new JetlensInputError(`edge ${i} (${JSON.stringify(e)}): self-loops are not allowed in an EFP graph`);
    for (const v of e) if (!label.has(v)) label.set(v, label.size);
    pairs.push([label.get(e[0])!, label.get(e[1])!]);
  }
  const n = Math.max(1, label.size);
  if (n > 24) throw new JetlensInputError(`graph has ${n} vertices; at most 24 are supported`);
  const w = new Uint8Array(n * n);
  for (const [a, b] of pairs) {
    if (w[a * n + b] >= 255) throw new JetlensInputError('edge multiplicity above 255');
    w[a * n + b]++;
    w[b * n + a]++;
  }
  return { n, w };
}

/** Edge list with multiplicity expanded, a < b, sorted. */
export function edgesOf(g: MultiGraph): EdgeList {
  const out: EdgeList = [];
  for (let a = 0; a < g.n; a++) for (let b = a + 1; b < g.n; b++) for (let k = 0; k < g.w[a * g.n + b]; k++) out.push([a, b]);
  return out;
}

export function degreeOf(g: MultiGraph): number {
  let d = 0;
  for (let a = 0; a < g.n; a++) for (let b = a + 1; b < g.n; b++) d += g.w[a * g.n + b];
  return d;
}

/** Connected components as vertex lists (isolated vertices are their own component). */
export function components(g: MultiGraph): number[][] {
  const seen = new Int32Array(g.n).fill(-1);
  const out: number[][] = [];
  for (let s = 0; s < g.n; s++) {
    if (seen[s] >= 0) continue;
    const comp = [s];
    seen[s] = out.length;
    for (let q = 0; q < comp.length; q++) {
      const a = comp[q];
      for (let b = 0; b < g.n; b++) if (g.w[a * g.n + b] && seen[b] < 0) { seen[b] = out.length; comp.push(b); }
    }
    out.push(comp.sort((x, y) => x - y));
  }
  return out;
}

export function subgraph(g: MultiGraph, verts: number[]): MultiGraph {
  const n = verts.length;
  const w = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[i * n + j] = g.w[verts[i] * g.n + verts[j]];
  return { n, w };
}

// ---------- canonical form ----------

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Code of g under the vertex order `order`: "n:" + upper-triangle weights (base 36). */
function codeUnder(g: MultiGraph, order: number[]): string {
  let s = `${g.n}:`;
  for (let i = 0; i < g.n; i++) for (let j = i + 1; j < g.n; j++) s += DIGITS[g.w[order[i] * g.n + order[j]]] ?? '?';
  return s;
}

/** Equitable refinement of an ordered partition; sub-cells ordered by a label-invariant signature. */
function refine(g: MultiGraph, cells: number[][]): number[][] {
  const n = g.n;
  for (;;) {
    const cellOf = new Int32Array(n);
    cells.forEach((c, i) => c.forEach((v) => (cellOf[v] = i)));
    const next: number[][] = [];
    for (const cell of cells) {
      if (cell.length === 1) { next.push(cell); continue; }
      const sig = new Map<number, string>();
      for (const v of cell) {
        const per: number[][] = cells.map(() => []);
        for (let u = 0; u < n; u++) if (g.w[v * n + u]) per[cellOf[u]].push(g.w[v * n + u]);
        sig.set(v, per.map((l) => l.sort((a, b) => a - b).join(',')).join('|'));
      }
      const groups = new Map<string, number[]>();
      for (const v of cell) {
        const s = sig.get(v)!;
        if (!groups.has(s)) groups.set(s, []);
        groups.get(s)!.push(v);
      }
      const keys = [...groups.keys()].sort();
      for (const k of keys) next.push(groups.get(k)!);
    }
    if (next.length === cells.length) return next;
    cells = next;
  }
}

/** Leaves of the search tree visited at most (a planning budget: a pathological graph is an error, never a hang). */
export const MAX_CANON_LEAVES = 200000;

/** One vertex per class of twins in `cell` (same weights to every other vertex: swapping them is an automorphism). */
function twinRepresentatives(g: MultiGraph, cell: number[]): number[] {
  const n = g.n;
  const reps: number[] = [];
  for (const v of cell) {
    const twin = reps.some((u) => {
      for (let x = 0; x < n; x++) if (x !== u && x !== v && g.w[u * n + x] !== g.w[v * n + x]) return false;
      return true;
    });
    if (!twin) reps.push(v);
  }
  return reps;
}

/**
 * Canonical code: the smallest code over all leaves of the individualisation-refinement tree. Twins (vertices with
 * the same weights to all others, e.g. every vertex of K_n) are individualised once, as swapping them is an
 * automorphism fixing the partition: the search on complete and other dense graphs stays polynomial. A search
 * that still exceeds MAX_CANON_LEAVES leaves throws a JetlensInputError instead of running for minutes.
 */
export function canonicalCode(g: MultiGraph): { code: string; order: number[] } {
  let best: { code: string; order: number[] } | null = null;
  let leaves = 0;
  const search = (cells: number[][]) => {
    const idx = cells.findIndex((c) => c.length > 1);
    if (idx < 0) {
      if (++leaves > MAX_CANON_LEAVES) {
        throw new JetlensInputError(`graph with ${g.n} vertices is too symmetric to canonicalise within the planning budget (${MAX_CANON_LEAVES} leaves)`);
      }
      const order = cells.map((c) => c[0]);
      const code = codeUnder(g, order);
      if (!best || code < best.code) best = { code, order };
      return;
    }
    for (const v of twinRepresentatives(g, cells[idx])) {
      const split = [...cells.slice(0, idx), [v], cells[idx].filter((u) => u !== v), ...cells.slice(idx + 1)];
      search(refine(g, split));
    }
  };
  search(refine(g, [Array.from({ length: g.n }, (_, i) => i)]));
  return best!;
}

/** The graph relabelled into canonical order, and its code. */
export function canonical(g: MultiGraph): { code: string; graph: MultiGraph } {
  const { code, order } = canonicalCode(g);
  return { code, graph: subgraph(g, order) };
}

export function graphFromCode(code: string): MultiGraph {
  const [ns, body] = code.split(':');
  const n = Number(ns);
  const w = new Uint8Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) { w[i * n + j] = w[j * n + i] = DIGITS.indexOf(body[k++]); }
  return { n, w };
}

// ---------- invariants ----------

/** Number of distinct vertex pairs joined (edges of the underlying simple graph). */
export function simpleEdgeCount(g: MultiGraph): number {
  let e = 0;
  for (let a = 0; a < g.n; a++) for (let b = a + 1; b < g.n; b++) if (g.w[a * g.n + b]) e++;
  return e;
}

export function valencies(g: MultiGraph): number[] {
  const v: number[] = [];
  for (let a = 0; a < g.n; a++) {
    let s = 0;
    for (let b = 0; b < g.n; b++) s += g.w[a * g.n + b];
    v.push(s);
  }
  return v;
}

/** Chromatic number of the underlying simple graph (backtracking; n <= ~20). */
export function chromaticNumber(g: MultiGraph): number {
  const n = g.n;
  if (n === 0) return 0;
  const colour = new Int32Array(n).fill(-1);
  const tryK = (k: number): boolean => {
    const go = (v: number): boolean => {
      if (v === n) return true;
      for (let c = 0; c < k; c++) {
        let ok = true;
        for (let u = 0; u < v && ok; u++) if (g.w[v * n + u] && colour[u] === c) ok = false;
        if (!ok) continue;
        colour[v] = c;
        if (go(v + 1)) return true;
        // symmetry breaking: a fresh colour tried once is enough
        if (c > Math.max(-1, ...Array.from(colour.subarray(0, v)))) { colour[v] = -1; break; }
      }
      colour[v] = -1;
      return false;
    };
    return go(0);
  };
  for (let k = 1; k <= n; k++) if (tryK(k)) return k;
  return n;
}
