// EnergyFlow's EFP column order, so that X[:, k] means the same graph in jetlens and in EnergyFlow. EnergyFlow
// (energyflow/gen.py; read, not copied) lists the connected graphs first: by (n, e), then in the order its generator
// discovers the simple graphs, then each graph's edge weightings by d and by integer partition. The disconnected
// graphs follow: by n, d, partition of n, then factor specs and factor indices. Where its generator iterates a
// Python set, the order is CPython's (src/efp/pyset.ts). test/efp-energyflow-order.test.ts checks the result
// against EnergyFlow's own data file when one is at hand.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../backend/native.js';
import { canonical, components, graphFromEdges, subgraph, type EdgeList } from './graph.js';
import { pySetOrder } from './pyset.js';

type Edge = [number, number];

/** Canonical code (src/efp/graph.ts) of a graph given as simple edges with a multiplicity each. */
function code(edges: Edge[], weights: number[]): string {
  if (edges.length === 0) return '1:';
  const multi: EdgeList = [];
  edges.forEach((e, i) => {
    for (let k = 0; k < weights[i]; k++) multi.push(e);
  });
  return canonical(graphFromEdges(multi)).code;
}

/** Integer partitions of d as non-decreasing parts, in lexicographic order (the ascending-composition order). */
function partitions(d: number): number[][] {
  const out: number[][] = [];
  const rec = (left: number, min: number, acc: number[]) => {
    if (left === 0) return void out.push(acc);
    for (let x = min; x <= left; x++) rec(left - x, x, [...acc, x]);
  };
  rec(d, 1, []);
  return out;
}

/** itertools.permutations(items) order (by positions), duplicates included. */
function permutations(items: number[]): number[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [x, ...p]));
}

/** Simple connected graphs by "n,e", in the generator's discovery order (edges in insertion order). */
function simpleGraphs(nmax: number, emax: number): Map<string, Edge[][]> {
  const byNE = new Map<string, Edge[][]>();
  const seen = new Map<string, Set<string>>();
  const es = (n: number) => {
    const hi = Math.min(emax, (n * (n - 1)) / 2);
    return Array.from({ length: Math.max(0, hi - n + 2) }, (_, i) => n - 1 + i);
  };
  for (let n = 1; n <= nmax; n++) for (const e of es(n)) { byNE.set(`${n},${e}`, []); seen.set(`${n},${e}`, new Set()); }
  const add = (n: number, e: number, edges: Edge[]) => {
    const c = code(edges, edges.map(() => 1));
    if (seen.get(`${n},${e}`)!.has(c)) return;
    seen.get(`${n},${e}`)!.add(c);
    byNE.get(`${n},${e}`)!.push(edges);
  };
  byNE.get('1,0')?.push([]);
  for (let n = 2; n <= nmax; n++) {
    const pairs: Edge[] = [];
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) pairs.push([a, b]);
    for (const e of es(n)) {
      // a new vertex attached to each vertex of every (n-1, e-1) graph, then a new edge on every (n, e-1) graph
      for (const seed of byNE.get(`${n - 1},${e - 1}`) ?? []) for (let v = 0; v < n - 1; v++) add(n, e, [...seed, [v, n - 1]]);
      for (const seed of byNE.get(`${n},${e - 1}`) ?? []) {
        for (const p of pairs) if (!seed.some(([a, b]) => a === p[0] && b === p[1])) add(n, e, [...seed, p]);
      }
    }
  }
  return byNE;
}

export interface EnergyflowConnected {
  code: string;
  n: number;
  d: number;
  /** EnergyFlow's k: index among its connected graphs with the same (n, d). */
  k: number;
}

/** EnergyFlow's connected EFPs with d <= dmax, in its order. */
export function energyflowConnected(dmax: number): EnergyflowConnected[] {
  const simple = simpleGraphs(dmax + 1, dmax);
  const keys = [...simple.keys()].map((k) => k.split(',').map(Number)).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: EnergyflowConnected[] = [];
  const ks = new Map<string, number>();
  const push = (c: string, n: number, d: number) => {
    const k = ks.get(`${n},${d}`) ?? 0;
    ks.set(`${n},${d}`, k + 1);
    out.push({ code: c, n, d, k });
  };
  for (const [n, e] of keys) {
    for (const edges of simple.get(`${n},${e}`)!) {
      if (n === 1) {
        push('1:', 1, 0);
        continue;
      }
      const classes = new Set<string>();
      for (let d = e; d <= dmax; d++) {
        for (const part of partitions(d).filter((p) => p.length === e)) {
          for (const w of pySetOrder(permutations(part))) {
            const c = code(edges, w as number[]);
            if (!classes.has(c)) { classes.add(c); push(c, n, d); }
          }
        }
      }
    }
  }
  return out;
}

/** EnergyFlow's disconnected EFPs with d <= dmax, as sorted factor lists 'n,d,k;n,d,k...', in its order. */
export function energyflowComposites(dmax: number, connected: EnergyflowConnected[]): string[] {
  const ks = new Map<string, number>();
  for (const c of connected) ks.set(`${c.n},${c.d}`, (ks.get(`${c.n},${c.d}`) ?? 0) + 1);
  const nmaxAvail = Math.max(...connected.map((c) => c.n));
  const out: string[] = [];
  const seen = new Set<string>();
  for (let n = 4; n <= 2 * dmax; n++) {
    const nParts = partitions(n).filter((x) => !x.includes(1) && Math.max(...x) <= nmaxAvail && x.length > 1);
    nParts.sort((a, b) => a.length - b.length); // stable, as Python's sort
    for (let d = Math.floor((n - 1) / 2) + 1; d <= dmax; d++) {
      for (const nPart of nParts) {
        const dParts = partitions(d).filter((x) => x.length === nPart.length);
        if (dParts.length === 0) continue;
        const specs: [number, number][][] = [];
        for (const ord of pySetOrder(permutations(nPart))) {
          for (const dPart of dParts) {
            const spec = (ord as number[]).map((nn, i) => [nn, dPart[i]] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
            if (spec.every(([nn, dd]) => ks.has(`${nn},${dd}`))) specs.push(spec);
          }
        }
        for (const spec of pySetOrder(specs)) {
          for (const kspec of product((spec as [number, number][]).map(([nn, dd]) => ks.get(`${nn},${dd}`)!))) {
            const formula = (spec as [number, number][]).map(([nn, dd], i) => [nn, dd, kspec[i]]).sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
            const key = formula.map((f) => f.join(',')).join(';');
            if (!seen.has(key)) { seen.add(key); out.push(key); }
          }
        }
      }
    }
  }
  return out;
}

/** itertools.product(range(a), range(b), ...) order: the last index varies fastest. */
function product(sizes: number[]): number[][] {
  let acc: number[][] = [[]];
  for (const s of sizes) acc = acc.flatMap((p) => Array.from({ length: s }, (_, i) => [...p, i]));
  return acc;
}

/** EnergyFlow's order up to one dmax: its connected graphs and its composites' factor keys. */
export interface EnergyflowTables {
  connected: EnergyflowConnected[];
  composites: string[];
}

export function buildEnergyflowTables(dmax: number): EnergyflowTables {
  const connected = energyflowConnected(dmax);
  return { connected, composites: energyflowComposites(dmax, connected) };
}

/**
 * The tables for dmax = 1 .. SHIPPED_DMAX ship in data/efp-energyflow-order.json (scripts/gen-efp-catalog.mjs writes
 * them; test/efp-energyflow-shipped.test.ts checks them against buildEnergyflowTables): rebuilding them cost every
 * `jetlens efp` run its sidecar's energyflow_index, ~50 ms CPU at d<=5 and ~1.2 s at d<=7 (#20 item 5).
 */
export const ENERGYFLOW_ORDER_FILE = join(packageRoot, 'data', 'efp-energyflow-order.json');
export const SHIPPED_DMAX = 7;
let shipped: Record<string, EnergyflowTables> | null | undefined;
const tablesMemo = new Map<number, EnergyflowTables>();

export function energyflowTables(dmax: number): EnergyflowTables {
  let t = tablesMemo.get(dmax);
  if (t) return t;
  if (shipped === undefined) {
    shipped = existsSync(ENERGYFLOW_ORDER_FILE) ? (JSON.parse(readFileSync(ENERGYFLOW_ORDER_FILE, 'utf8')) as Record<string, EnergyflowTables>) : null;
  }
  t = shipped?.[String(dmax)] ?? buildEnergyflowTables(dmax);
  tablesMemo.set(dmax, t);
  return t;
}

/**
 * For each column (a connected canonical code, or composite factor codes), its index in EnergyFlow's EFPSet with
 * the same selection: the column's rank in EnergyFlow's order among the given columns. Columns EnergyFlow does not
 * generate (d > its 10) get -1.
 */
export function energyflowIndex(columns: { code: string; factors: string[]; d: number }[]): number[] {
  const dmax = Math.max(0, ...columns.map((c) => c.d));
  const { connected: conn, composites: comps } = energyflowTables(dmax);
  const connIndex = new Map(conn.map((c, i) => [c.code, i]));
  const compIndex = new Map(comps.map((k, i) => [k, conn.length + i]));
  const global = columns.map((c) => {
    if (c.factors.length <= 1) return connIndex.get(c.code) ?? -1;
    const f = c.factors.map((fc) => conn[connIndex.get(fc) ?? -1]);
    if (f.some((x) => !x)) return -1;
    const key = f.map((x) => [x.n, x.d, x.k]).sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]).map((x) => x.join(',')).join(';');
    return compIndex.get(key) ?? -1;
  });
  const ranked = global.map((g, i) => [g, i]).filter(([g]) => g >= 0).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(columns.length).fill(-1);
  ranked.forEach(([, i], r) => (out[i] = r));
  return out;
}

/** EnergyFlow indices of columns given as multigraph edge lists (connected or not; isolated vertices ignored). */
export function energyflowIndexOfEdges(columns: { edges: [number, number][] }[]): number[] {
  return energyflowIndex(columns.map(({ edges }) => {
    if (edges.length === 0) return { code: '1:', factors: [], d: 0 };
    const g = graphFromEdges(edges);
    const factors = components(g).filter((vs) => vs.length > 1).map((vs) => canonical(subgraph(g, vs)).code);
    return { code: factors.length === 1 ? factors[0] : '', factors: factors.length > 1 ? factors : [], d: edges.length };
  }));
}

/**
 * The same for an EFPSet's columns, from the canonical ids of their connected factors (EFPSet.primes): nothing is
 * canonicalised again (energyflowIndexOfEdges took ~70 ms of a 3,000-jet `jetlens efp --select 'd<=5'` run).
 */
export function energyflowIndexOfSet(set: { columns: { factors: number[]; spec: { d: number } }[]; primes: { id: string }[] }): number[] {
  return energyflowIndex(set.columns.map((c) => {
    const factors = c.factors.map((i) => set.primes[i].id).filter((id) => !id.startsWith('1:')); // isolated vertices
    if (factors.length === 0) return { code: '1:', factors: [], d: 0 };
    return { code: factors.length === 1 ? factors[0] : '', factors: factors.length > 1 ? factors : [], d: c.spec.d };
  }));
}
