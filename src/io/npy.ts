import { JetlensInputError } from '../errors.js';
import type { NdArray, TypedArray } from './ndarray.js';

/**
 * NumPy .npy (format versions 1.0, 2.0, 3.0). Reads little- and big-endian numeric dtypes, bool, C and Fortran
 * order (Fortran arrays are transposed to C order), and always writes version 1.0 little-endian C order.
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface DType {
  ctor: { new (n: number): TypedArray; new (b: ArrayBuffer, offset: number, length: number): TypedArray };
  size: number;
  get?: (v: DataView, off: number, le: boolean) => number | bigint; // for byte swapping
}

const DTYPES: Record<string, DType> = {
  f8: { ctor: Float64Array, size: 8, get: (v, o, le) => v.getFloat64(o, le) },
  f4: { ctor: Float32Array, size: 4, get: (v, o, le) => v.getFloat32(o, le) },
  i4: { ctor: Int32Array, size: 4, get: (v, o, le) => v.getInt32(o, le) },
  u4: { ctor: Uint32Array, size: 4, get: (v, o, le) => v.getUint32(o, le) },
  i2: { ctor: Int16Array, size: 2, get: (v, o, le) => v.getInt16(o, le) },
  u2: { ctor: Uint16Array, size: 2, get: (v, o, le) => v.getUint16(o, le) },
  i1: { ctor: Int8Array, size: 1, get: (v, o) => v.getInt8(o) },
  u1: { ctor: Uint8Array, size: 1, get: (v, o) => v.getUint8(o) },
  b1: { ctor: Uint8Array, size: 1, get: (v, o) => v.getUint8(o) },
  i8: { ctor: BigInt64Array, size: 8, get: (v, o, le) => v.getBigInt64(o, le) },
  u8: { ctor: BigUint64Array, size: 8, get: (v, o, le) => v.getBigUint64(o, le) },
};

/** The .npy dtype string ('<f8', ...) of a typed array. */
export function npyDescr(a: TypedArray): string {
  if (a instanceof Float64Array) return '<f8';
  if (a instanceof Float32Array) return '<f4';
  if (a instanceof Int32Array) return '<i4';
  if (a instanceof Uint32Array) return '<u4';
  if (a instanceof Int16Array) return '<i2';
  if (a instanceof Uint16Array) return '<u2';
  if (a instanceof Int8Array) return '|i1';
  if (a instanceof Uint8Array) return '|u1';
  if (a instanceof BigInt64Array) return '<i8';
  return '<u8';
}

interface Header {
  descr: string;
  fortran: boolean;
  shape: number[];
}

/** The value of the LAST `key` in the header: a Python dict literal keeps the last of repeated keys, as numpy reads it. */
function lastMatch(text: string, re: RegExp): RegExpExecArray | undefined {
  let m: RegExpExecArray | null;
  let last: RegExpExecArray | undefined;
  const g = new RegExp(re.source, 'g');
  while ((m = g.exec(text))) last = m;
  return last;
}

/** Parses the Python-literal header dict, e.g. {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }. */
function parseHeader(text: string, file: string): Header {
  const descr = lastMatch(text, /'descr'\s*:\s*'([^']*)'/);
  const fortran = lastMatch(text, /'fortran_order'\s*:\s*(True|False)/);
  const shape = lastMatch(text, /'shape'\s*:\s*\(([^)]*)\)/);
  if (!descr || !fortran || !shape) throw new JetlensInputError(`malformed .npy header: ${text.trim().slice(0, 120)}`, { file });
  const parts = shape[1].split(',').map((s) => s.trim()).filter((s) => s !== '');
  // Python integers only (numpy never writes 1e3, 0x10 or 3.0 in a shape; Number() would accept them).
  if (!parts.every((d) => /^\d+L?$/.test(d))) throw new JetlensInputError(`malformed .npy shape (${shape[1]}): dimensions must be integers`, { file });
  const dims = parts.map((d) => Number(d.replace(/L$/, '')));
  if (dims.some((d) => !Number.isSafeInteger(d))) throw new JetlensInputError(`malformed .npy shape (${shape[1]})`, { file });
  return { descr: descr[1], fortran: fortran[1] === 'True', shape: dims };
}

/** The header of a .npy buffer: dtype, order, shape and where the data starts (validated; data not read). */
export function parseNpyHeader(buf: Uint8Array, file = '<npy>'): Header & { dataStart: number } {
  if (buf.length < 10 || MAGIC.some((b, i) => buf[i] !== b)) throw new JetlensInputError('not a .npy file (bad magic)', { file });
  const major = buf[6];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw new JetlensInputError('truncated .npy header', { file });
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    throw new JetlensInputError(`unsupported .npy version ${major}.${buf[7]}`, { file });
  }
  if (start + headerLen > buf.length) throw new JetlensInputError('truncated .npy header', { file });
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(buf.subarray(start, start + headerLen));
  const h = parseHeader(text, file);
  if (!dtypeOf(h.descr)) throw new JetlensInputError(`unsupported .npy dtype '${h.descr}' (numeric and bool only)`, { file });
  return { ...h, dataStart: start + headerLen };
}

function dtypeOf(descr: string): DType | undefined {
  const key = descr.slice(1);
  return '<>|='.includes(descr[0]) ? DTYPES[key === '?' ? 'b1' : key] : undefined;
}

/** Bytes per element of a supported dtype string such as '<f8'. */
export const npyItemSize = (descr: string): number => dtypeOf(descr)!.size;

/**
 * Parses a .npy byte buffer. `file` is only used in error messages. `owned`: the caller hands the buffer over (a
 * fresh read or inflate), so aligned little-endian data is returned as a view, not copied (GB-sized inputs).
 */
export function parseNpy(buf: Uint8Array, file = '<npy>', owned = false): NdArray {
  const h = parseNpyHeader(buf, file);
  const dt = dtypeOf(h.descr)!;
  const order = h.descr[0];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const count = h.shape.reduce((a, b) => a * b, 1);
  const dataStart = h.dataStart;
  const need = count * dt.size;
  if (buf.length - dataStart < need) {
    throw new JetlensInputError(`truncated .npy data: shape (${h.shape.join(', ')}) needs ${need} bytes, file has ${buf.length - dataStart}`, { file });
  }
  const little = order !== '>';
  const aligned = little && (buf.byteOffset + dataStart) % dt.size === 0;
  if (aligned && owned && !h.fortran) return { data: new dt.ctor(buf.buffer as ArrayBuffer, buf.byteOffset + dataStart, count), shape: h.shape };
  const out = new dt.ctor(count);
  if (aligned) {
    out.set(new dt.ctor(buf.buffer as ArrayBuffer, buf.byteOffset + dataStart, count) as never);
  } else if (little) {
    // unaligned (a member of a stored .npz sits wherever the zip put it): one byte copy, not a DataView loop
    new Uint8Array(out.buffer, out.byteOffset, need).set(buf.subarray(dataStart, dataStart + need));
  } else {
    const get = dt.get!;
    for (let i = 0; i < count; i++) (out as unknown as (number | bigint)[])[i] = get(view, dataStart + i * dt.size, little);
  }
  return { data: h.fortran && h.shape.length > 1 ? fortranToC(out, h.shape) : out, shape: h.shape };
}

/** Reorders a column-major array into row-major order. */
function fortranToC<T extends TypedArray>(a: T, shape: number[]): T {
  const n = a.length;
  const out = new (a.constructor as { new (n: number): T })(n);
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  // Walk C order; compute the Fortran offset of each index tuple.
  const fstride: number[] = [];
  let s = 1;
  for (let d = 0; d < nd; d++) {
    fstride.push(s);
    s *= shape[d];
  }
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (let d = 0; d < nd; d++) off += idx[d] * fstride[d];
    (out as unknown as number[])[i] = (a as unknown as number[])[off];
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Serialises to .npy version 1.0 (little-endian, C order). */
export function formatNpy(arr: NdArray): Uint8Array {
  const head = npyHeader(npyDescr(arr.data), arr.shape);
  const out = new Uint8Array(head.length + arr.data.byteLength);
  out.set(head, 0);
  out.set(new Uint8Array(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength), head.length);
  return out;
}

/** The version 1.0 header (magic, length, dict padded so the data starts on a 64-byte boundary) of a C-order array. */
export function npyHeader(descr: string, dims: readonly number[]): Uint8Array {
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  return out;
}
