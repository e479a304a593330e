// EnergyFlow-style selections of catalogue graphs, plus explicit graphs.
//   'd<=5'                      one clause: <col><op><int>, op in < > <= >= == !=, whitespace ignored
//   'n==3 and c<=3'             clauses joined by 'and' (or '&&' or ',')
//   ['d<=', 5]                  EnergyFlow tuple
//   ['d<=7', 'p==1']            several selections, ANDed
//   {d: 5}                      a bare number means col <= value;  {n: [3, 4]} means 3 <= n <= 4
//   [[0,1],[0,1],[1,2]]         one explicit graph (edge list, repeated pairs = multi-edges)
//   [[[0,1]], [[0,1],[1,2]]]    several explicit graphs
import { JetlensInputError } from '../errors.js';
import { SPEC_COLS, type Spec, type SpecCol } from './catalog.js';

export type SelTuple = [string, number];
export type SelObject = Partial<Record<SpecCol, number | [number, number]>>;
export type SelItem = string | SelTuple | SelObject;
export type GraphEdges = [number, number][];
export type Selection = SelItem | SelItem[] | GraphEdges | GraphEdges[];

/** A test on a spec; `dmax` is set on clauses that bound the degree from above (d<=7, d<8, d==3). */
export type Predicate = ((s: Spec) => boolean) & { dmax?: number };

const OPS: Record<string, (a: number, b: number) => boolean> = {
  '<=': (a, b) => a <= b, '>=': (a, b) => a >= b, '==': (a, b) => a === b, '!=': (a, b) => a !== b,
  '<': (a, b) => a < b, '>': (a, b) => a > b,
};

function clause(col: string, op: string, value: number, token: string): Predicate {
  if (!(SPEC_COLS as readonly string[]).includes(col)) {
    throw new JetlensInputError(`EFP selection '${token}': unknown column '${col}' (expected one of ${SPEC_COLS.join(', ')})`);
  }
  const f = OPS[op];
  if (!f) throw new JetlensInputError(`EFP selection '${token}': unknown operator '${op}' (expected one of ${Object.keys(OPS).join(' ')})`);
  if (!Number.isInteger(value)) throw new JetlensInputError(`EFP selection '${token}': value must be an integer`);
  const c = col as SpecCol;
  const p: Predicate = (s) => f(s[c], value);
  if (c === 'd' && (op === '<=' || op === '==')) p.dmax = value;
  if (c === 'd' && op === '<') p.dmax = value - 1;
  return p;
}

function parseClause(token: string): Predicate {
  const t = token.replace(/\s+/g, '');
  const m = /^([a-z]+)(<=|>=|==|!=|<|>)(-?\d+)$/.exec(t);
  if (!m) throw new JetlensInputError(`EFP selection: cannot parse '${token.trim()}' (expected e.g. 'd<=5', 'p==1')`);
  return clause(m[1], m[2], Number(m[3]), token.trim());
}

function parseString(s: string): Predicate[] {
  const parts = s.split(/\s+and\s+|&&|,/i).filter((p) => p.trim() !== '');
  if (parts.length === 0) throw new JetlensInputError(`EFP selection: empty selection string '${s}'`);
  return parts.map(parseClause);
}

function isTuple(x: unknown): x is SelTuple {
  return Array.isArray(x) && x.length === 2 && typeof x[0] === 'string' && typeof x[1] === 'number';
}

function parseItem(x: unknown): Predicate[] {
  if (typeof x === 'string') return parseString(x);
  if (isTuple(x)) {
    const m = /^\s*([a-z]+)\s*(<=|>=|==|!=|<|>)\s*$/.exec(x[0]);
    if (!m) throw new JetlensInputError(`EFP selection tuple: cannot parse '${x[0]}' (expected e.g. ['d<=', 5])`);
    return [clause(m[1], m[2], x[1], `${x[0]}${x[1]}`)];
  }
  if (typeof x === 'object' && x !== null && !Array.isArray(x)) {
    return Object.entries(x).flatMap(([col, v]) => {
      if (typeof v === 'number') return [clause(col, '<=', v, `${col}: ${v}`)];
      if (Array.isArray(v) && v.length === 2 && v.every((e) => typeof e === 'number')) {
        return [clause(col, '>=', v[0], `${col}: [${v}]`), clause(col, '<=', v[1], `${col}: [${v}]`)];
      }
      throw new JetlensInputError(`EFP selection {${col}: ${JSON.stringify(v)}}: expected a number (max) or [min, max]`);
    });
  }
  throw new JetlensInputError(`EFP selection: cannot use ${JSON.stringify(x)} (expected a string like 'd<=5', a tuple ['d<=', 5], or an object {d: 5})`);
}

const isEdge = (e: unknown) => Array.isArray(e) && e.length === 2 && e.every((v) => typeof v === 'number');
const isEdgeList = (g: unknown) => Array.isArray(g) && g.every(isEdge);

/** Either explicit graphs or a predicate on catalogue specs. */
/** `dmax`: an upper bound on the degree of every selected graph (Infinity if the selection has none). */
export type ParsedSelection = { kind: 'graphs'; graphs: GraphEdges[] } | { kind: 'catalog'; predicate: Predicate; dmax: number };

export function parseSelection(sel: Selection): ParsedSelection {
  if (Array.isArray(sel) && sel.length > 0 && !isTuple(sel)) {
    if (sel.every(isEdge)) return { kind: 'graphs', graphs: [sel as GraphEdges] };
    if (sel.every((g) => Array.isArray(g) && (g.length === 0 || Array.isArray(g[0])))) {
      const bad = sel.findIndex((g) => !isEdgeList(g));
      if (bad >= 0) throw new JetlensInputError(`EFP graph ${bad}: expected an edge list [[a, b], ...], got ${JSON.stringify(sel[bad])}`);
      return { kind: 'graphs', graphs: sel as GraphEdges[] };
    }
  }
  if (Array.isArray(sel) && sel.length === 0) throw new JetlensInputError('EFP selection is empty');
  const items: unknown[] = Array.isArray(sel) && !isTuple(sel) ? sel : [sel];
  const preds = items.flatMap(parseItem);
  const dmax = Math.min(Infinity, ...preds.map((p) => p.dmax ?? Infinity));
  return { kind: 'catalog', predicate: (s) => preds.every((p) => p(s)), dmax };
}
