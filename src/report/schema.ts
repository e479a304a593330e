// The report.json schema: what a study writes into its run directory, and the validator that checks it.
//
// A run directory holds `report.json` and any data files. `report.json` is either a list of sections or
// `{title?: string, sections: Section[]}`. `jetlens report RUN_DIR` turns it into `RUN_DIR/index.html` (one
// self-contained file) plus `RUN_DIR/figures/NN-slug.{svg,png}` for every plot section. See docs/report.md.
import { JetlensInputError } from '../errors.js';

/** Fields every section has. `caption` is a short plain-text note shown under the section. */
interface SectionBase {
  title: string;
  caption?: string;
}

/** Plain paragraphs (blank line = new paragraph; `- ` bullets, `**bold**`, `*italic*`, `` `code` ``). Raw HTML is
 * never rendered: every character is escaped. */
export interface TextSection extends SectionBase {
  type: 'text';
  markdown?: string;
  html?: never;
}

/** An EFP multigraph as an edge list: [[0,1],[1,2],[0,2]] is the triangle; a repeated pair is a multi-edge. */
export type EdgeList = [number, number][];
export type TableCell = string | number | null | EdgeList;

/** A table. When `graphs.column` is set, that column holds edge lists (or their JSON text) and every cell is drawn
 * as a small multigraph, labelled with the row's `kappa` and `beta` columns when the table has them. */
export interface TableSection extends SectionBase {
  type: 'table';
  columns: string[];
  rows: TableCell[][];
  graphs?: { column: string };
}

export interface RocCurve {
  label: string;
  fpr: number[];
  tpr: number[];
  /** Shown in the legend; computed from the curve (trapezoids) when absent. */
  auc?: number;
  /** Bootstrap band: tpr range at each fpr. */
  band?: { fpr: number[]; tprLow: number[]; tprHigh: number[] };
}

/** ROC curves (tpr against fpr), or with `rejection: true` background rejection 1/fpr against signal efficiency
 * tpr on a log axis. */
export interface RocSection extends SectionBase {
  type: 'roc';
  curves: RocCurve[];
  rejection?: boolean;
}

export interface LineSeries {
  label: string;
  x: number[];
  y: number[];
  /** Symmetric error bar on y. */
  yErr?: number[];
  /** 'linepoints' (default), 'line' or 'points'. */
  mark?: 'line' | 'points' | 'linepoints';
  /** Dashed line, e.g. for a fitted power law. */
  dashed?: boolean;
}

/** y against x for one or more series; `logX`/`logY` need positive values. */
export interface LineSection extends SectionBase {
  type: 'line';
  x: string;
  y: string;
  logX?: boolean;
  logY?: boolean;
  series: LineSeries[];
}

export interface HistogramSeries {
  label: string;
  values: number[];
  weights?: number[];
}

/** Histograms of one observable for several samples, drawn as step outlines. `fit` is overlaid as a dashed curve
 * and must already be normalised like the histogram (density or counts). Values outside `range` are left out. */
export interface HistogramSection extends SectionBase {
  type: 'histogram';
  x: string;
  bins?: number;
  range?: [number, number];
  density?: boolean;
  logY?: boolean;
  series: HistogramSeries[];
  fit?: { label: string; x: number[]; y: number[] };
}

/** A square jet image: `data` is row-major with rows = phi and columns = y (rapidity), length npix*npix. */
export interface JetImage {
  label: string;
  npix: number;
  data: number[];
  /** Axis extent [yMin, yMax, phiMin, phiMax]; pixel indices when absent. */
  extent?: [number, number, number, number];
}

/** Heatmaps of jet images side by side, each with its own colour scale. */
export interface ImageSection extends SectionBase {
  type: 'image';
  images: JetImage[];
  logScale?: boolean;
}

export type Section = TextSection | TableSection | RocSection | LineSection | HistogramSection | ImageSection;
export type SectionType = Section['type'];
export const SECTION_TYPES: readonly SectionType[] = ['text', 'table', 'roc', 'line', 'histogram', 'image'];
/** Section types drawn as a figure (one SVG + PNG each). */
export const FIGURE_TYPES: readonly SectionType[] = ['roc', 'line', 'histogram', 'image'];

export interface Report {
  title?: string;
  sections: Section[];
}

/** A report.json that breaks the schema. The message names the section index, its type and title, and the field. */
export class ReportSchemaError extends JetlensInputError {
  constructor(
    readonly section: number | undefined,
    readonly path: string,
    problem: string,
    file?: string,
  ) {
    super(problem, { file, field: section === undefined ? path : `sections[${section}]${path ? '.' + path : ''}` });
    this.name = 'ReportSchemaError';
  }
}

// ---- validation -----------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

/** Validation context of one section: raises errors that name the section and the field. */
class Checker {
  constructor(
    readonly index: number,
    readonly file?: string,
  ) {}

  fail(path: string, problem: string): never {
    throw new ReportSchemaError(this.index, path, problem, this.file);
  }

  obj(v: unknown, path: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, `expected an object, got ${kind(v)}`);
    return v as Obj;
  }

  str(o: Obj, key: string, path: string, optional = false): string | undefined {
    const v = o[key];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'string') this.fail(join(path, key), `expected a string, got ${kind(v)}`);
    return v;
  }

  bool(o: Obj, key: string, path: string): void {
    const v = o[key];
    if (v !== undefined && typeof v !== 'boolean') this.fail(join(path, key), `expected true or false, got ${kind(v)}`);
  }

  arr(o: Obj, key: string, path: string, optional = false): unknown[] | undefined {
    const v = o[key];
    if (v === undefined && optional) return undefined;
    if (!Array.isArray(v)) this.fail(join(path, key), `expected an array, got ${kind(v)}`);
    return v;
  }

  /** A non-empty-or-empty array of finite numbers, optionally of a given length. */
  nums(o: Obj, key: string, path: string, opts: { optional?: boolean; length?: number; lengthOf?: string } = {}): number[] | undefined {
    const a = this.arr(o, key, path, opts.optional);
    if (a === undefined) return undefined;
    const p = join(path, key);
    a.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) this.fail(`${p}[${i}]`, `expected a finite number, got ${kind(x)}`);
    });
    if (opts.length !== undefined && a.length !== opts.length)
      this.fail(p, `has ${a.length} values but ${opts.lengthOf} has ${opts.length}`);
    return a as number[];
  }

  positive(a: number[], path: string, why: string): void {
    a.forEach((x, i) => {
      if (!(x > 0)) this.fail(`${path}[${i}]`, `${why} needs values > 0, got ${x}`);
    });
  }

  unit(a: number[], path: string): void {
    a.forEach((x, i) => {
      if (x < 0 || x > 1) this.fail(`${path}[${i}]`, `expected a rate in [0, 1], got ${x}`);
    });
  }

  /** Rejects keys the schema does not know, so typos (`logx`) are caught instead of silently ignored. */
  known(o: Obj, keys: string[], path: string): void {
    for (const k of Object.keys(o)) if (!keys.includes(k)) this.fail(join(path, k), `unknown field (expected one of: ${keys.join(', ')})`);
  }
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

const BASE_KEYS = ['type', 'title', 'caption'];

/**
 * Checks a parsed report.json (a list of sections, or `{title?, sections}`) and returns it typed. Throws a
 * ReportSchemaError whose message names the section index and field, e.g.
 * `report.json: field sections[2].curves[0].tpr: has 9 values but fpr has 10`.
 */
export function validateReport(json: unknown, file?: string): Report {
  let title: string | undefined;
  let sections: unknown;
  if (Array.isArray(json)) sections = json;
  else if (typeof json === 'object' && json !== null) {
    const o = json as Obj;
    for (const k of Object.keys(o))
      if (k !== 'title' && k !== 'sections') throw new ReportSchemaError(undefined, k, 'unknown field (expected title, sections)', file);
    if (o.title !== undefined && typeof o.title !== 'string') throw new ReportSchemaError(undefined, 'title', `expected a string, got ${kind(o.title)}`, file);
    title = o.title as string | undefined;
    sections = o.sections;
    if (!Array.isArray(sections)) throw new ReportSchemaError(undefined, 'sections', `expected an array of sections, got ${kind(sections)}`, file);
  } else throw new ReportSchemaError(undefined, '', `expected a list of sections or {title, sections}, got ${kind(json)}`, file);
  return { title, sections: (sections as unknown[]).map((s, i) => validateSection(s, i, file)) };
}

/** Checks one section; `index` is only used in error messages. */
export function validateSection(s: unknown, index = 0, file?: string): Section {
  const c = new Checker(index, file);
  const o = c.obj(s, '');
  const type = o.type;
  if (typeof type !== 'string' || !(SECTION_TYPES as string[]).includes(type))
    c.fail('type', `expected one of ${SECTION_TYPES.map((t) => `'${t}'`).join(', ')}, got ${kind(type)}`);
  c.str(o, 'title', '');
  c.str(o, 'caption', '', true);
  CHECKS[type as SectionType](c, o);
  return o as unknown as Section;
}

const CHECKS: Record<SectionType, (c: Checker, o: Obj) => void> = {
  text: checkText,
  table: checkTable,
  roc: checkRoc,
  line: checkLine,
  histogram: checkHistogram,
  image: checkImage,
};

function checkText(c: Checker, o: Obj): void {
  if ('html' in o) c.fail('html', 'raw HTML is not allowed in a report (it would be escaped anyway); use markdown');
  c.known(o, [...BASE_KEYS, 'markdown'], '');
  c.str(o, 'markdown', '', true);
}

function checkTable(c: Checker, o: Obj): void {
  c.known(o, [...BASE_KEYS, 'columns', 'rows', 'graphs'], '');
  const columns = c.arr(o, 'columns', '')!;
  columns.forEach((x, i) => {
    if (typeof x !== 'string') c.fail(`columns[${i}]`, `expected a column name, got ${kind(x)}`);
  });
  let graphCol = -1;
  if (o.graphs !== undefined) {
    const g = c.obj(o.graphs, 'graphs');
    c.known(g, ['column'], 'graphs');
    const name = c.str(g, 'column', 'graphs')!;
    graphCol = columns.indexOf(name);
    if (graphCol < 0) c.fail('graphs.column', `'${name}' is not one of the columns (${columns.join(', ')})`);
  }
  const rows = c.arr(o, 'rows', '')!;
  rows.forEach((r, i) => {
    if (!Array.isArray(r)) c.fail(`rows[${i}]`, `expected an array of cells, got ${kind(r)}`);
    if (r.length !== columns.length) c.fail(`rows[${i}]`, `has ${r.length} cells but there are ${columns.length} columns`);
    r.forEach((cell, j) => {
      const p = `rows[${i}][${j}]`;
      if (j === graphCol) parseEdges(cell, (problem) => c.fail(p, problem));
      else if (!(cell === null || typeof cell === 'string' || (typeof cell === 'number' && Number.isFinite(cell))))
        c.fail(p, `expected a string, a finite number or null, got ${kind(cell)}`);
    });
  });
}

/** Largest vertex count a table graph may have (EFPs go to d = 10 or so; this keeps drawings legible). */
export const MAX_GRAPH_VERTICES = 16;

/** Reads an edge list (an array or its JSON text) and checks it: pairs of distinct vertex indices 0..15. */
export function parseEdges(cell: unknown, fail: (problem: string) => never): EdgeList {
  let v = cell;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      fail(`expected an edge list such as [[0,1],[1,2]], got ${kind(cell)}`);
    }
  }
  if (!Array.isArray(v)) fail(`expected an edge list such as [[0,1],[1,2]], got ${kind(cell)}`);
  (v as unknown[]).forEach((e, k) => {
    if (!Array.isArray(e) || e.length !== 2) fail(`edge ${k}: expected a pair [i, j], got ${JSON.stringify(e)}`);
    for (const x of e as unknown[])
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x >= MAX_GRAPH_VERTICES)
        fail(`edge ${k}: vertex ${JSON.stringify(x)} is not an integer in [0, ${MAX_GRAPH_VERTICES - 1}]`);
    if ((e as number[])[0] === (e as number[])[1]) fail(`edge ${k}: self-loop [${e}] (EFP graphs have none)`);
  });
  return v as EdgeList;
}

function checkRoc(c: Checker, o: Obj): void {
  c.known(o, [...BASE_KEYS, 'curves', 'rejection'], '');
  c.bool(o, 'rejection', '');
  const curves = c.arr(o, 'curves', '')!;
  if (curves.length === 0) c.fail('curves', 'needs at least one curve');
  curves.forEach((cv, i) => {
    const p = `curves[${i}]`;
    const co = c.obj(cv, p);
    c.known(co, ['label', 'fpr', 'tpr', 'auc', 'band'], p);
    c.str(co, 'label', p);
    const fpr = c.nums(co, 'fpr', p)!;
    if (fpr.length < 2) c.fail(`${p}.fpr`, `needs at least 2 points, got ${fpr.length}`);
    const tpr = c.nums(co, 'tpr', p, { length: fpr.length, lengthOf: 'fpr' })!;
    c.unit(fpr, `${p}.fpr`);
    c.unit(tpr, `${p}.tpr`);
    if (co.auc !== undefined && (typeof co.auc !== 'number' || !(co.auc >= 0 && co.auc <= 1)))
      c.fail(`${p}.auc`, `expected a number in [0, 1], got ${kind(co.auc)}`);
    if (co.band !== undefined) {
      const bp = `${p}.band`;
      const b = c.obj(co.band, bp);
      c.known(b, ['fpr', 'tprLow', 'tprHigh'], bp);
      const bf = c.nums(b, 'fpr', bp)!;
      c.unit(bf, `${bp}.fpr`);
      c.unit(c.nums(b, 'tprLow', bp, { length: bf.length, lengthOf: 'band.fpr' })!, `${bp}.tprLow`);
      c.unit(c.nums(b, 'tprHigh', bp, { length: bf.length, lengthOf: 'band.fpr' })!, `${bp}.tprHigh`);
    }
  });
}

function checkLine(c: Checker, o: Obj): void {
  c.known(o, [...BASE_KEYS, 'x', 'y', 'logX', 'logY', 'series'], '');
  c.str(o, 'x', '');
  c.str(o, 'y', '');
  c.bool(o, 'logX', '');
  c.bool(o, 'logY', '');
  const series = c.arr(o, 'series', '')!;
  if (series.length === 0) c.fail('series', 'needs at least one series');
  series.forEach((sv, i) => {
    const p = `series[${i}]`;
    const so = c.obj(sv, p);
    c.known(so, ['label', 'x', 'y', 'yErr', 'mark', 'dashed'], p);
    c.str(so, 'label', p);
    const x = c.nums(so, 'x', p)!;
    const y = c.nums(so, 'y', p, { length: x.length, lengthOf: 'x' })!;
    const err = c.nums(so, 'yErr', p, { optional: true, length: x.length, lengthOf: 'x' });
    err?.forEach((e, k) => {
      if (e < 0) c.fail(`${p}.yErr[${k}]`, `error bars must be >= 0, got ${e}`);
    });
    if (so.mark !== undefined && !['line', 'points', 'linepoints'].includes(so.mark as string))
      c.fail(`${p}.mark`, `expected 'line', 'points' or 'linepoints', got ${kind(so.mark)}`);
    c.bool(so, 'dashed', p);
    if (o.logX) c.positive(x, `${p}.x`, 'logX');
    if (o.logY) c.positive(y, `${p}.y`, 'logY');
  });
}

function checkHistogram(c: Checker, o: Obj): void {
  c.known(o, [...BASE_KEYS, 'x', 'bins', 'range', 'density', 'logY', 'series', 'fit'], '');
  c.str(o, 'x', '');
  if (o.bins !== undefined && !(Number.isInteger(o.bins) && (o.bins as number) >= 1 && (o.bins as number) <= 10000))
    c.fail('bins', `expected an integer in [1, 10000], got ${kind(o.bins)}`);
  const range = c.nums(o, 'range', '', { optional: true });
  if (range && (range.length !== 2 || !(range[0] < range[1]))) c.fail('range', `expected [lo, hi] with lo < hi, got ${JSON.stringify(range)}`);
  c.bool(o, 'density', '');
  c.bool(o, 'logY', '');
  const series = c.arr(o, 'series', '')!;
  if (series.length === 0) c.fail('series', 'needs at least one series');
  series.forEach((sv, i) => {
    const p = `series[${i}]`;
    const so = c.obj(sv, p);
    c.known(so, ['label', 'values', 'weights'], p);
    c.str(so, 'label', p);
    const v = c.nums(so, 'values', p)!;
    c.nums(so, 'weights', p, { optional: true, length: v.length, lengthOf: 'values' });
  });
  if (o.fit !== undefined) {
    const f = c.obj(o.fit, 'fit');
    c.known(f, ['label', 'x', 'y'], 'fit');
    c.str(f, 'label', 'fit');
    const x = c.nums(f, 'x', 'fit')!;
    c.nums(f, 'y', 'fit', { length: x.length, lengthOf: 'x' });
  }
}

function checkImage(c: Checker, o: Obj): void {
  c.known(o, [...BASE_KEYS, 'images', 'logScale'], '');
  c.bool(o, 'logScale', '');
  const images = c.arr(o, 'images', '')!;
  if (images.length === 0) c.fail('images', 'needs at least one image');
  images.forEach((iv, i) => {
    const p = `images[${i}]`;
    const io = c.obj(iv, p);
    c.known(io, ['label', 'npix', 'data', 'extent'], p);
    c.str(io, 'label', p);
    const npix = io.npix;
    if (!(Number.isInteger(npix) && (npix as number) >= 1 && (npix as number) <= 256))
      c.fail(`${p}.npix`, `expected an integer in [1, 256], got ${kind(npix)}`);
    const data = c.arr(io, 'data', p)!;
    if (data.length !== (npix as number) ** 2) c.fail(`${p}.data`, `has ${data.length} values but npix*npix = ${(npix as number) ** 2}`);
    c.nums(io, 'data', p);
    const ext = c.nums(io, 'extent', p, { optional: true });
    if (ext && (ext.length !== 4 || !(ext[0] < ext[1] && ext[2] < ext[3])))
      c.fail(`${p}.extent`, `expected [yMin, yMax, phiMin, phiMax] with min < max, got ${JSON.stringify(ext)}`);
  });
}
