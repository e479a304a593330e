import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { JetlensInputError } from '../errors.js';
import { withTempFile, writeFileAtomic } from '../util/atomic.js';
import { JetBatch } from '../jets/batch.js';
import { readHdf5, writeHdf5 } from './hdf5.js';
import { toFloat64, type NdArray } from './ndarray.js';
import { npyDescr, npyHeader, parseNpy } from './npy.js';
import { readWhole } from './read.js';
import { labelVector } from './labels.js';
import { readRowsFromDisk } from './rows.js';
import { checkJetCount, regularFile } from './files.js';
import { formatNpz, parseNpz } from './npz.js';
import { formatCsvTable, formatJetsCsv, formatJetsJsonl, parseCsvTable, parseJetsCsv, parseJetsJsonl } from './text.js';

export type { NdArray, TypedArray } from './ndarray.js';
export { ndarray, toFloat64 } from './ndarray.js';
export { parseNpy, formatNpy } from './npy.js';
export { parseNpz, formatNpz } from './npz.js';
export { labelVector, setNoteHandler } from './labels.js';

export type JetFormat = 'npz' | 'npy' | 'hdf5' | 'csv' | 'jsonl';

/** Format from the file extension. */
export function formatOf(file: string): JetFormat {
  const e = extname(file).toLowerCase();
  if (e === '.npz' || e === '.npy' || e === '.csv' || e === '.jsonl') return e.slice(1) as JetFormat;
  if (e === '.h5' || e === '.hdf5') return 'hdf5';
  if (e === '.json' || e === '.ndjson') return 'jsonl';
  throw new JetlensInputError(`unknown file type '${e || '(none)'}' (expected .npz, .npy, .h5/.hdf5, .csv or .jsonl)`, { file });
}

async function readBytes(file: string): Promise<Uint8Array> {
  regularFile(file);
  return readWhole(file); // one buffer of the file's size, few large reads (src/io/read.ts)
}

/** Text of a regular file (FIFOs and devices refused, size limited). */
async function readText(file: string): Promise<string> {
  regularFile(file);
  return readFile(file, 'utf8');
}

export interface ReadJetsOptions {
  /** Array/dataset holding the (N, M, 3|4) particles (default 'X'). */
  dataset?: string;
  /** Array/dataset holding the labels (default 'y'; absent is fine). */
  labels?: string;
  /** Array/dataset holding per-jet weights (default 'w'; absent is fine). */
  weights?: string;
  /**
   * Keep only jets [start, end), chosen once the file's jet count is known (a shard's slice): for array formats only
   * those rows are converted and validated, and errors name the jet's index in the file.
   */
  rows?: (total: number) => [number, number];
}

/**
 * Reads jets from .npz (EnergyFlow layout: X (N, M, 4) pt, y, phi, pid and y labels), .npy (the X array alone),
 * .h5/.hdf5 (datasets by name), .csv (one particle per row: jet,pt,y,phi[,pid][,label]) or .jsonl (one jet per line).
 */
export async function readJets(file: string, opts: ReadJetsOptions = {}): Promise<JetBatch> {
  const fmt = formatOf(file);
  if (fmt === 'csv' || fmt === 'jsonl') {
    const text = await readText(file);
    const all = fmt === 'csv' ? parseJetsCsv(text, file) : parseJetsJsonl(text, file);
    return opts.rows ? all.slice(...rowRange(opts.rows, all.length, file)) : all;
  }
  const xName = opts.dataset ?? 'X';
  const pick = opts.rows && ((n: number) => rowRange(opts.rows!, n, file));
  // A slice of a .npy/.npz comes straight from disk; the whole file is read otherwise (and for Fortran order).
  let sliced = pick && fmt !== 'hdf5' ? await readRowsFromDisk(file, [xName, opts.labels ?? 'y', opts.weights ?? 'w'], pick) : null;
  let arrays: Record<string, NdArray>;
  if (sliced?.arrays[xName]) arrays = sliced.arrays;
  else if (fmt === 'npy') arrays = { [xName]: parseNpy(await readBytes(file), file, true) };
  else if (fmt === 'npz') arrays = parseNpz(await readBytes(file), file);
  else {
    const required = [xName, opts.labels, opts.weights].filter((n): n is string => n !== undefined);
    let first = 0;
    arrays = await readHdf5(file, required, ['y', 'w'], pick && ((n) => { const r = pick(n); first = r[0]; return r; }));
    if (pick) sliced = { arrays, total: 0, first };
  }
  const X = arrays[xName];
  if (!X) throw new JetlensInputError(`no particle array '${xName}' (has: ${Object.keys(arrays).join(', ')}); choose one with --dataset`, { file });
  // The jets this read materialises (a whole file, or a shard's slice): a header such as (4e8, 0, 4) is refused here.
  if (sliced?.arrays[xName] || !pick) checkJetCount(X.shape[0] ?? 0, file);
  if (!(X.data instanceof Float64Array || X.data instanceof Float32Array)) {
    throw new JetlensInputError(`particle array '${xName}' must be float32 or float64`, { file });
  }
  const perJet = (name: string | undefined, fallback: string) => {
    const a = arrays[name ?? fallback];
    if (!a) {
      if (name) throw new JetlensInputError(`no array '${name}'`, { file });
      return undefined;
    }
    if (fallback === 'y' && a.shape.length === 2) return labelVector(a, `${file}:${name ?? fallback}`);
    if (a.shape.length !== 1) throw new JetlensInputError(`'${name ?? fallback}' must be 1-d, has shape (${a.shape.join(', ')})`, { file });
    return toFloat64(a.data);
  };
  const labels = perJet(opts.labels, 'y');
  const weights = perJet(opts.weights, 'w');
  if (sliced?.arrays[xName]) return JetBatch.fromPadded(X.data, X.shape, { file, firstJet: sliced.first, labels, weights });
  if (!pick || X.shape.length !== 3) return JetBatch.fromPadded(X.data, X.shape, { file, labels, weights });
  const [n, m, f] = X.shape;
  const [a, b] = pick(n);
  for (const [name, v] of [['labels', labels], ['weights', weights]] as const) {
    if (v && v.length !== n) throw new JetlensInputError(`${name} has ${v.length} entries for ${n} jets`, { file, field: name });
  }
  return JetBatch.fromPadded(X.data.subarray(a * m * f, b * m * f), [b - a, m, f], {
    file, firstJet: a, labels: labels?.subarray(a, b), weights: weights?.subarray(a, b),
  });
}

function rowRange(rows: (total: number) => [number, number], total: number, file: string): [number, number] {
  const [a, b] = rows(total);
  if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && a <= b && b <= total)) {
    throw new JetlensInputError(`rows [${a}, ${b}) are not within the file's ${total} jets`, { file });
  }
  return [a, b];
}


/**
 * Writes jets in the format of the file's extension (npz: X float64 (N, M, 3|4) and y labels, compressed; a 5th
 * column, mass, when the jets carry masses).
 */
export async function writeJets(file: string, b: JetBatch, opts: { compress?: boolean } = {}): Promise<void> {
  const fmt = formatOf(file);
  if (fmt === 'csv') return writeFileAtomic(file, formatJetsCsv(b));
  if (fmt === 'jsonl') return writeFileAtomic(file, formatJetsJsonl(b));
  // Masses travel as a 5th column whenever the jets carry them (jetops: mass column); otherwise (N, M, 3|4).
  const X = b.toPadded(undefined, undefined, b.mass !== undefined);
  const arrays: Record<string, NdArray> = { X: { data: X.data, shape: X.shape } };
  if (b.labels) arrays.y = { data: b.labels, shape: [b.length] };
  if (b.weights) arrays.w = { data: b.weights, shape: [b.length] };
  if (fmt === 'npy') return writeNpy(file, arrays.X);
  if (fmt === 'npz') return writeFileAtomic(file, formatNpz(arrays, opts.compress ?? true));
  await withTempFile(file, (tmp) => writeHdf5(tmp, arrays));
}

/**
 * Reads one numeric array from 'file.npy', 'file.npz:name' (name optional if it holds one array),
 * 'file.csv:column' or 'file.h5:dataset'.
 */
export async function readArray(spec: string): Promise<NdArray> {
  const m = /^(.*?\.(?:npy|npz|csv|h5|hdf5))(?::(.+))?$/i.exec(spec);
  if (!m) throw new JetlensInputError(`cannot read an array from '${spec}' (expected file.npy, file.npz:name, file.csv:column or file.h5:dataset)`);
  const [, file, name] = m;
  const fmt = formatOf(file);
  if (fmt === 'npy') {
    if (name) throw new JetlensInputError(`a .npy file holds one array; drop ':${name}'`, { file });
    return parseNpy(await readBytes(file), file, true);
  }
  let arrays: Record<string, NdArray>;
  if (fmt === 'npz') arrays = parseNpz(await readBytes(file), file);
  else if (fmt === 'hdf5') arrays = await readHdf5(file, name ? [name] : undefined);
  else {
    const t = parseCsvTable(await readText(file), file, name ? [name] : undefined);
    arrays = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, { data: v, shape: [v.length] }]));
  }
  const keys = Object.keys(arrays);
  if (!name) {
    if (keys.length === 1) return arrays[keys[0]];
    throw new JetlensInputError(`holds several arrays (${keys.join(', ')}): name one as ${file}:NAME`, { file });
  }
  const a = arrays[name];
  if (!a) throw new JetlensInputError(`no array or column '${name}' (has: ${keys.join(', ')})`, { file });
  return a;
}

/** Reads a table of named float64 columns from .csv (header row), .npz (1-d arrays) or .h5 (1-d datasets). */
export async function readTable(file: string): Promise<Record<string, Float64Array>> {
  const fmt = formatOf(file);
  if (fmt === 'csv') return parseCsvTable(await readText(file), file);
  const arrays = fmt === 'npz' ? parseNpz(await readBytes(file), file) : fmt === 'hdf5' ? await readHdf5(file) : undefined;
  if (!arrays) throw new JetlensInputError('a table must be .csv, .npz or .h5', { file });
  const out: Record<string, Float64Array> = {};
  for (const [k, a] of Object.entries(arrays)) if (a.shape.length === 1) out[k] = toFloat64(a.data);
  return out;
}

export async function writeNpy(file: string, a: NdArray): Promise<void> {
  // Header, then the array's own bytes: no second copy of a large output in memory.
  await writeFileAtomic(file, [npyHeader(npyDescr(a.data), a.shape), new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength)]);
}

export async function writeNpz(file: string, arrays: Record<string, NdArray>, compress = true): Promise<void> {
  await writeFileAtomic(file, formatNpz(arrays, compress));
}

/** Writes named float64 columns as .csv (header, 17 significant digits) or .npz (one array per column). */
export async function writeTable(file: string, columns: Record<string, ArrayLike<number>>): Promise<void> {
  const fmt = formatOf(file);
  if (fmt === 'csv') return writeFileAtomic(file, formatCsvTable(columns));
  const arrays: Record<string, NdArray> = {};
  for (const [k, v] of Object.entries(columns)) {
    const data = v instanceof Float64Array ? v : Float64Array.from(v);
    arrays[k] = { data, shape: [data.length] };
  }
  if (fmt === 'npz') return writeNpz(file, arrays);
  if (fmt === 'hdf5') return withTempFile(file, (tmp) => writeHdf5(tmp, arrays));
  throw new JetlensInputError('a table must be written as .csv, .npz or .h5', { file });
}
