import { labelVector, readArray, toFloat64 } from '../io/index.js';
import { JetlensInputError } from '../errors.js';

/** Reads a 1-d array (or (N, 1)) from 'f.npy', 'f.npz:name', 'f.csv:column' or 'f.h5:dataset' as float64. */
export async function readVector(spec: string, what: string): Promise<Float64Array> {
  const a = await readArray(spec);
  const n = a.shape[0] ?? 0;
  if (a.shape.length > 2 || (a.shape.length === 2 && a.shape[1] !== 1))
    throw new JetlensInputError(`--${what} ${spec}: expected a 1-d array, got shape (${a.shape.join(', ')})`);
  if (a.data.length !== n) throw new JetlensInputError(`--${what} ${spec}: expected ${n} values`);
  return toFloat64(a.data);
}

/** Reads labels (1 signal, 0 background) from an array spec; one-hot (N, 2) is read as argmax with a note. */
export async function readLabels(spec: string, what = 'labels'): Promise<Float64Array> {
  return labelVector(await readArray(spec), `--${what} ${spec}`);
}

/** Prints `key  value` lines, aligned. */
export function printTable(rows: Record<string, number | string>): void {
  const width = Math.max(...Object.keys(rows).map((k) => k.length));
  for (const [k, v] of Object.entries(rows)) console.log(`${k.padEnd(width)}  ${typeof v === 'number' ? fmtNumber(v) : v}`);
}

function fmtNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Number.isFinite(v) ? v.toPrecision(6) : String(v);
}

/** JSON with NaN/Infinity written as null (JSON has no NaN). */
export function printJson(obj: Record<string, number | string>): void {
  console.log(JSON.stringify(obj, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2));
}
