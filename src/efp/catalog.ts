// The EFP graph catalogue: every loopless multigraph without isolated vertices up to degree dmax, up to
// isomorphism. Connected ("prime") graphs are grown edge by edge and deduplicated by canonical code; disconnected
// ("composite") graphs are multisets of connected factors with d >= 1.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../backend/native.js';
import { zlib } from '../util/builtins.js';
import {
  type MultiGraph, canonical, chromaticNumber, edgesOf, graphFromCode, simpleEdgeCount, valencies,
} from './graph.js';
import { eliminationOrder } from './width.js';

/** Spec columns, EnergyFlow's eight plus the chromatic number. */
export const SPEC_COLS = ['n', 'e', 'd', 'v', 'k', 'c', 'p', 'h', 'chi'] as const;
export type SpecCol = (typeof SPEC_COLS)[number];
export type Spec = Record<SpecCol, number>;

export interface CatalogGraph {
  /** Stable identifier: canonical code "n:upper-triangle" (connected) or factor ids joined by '*' (composite). */
  id: string;
  /** Multi-edge list, vertices 0..n-1. */
  edges: [number, number][];
  spec: Spec;
  /** Indices (into the catalogue's connected list) of the factors; [self] for a connected graph. */
  factors: number[];
  /** Elimination order of a connected graph (composites: empty). */
  order: number[];
}

export interface Catalog {
  dmax: number;
  /** Connected graphs sorted by (d, n, e, id), then composites sorted by (d, n, factors). */
  graphs: CatalogGraph[];
  /** Number of connected graphs (they come first). */
  nConnected: number;
}

/** Spec of a connected graph with elimination width c (k left to the caller). */
export function connectedSpec(g: MultiGraph, c: number): Omit<Spec, 'k'> {
  const val = valencies(g);
  return {
    n: g.n, e: simpleEdgeCount(g), d: val.reduce((a, b) => a + b, 0) / 2, v: Math.max(0, ...val), c, p: 1,
    h: val.filter((x) => x === 1).length, chi: chromaticNumber(g),
  };
}

/** Connected graphs by degree: level[d] = canonical codes of the connected graphs with d edges. */
export function connectedLevels(dmax: number): string[][] {
  const levels: string[][] = [['1:']];
  for (let d = 1; d <= dmax; d++) {
    const seen = new Set<string>();
    for (const code of levels[d - 1]) {
      const g = graphFromCode(code);
      const n = g.n;
      // (a) a new leaf on vertex v
      for (let v = 0; v < n; v++) {
        const h: MultiGraph = { n: n + 1, w: new Uint8Array((n + 1) * (n + 1)) };
        for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) h.w[a * (n + 1) + b] = g.w[a * n + b];
        h.w[v * (n + 1) + n] = h.w[n * (n + 1) + v] = 1;
        seen.add(canonical(h).code);
      }
      // (b) one more edge between existing vertices
      for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) {
        const h: MultiGraph = { n, w: g.w.slice() };
        h.w[a * n + b]++;
        h.w[b * n + a]++;
        seen.add(canonical(h).code);
      }
    }
    levels.push([...seen]);
  }
  return levels;
}

/** Builds the catalogue for d <= dmax from scratch. */
export function generateCatalog(dmax: number): Catalog {
  const levels = connectedLevels(dmax);
  const connected: CatalogGraph[] = [];
  for (const codes of levels) {
    for (const code of codes) {
      const g = graphFromCode(code);
      const { order, c } = eliminationOrder(g);
      connected.push({ id: code, edges: edgesOf(g), spec: { ...connectedSpec(g, c), k: 0 }, factors: [], order });
    }
  }
  const cmp = (a: CatalogGraph, b: CatalogGraph) =>
    a.spec.d - b.spec.d || a.spec.n - b.spec.n || a.spec.e - b.spec.e || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  connected.sort(cmp);
  connected.forEach((g, i) => (g.factors = [i]));
  assignK(connected);
  const composites = composeAll(connected, dmax);
  assignK(composites);
  return { dmax, graphs: [...connected, ...composites], nConnected: connected.length };
}

/** k = running index among graphs of the same (n, d), in catalogue order. */
function assignK(gs: CatalogGraph[]): void {
  const count = new Map<string, number>();
  for (const g of gs) {
    const key = `${g.spec.n},${g.spec.d}`;
    const k = count.get(key) ?? 0;
    g.spec.k = k;
    count.set(key, k + 1);
  }
}

/** Every multiset of >= 2 connected factors with d >= 1 each and total degree <= dmax. */
function composeAll(connected: CatalogGraph[], dmax: number): CatalogGraph[] {
  const out: CatalogGraph[] = [];
  const pick = (start: number, chosen: number[], d: number) => {
    if (chosen.length >= 2) out.push(composite(connected, chosen));
    for (let i = start; i < connected.length; i++) {
      const gd = connected[i].spec.d;
      if (gd === 0) continue;
      if (d + gd > dmax) break; // connected is sorted by d
      chosen.push(i);
      pick(i, chosen, d + gd);
      chosen.pop();
    }
  };
  pick(0, [], 0);
  out.sort((a, b) => a.spec.d - b.spec.d || a.spec.n - b.spec.n || cmpLists(a.factors, b.factors));
  return out;
}

function cmpLists(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** A composite from factor indices: disjoint union of the factor graphs; n, e, d, h sums; v, c, chi maxima. */
export function composite(connected: CatalogGraph[], factors: number[]): CatalogGraph {
  const fs = factors.map((i) => connected[i]);
  const edges: [number, number][] = [];
  let shift = 0;
  for (const f of fs) {
    for (const [a, b] of f.edges) edges.push([a + shift, b + shift]);
    shift += f.spec.n;
  }
  const sum = (c: 'n' | 'e' | 'd' | 'h') => fs.reduce((s, f) => s + f.spec[c], 0);
  const max = (c: 'v' | 'c' | 'chi') => Math.max(...fs.map((f) => f.spec[c]));
  return {
    id: fs.map((f) => f.id).join('*'),
    edges,
    spec: { n: sum('n'), e: sum('e'), d: sum('d'), v: max('v'), k: 0, c: max('c'), p: fs.length, h: sum('h'), chi: max('chi') },
    factors: [...factors],
    order: [],
  };
}

// ---------- the shipped file ----------

/** File format: {format, dmax, cols, connected: [[id, order, ...spec]], composites: [[factors, k]]}. */
export interface CatalogFile {
  format: 'jetlens-efp-catalog-1';
  dmax: number;
  cols: string[];
  connected: { id: string; edges: [number, number][]; spec: number[]; order: number[] }[];
  composites: { factors: number[]; spec: number[] }[];
}

export function catalogToFile(c: Catalog): CatalogFile {
  const row = (s: Spec) => SPEC_COLS.map((k) => s[k]);
  return {
    format: 'jetlens-efp-catalog-1',
    dmax: c.dmax,
    cols: [...SPEC_COLS],
    connected: c.graphs.slice(0, c.nConnected).map((g) => ({ id: g.id, edges: g.edges, spec: row(g.spec), order: g.order })),
    composites: c.graphs.slice(c.nConnected).map((g) => ({ factors: g.factors, spec: row(g.spec) })),
  };
}

export function catalogFromFile(f: CatalogFile): Catalog {
  if (f.format !== 'jetlens-efp-catalog-1') throw new Error(`unknown EFP catalogue format '${f.format}'`);
  const standard = f.cols.length === SPEC_COLS.length && f.cols.every((c, i) => c === SPEC_COLS[i]);
  // the usual column order as one object literal (one hidden class; Object.fromEntries was most of the load time)
  const spec = (r: number[]): Spec => standard
    ? { n: r[0], e: r[1], d: r[2], v: r[3], k: r[4], c: r[5], p: r[6], h: r[7], chi: r[8] }
    : (Object.fromEntries(f.cols.map((k, i) => [k, r[i]])) as Spec);
  const connected: CatalogGraph[] = f.connected.map((g, i) => ({ id: g.id, edges: g.edges, spec: spec(g.spec), factors: [i], order: g.order }));
  // Composites (half the catalogue) get their id and edges only when used: a `d<=5` run reads the whole d <= 10
  // file at start-up, once per process and so once per shard.
  const composites = f.composites.map((g): CatalogGraph => {
    let full: CatalogGraph | undefined;
    const made = () => (full ??= composite(connected, g.factors));
    return { get id() { return made().id; }, get edges() { return made().edges; }, spec: spec(g.spec), factors: g.factors, order: [] };
  });
  return { dmax: f.dmax, graphs: [...connected, ...composites], nConnected: connected.length };
}

export const CATALOG_FILE = join(packageRoot, 'data', 'efp-catalog.json.gz');
/** The d <= SMALL_DMAX prefix of the catalogue, uncompressed: what almost every selection needs, read in ~2 ms. */
export const SMALL_DMAX = 7;
export const SMALL_CATALOG_FILE = join(packageRoot, 'data', `efp-catalog-d${SMALL_DMAX}.json`);

let cached: Catalog | undefined;
let cachedSmall: Catalog | undefined;

/**
 * The d <= dmax prefix of a catalogue. Graphs are sorted by d first (connected, then composites), k counts within
 * (n, d) and composites only reference connected graphs of lower degree, so the prefix is itself the catalogue
 * for d <= dmax, with the same indices.
 */
export function catalogPrefix(c: Catalog, dmax: number): Catalog {
  const nConnected = c.graphs.slice(0, c.nConnected).filter((g) => g.spec.d <= dmax).length;
  const composites = c.graphs.slice(c.nConnected).filter((g) => g.spec.d <= dmax);
  return { dmax, graphs: [...c.graphs.slice(0, nConnected), ...composites], nConnected };
}

/**
 * The default catalogue, read once per process. `needDmax` (the selection's bound on d, if it has one) lets a
 * `d<=7` selection read the small shipped prefix instead of the whole d <= 10 file (about 0.4 s). Without the
 * shipped files the d <= 7 catalogue is generated (about a second).
 */
export function defaultCatalog(needDmax = Infinity): Catalog {
  if (cached) return cached;
  if (needDmax <= SMALL_DMAX) {
    if (!cachedSmall && existsSync(SMALL_CATALOG_FILE)) {
      cachedSmall = catalogFromFile(JSON.parse(readFileSync(SMALL_CATALOG_FILE, 'utf8')) as CatalogFile);
    }
    if (cachedSmall) return cachedSmall;
  }
  if (existsSync(CATALOG_FILE)) {
    cached = catalogFromFile(JSON.parse(zlib().gunzipSync(readFileSync(CATALOG_FILE)).toString('utf8')) as CatalogFile);
  } else {
    cached = generateCatalog(SMALL_DMAX);
  }
  return cached;
}
