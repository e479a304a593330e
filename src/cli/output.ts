// One output-format helper for every command: the extension of --out decides what is written, and an extension a
// command cannot write is refused up front (before any work) with the list of those it can.
import { extname } from 'node:path';
import { JetlensInputError } from '../errors.js';
import { formatCsvTable } from '../io/text.js';
import { writeNpy, writeNpz, type NdArray } from '../io/index.js';
import { writeHdf5 } from '../io/hdf5.js';
import { writeFileAtomic } from '../util/atomic.js';
import { UsageError } from './util.js';

/** Output kinds by extension. 'h5' covers .h5 and .hdf5. */
export type OutFormat = 'npy' | 'npz' | 'csv' | 'h5' | 'json';

/** The table formats (named arrays with one row per item). */
export const TABLE_FORMATS: readonly OutFormat[] = ['npy', 'npz', 'csv', 'h5'];

const EXT: Record<string, OutFormat> = { '.npy': 'npy', '.npz': 'npz', '.csv': 'csv', '.h5': 'h5', '.hdf5': 'h5', '.json': 'json' };

const list = (formats: readonly OutFormat[]) => formats.map((f) => `.${f}`).join(', ');

/**
 * The format --out asks for, or a JetlensInputError naming the flag, the file and the formats this command writes.
 * Call it before any work so a wrong extension costs nothing.
 */
export function outputFormat(file: string, formats: readonly OutFormat[], flag = '--out'): OutFormat {
  const ext = extname(file).toLowerCase();
  const f = EXT[ext];
  if (!f || !formats.includes(f)) {
    throw new UsageError(`${flag} ${file}: cannot write '${ext || '(no extension)'}' here; this command writes ${list(formats)}`);
  }
  return f;
}

/**
 * A table to write: named arrays with the same first dimension (1-d columns or (N, K) blocks). `main` is the one a
 * .npy holds (a .npy has room for one array); `labels` (0/1 per row) travel as column 'y' in .npz, .csv and .h5.
 * `csvNames` names the K columns of a 2-d block in CSV (default NAME_0 .. NAME_{K-1}).
 */
export interface TableOutput {
  arrays: Record<string, NdArray>;
  main?: string;
  labels?: Float64Array;
  csvNames?: Record<string, string[]>;
}

/** Writes `t` in the format of `file`'s extension (checked against `formats` first). */
export async function writeOutput(file: string, t: TableOutput, formats: readonly OutFormat[] = TABLE_FORMATS): Promise<OutFormat> {
  const f = outputFormat(file, formats);
  const arrays: Record<string, NdArray> = { ...t.arrays };
  if (t.labels && f !== 'npy' && !('y' in arrays)) arrays.y = { data: t.labels, shape: [t.labels.length] };
  checkRows(arrays);
  if (f === 'npy') {
    if (!t.main) throw new JetlensInputError(`--out ${file}: a .npy holds one array and this output has ${Object.keys(t.arrays).join(', ')}; use ${list(formats.filter((x) => x !== 'npy'))}`);
    await writeNpy(file, arrays[t.main]);
  } else if (f === 'npz') await writeNpz(file, arrays);
  else if (f === 'h5') await writeHdf5Atomic(file, arrays);
  else if (f === 'csv') await writeFileAtomic(file, formatCsvTable(csvColumns(arrays, t.csvNames ?? {})));
  else throw new JetlensInputError(`--out ${file}: this output is a table; write it as ${list(TABLE_FORMATS)}`);
  return f;
}

function checkRows(arrays: Record<string, NdArray>): void {
  const rows = Object.values(arrays).map((a) => a.shape[0]);
  if (rows.some((n) => n !== rows[0])) throw new Error(`table arrays differ in rows: ${Object.entries(arrays).map(([k, a]) => `${k} ${a.shape[0]}`).join(', ')}`);
}

/** 1-d arrays become columns; an (N, K) block becomes K columns; higher ranks do not fit a CSV. */
function csvColumns(arrays: Record<string, NdArray>, names: Record<string, string[]>): Record<string, ArrayLike<number>> {
  const out: Record<string, ArrayLike<number>> = {};
  for (const [k, a] of Object.entries(arrays)) {
    const data = a.data as ArrayLike<number>;
    if (a.shape.length === 1) out[k] = data;
    else if (a.shape.length === 2) {
      const [n, m] = a.shape;
      for (let j = 0; j < m; j++) {
        const col = new Float64Array(n);
        for (let i = 0; i < n; i++) col[i] = Number(data[i * m + j]);
        out[names[k]?.[j] ?? `${k}_${j}`] = col;
      }
    } else throw new JetlensInputError(`'${k}' has shape (${a.shape.join(', ')}): a CSV holds 1-d and 2-d arrays only; use .npy, .npz or .h5`);
  }
  return out;
}

async function writeHdf5Atomic(file: string, arrays: Record<string, NdArray>): Promise<void> {
  const { rename } = await import('node:fs/promises');
  const tmp = `${file}.tmp-${process.pid}.h5`;
  await writeHdf5(tmp, arrays);
  await rename(tmp, file);
}
