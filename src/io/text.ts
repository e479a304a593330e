import { createRequire } from 'node:module';
import type * as CsvParse from 'csv-parse/sync';
import type * as CsvStringify from 'csv-stringify/sync';
import { JetlensInputError } from '../errors.js';
import { JetBatch } from '../jets/batch.js';

/**
 * Jets as text. JSONL: one jet per line, either `[[pt, y, phi(, pid)], ...]` or
 * `{"particles": [[...], ...], "label": 0|1, "weight": w}`. CSV: one particle per row with a header
 * `jet,pt,y,phi[,pid][,label]` (rows of a jet contiguous; `label` repeated on each row of the jet).
 */
// csv-parse and csv-stringify load on first CSV use: imported statically they cost every command (a .npy run
// included) about 35 ms of start-up CPU (#20 item 5). Their CommonJS builds, through require, keep the calls sync.
const requireCjs = createRequire(import.meta.url);
const parse: typeof CsvParse.parse = ((...a: Parameters<typeof CsvParse.parse>) => (requireCjs('csv-parse/sync') as typeof CsvParse).parse(...a)) as typeof CsvParse.parse;
const stringify: typeof CsvStringify.stringify = ((...a: Parameters<typeof CsvStringify.stringify>) => (requireCjs('csv-stringify/sync') as typeof CsvStringify).stringify(...a)) as typeof CsvStringify.stringify;

export function parseJetsJsonl(text: string, file: string): JetBatch {
  const jets: number[][][] = [];
  const labels: number[] = [];
  const weights: number[] = [];
  const lines = text.split('\n');
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln].trim();
    if (line === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new JetlensInputError(`line ${ln + 1}: invalid JSON (${(e as Error).message})`, { file });
    }
    const obj = Array.isArray(v) ? { particles: v } : (v as { particles?: unknown; label?: unknown; weight?: unknown });
    if (!obj || !Array.isArray(obj.particles)) throw new JetlensInputError(`line ${ln + 1}: expected [[pt, y, phi], ...] or {"particles": ...}`, { file });
    for (const p of obj.particles as unknown[]) {
      if (!Array.isArray(p) || !p.every((x) => typeof x === 'number')) {
        throw new JetlensInputError(`line ${ln + 1}: every particle must be an array of numbers`, { file, jet: jets.length });
      }
    }
    jets.push(obj.particles as number[][]);
    if ('label' in obj) labels.push(Number(obj.label));
    if ('weight' in obj) weights.push(Number(obj.weight));
  }
  const per = (a: number[], name: string) => {
    if (a.length === 0) return undefined;
    if (a.length !== jets.length) throw new JetlensInputError(`'${name}' given on ${a.length} of ${jets.length} lines`, { file });
    return a;
  };
  return JetBatch.fromNested(jets, { file, labels: per(labels, 'label'), weights: per(weights, 'weight') });
}

export function formatJetsJsonl(b: JetBatch): string {
  const out: string[] = [];
  for (let j = 0; j < b.length; j++) {
    const particles = b.jet(j);
    if (!b.labels && !b.weights) out.push(JSON.stringify(particles));
    else out.push(JSON.stringify({ particles, ...(b.labels ? { label: b.labels[j] } : {}), ...(b.weights ? { weight: b.weights[j] } : {}) }));
  }
  return out.join('\n') + '\n';
}

// CSV goes through csv-parse / csv-stringify (quoting, CRLF, BOM), not split(','): files written by pandas, Excel or
// R quote headers and fields, start with a BOM, or carry an unnamed index column.

/** Cells pandas reads as NaN by default (read_csv na_values), which covers what numpy and R write. */
const NA_CELLS = new Set(['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']);
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** One CSV cell as a number (pandas' NaN spellings, inf/-inf, True/False), or undefined when it is not one. */
export function csvNumber(s: string): number | undefined {
  if (NA_CELLS.has(s)) return NaN;
  if (/^\+?(inf|infinity)$/i.test(s)) return Infinity;
  if (/^-(inf|infinity)$/i.test(s)) return -Infinity;
  if (s === 'True' || s === 'true') return 1;
  if (s === 'False' || s === 'false') return 0;
  return DECIMAL.test(s) ? Number(s) : undefined;
}

/** An index column: empty header (pandas df.to_csv()) or 'Unnamed: 0' (a file pandas read and wrote again). */
const isIndexHeader = (h: string, c: number) => c === 0 && (h === '' || h === 'Unnamed: 0');

interface CsvRecords {
  header: string[];
  rows: string[][];
  lines: number[]; // the file line of each row (1-based), for error messages
}

function parseCsvRecords(text: string, file: string): CsvRecords {
  let recs: { record: string[]; info: { lines: number } }[];
  try {
    recs = parse(text, { bom: true, trim: true, skip_empty_lines: true, info: true, relax_column_count: true }) as unknown as typeof recs;
  } catch (e) {
    throw new JetlensInputError(`malformed CSV: ${(e as Error).message}`, { file });
  }
  if (recs.length === 0) throw new JetlensInputError('empty CSV file', { file });
  const width = recs[0].record.length;
  for (const r of recs) {
    if (r.record.length !== width) throw new JetlensInputError(`line ${r.info.lines}: ${r.record.length} fields, header has ${width}`, { file });
  }
  return { header: recs[0].record, rows: recs.slice(1).map((r) => r.record), lines: recs.slice(1).map((r) => r.info.lines) };
}

/**
 * Parses a numeric CSV with a header row into named float64 columns. An unnamed first column (the index pandas
 * writes) is dropped; `only` restricts conversion to the named columns (the others may hold text).
 */
export function parseCsvTable(text: string, file: string, only?: string[]): Record<string, Float64Array> {
  const { header, rows, lines } = parseCsvRecords(text, file);
  const seen = new Set<string>();
  const keep: number[] = [];
  header.forEach((h, c) => {
    if (isIndexHeader(h, c)) return;
    if (h === '') throw new JetlensInputError(`CSV header: column ${c + 1} has no name`, { file });
    if (seen.has(h)) throw new JetlensInputError(`CSV header: column '${h}' appears twice`, { file });
    seen.add(h);
    if (!only || only.includes(h)) keep.push(c);
  });
  const missing = only?.filter((h) => !seen.has(h)) ?? [];
  if (missing.length) throw new JetlensInputError(`no array or column '${missing.join("', '")}' (has: ${[...seen].join(', ')})`, { file });
  const out: Record<string, Float64Array> = {};
  for (const c of keep) out[header[c]] = new Float64Array(rows.length);
  rows.forEach((cells, r) => {
    for (const c of keep) {
      const v = csvNumber(cells[c]);
      if (v === undefined) throw new JetlensInputError(`line ${lines[r]}, column '${header[c]}': '${cells[c]}' is not a number`, { file });
      out[header[c]][r] = v;
    }
  });
  return out;
}

/**
 * Writes named columns as CSV with a header and full float64 precision (17 significant digits); NaN and infinities
 * as nan, inf, -inf (read back by pandas.read_csv, numpy.loadtxt and jetlens).
 */
export function formatCsvTable(columns: Record<string, ArrayLike<number>>): string {
  const names = Object.keys(columns);
  const n = names.length ? columns[names[0]].length : 0;
  for (const k of names) if (columns[k].length !== n) throw new Error(`column '${k}' has ${columns[k].length} rows, expected ${n}`);
  const rows: string[][] = new Array(n);
  for (let r = 0; r < n; r++) rows[r] = names.map((k) => fmt(columns[k][r]));
  return stringify(rows, { header: true, columns: names });
}

function fmt(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v)) return String(v);
  return v.toPrecision(17).replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1');
}

export function parseJetsCsv(text: string, file: string): JetBatch {
  const t = parseCsvTable(text, file);
  for (const need of ['jet', 'pt', 'y', 'phi']) {
    if (!t[need]) throw new JetlensInputError(`CSV jets need columns jet,pt,y,phi[,pid][,mass][,label]; missing '${need}'`, { file });
  }
  const rows = t.jet.length;
  const jets: number[][][] = [];
  const labels: number[] = [];
  let last = NaN;
  for (let r = 0; r < rows; r++) {
    const id = t.jet[r];
    if (id !== last) {
      if (!Number.isNaN(last) && id < last) throw new JetlensInputError(`line ${r + 2}: jet ids must be contiguous and increasing`, { file });
      jets.push([]);
      if (t.label) labels.push(t.label[r]);
      last = id;
    }
    const p = [t.pt[r], t.y[r], t.phi[r]];
    if (t.pid || t.mass) p.push(t.pid ? t.pid[r] : 0);
    if (t.mass) p.push(t.mass[r]); // constituent masses (jetops: optional mass column)
    jets[jets.length - 1].push(p);
  }
  return JetBatch.fromNested(jets, { file, labels: t.label ? labels : undefined });
}

export function formatJetsCsv(b: JetBatch): string {
  const cols: Record<string, number[]> = { jet: [], pt: [], y: [], phi: [] };
  if (b.pid) cols.pid = [];
  if (b.mass) cols.mass = [];
  if (b.labels) cols.label = [];
  for (let j = 0; j < b.length; j++) {
    for (let i = b.offsets[j]; i < b.offsets[j + 1]; i++) {
      cols.jet.push(j);
      cols.pt.push(b.pt[i]);
      cols.y.push(b.y[i]);
      cols.phi.push(b.phi[i]);
      cols.pid?.push(b.pid![i]);
      cols.mass?.push(b.mass![i]);
      cols.label?.push(b.labels![j]);
    }
  }
  return formatCsvTable(cols);
}
