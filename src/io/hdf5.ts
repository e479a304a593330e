import { closeSync, openSync, readSync } from 'node:fs';
import { regularFile } from './files.js';
import { JetlensInputError } from '../errors.js';
import type { NdArray, TypedArray } from './ndarray.js';

// h5wasm's Node build reads and writes local files directly (no network, no native build).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type H5 = any;
let h5: Promise<H5> | undefined;
async function lib(): Promise<H5> {
  h5 ??= import('h5wasm/node').then(async (m) => {
    checkReadStatus(await m.default.ready);
    return m.default;
  });
  return h5;
}

/** Thrown from inside h5wasm's read when HDF5 reports a failure; readHdf5 turns it into a located error. */
class Hdf5ReadFailed extends Error {}

/**
 * h5wasm ignores the status of HDF5's H5Dread, so a chunk that fails its filter (a damaged gzip stream or checksum)
 * comes back as whatever the buffer held: zeros or garbage, silently. Wrap the one low-level read call so that a
 * negative status throws (h5wasm frees its buffer in a finally block, so throwing from here leaks nothing).
 */
function checkReadStatus(mod: H5): void {
  if (!mod || mod.__jetlensChecked) return;
  const read = mod.get_dataset_data.bind(mod);
  mod.get_dataset_data = (...args: unknown[]) => {
    const status = read(...args);
    if (typeof status === 'number' && status < 0) throw new Hdf5ReadFailed(`HDF5 read failed (status ${status})`);
    return status;
  };
  mod.__jetlensChecked = true;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Checks the HDF5 signature first: h5wasm opens garbage without a clear error. */
function checkSignature(file: string): void {
  regularFile(file, Number.MAX_SAFE_INTEGER); // HDF5 reads by chunk: only FIFOs and devices are refused here
  const head = new Uint8Array(8);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, head, 0, 8, 0) < 8) throw new JetlensInputError('not an HDF5 file (too short)', { file });
  } finally {
    closeSync(fd);
  }
  if (head.length < 8 || SIGNATURE.some((b, i) => head[i] !== b)) throw new JetlensInputError('not an HDF5 file (bad signature)', { file });
}

/**
 * Reads the named datasets (all top-level datasets when `names` is omitted); `optional` ones are read when present.
 */
export async function readHdf5(
  file: string,
  names?: string[],
  optional: string[] = [],
  rows?: (total: number) => [number, number],
): Promise<Record<string, NdArray>> {
  checkSignature(file);
  const h = await lib();
  try {
    return readDatasets(h, file, names, optional, rows);
  } catch (e) {
    if (e instanceof JetlensInputError) throw e;
    // h5wasm throws plain errors (or strings) on damaged metadata: a located error instead.
    throw new JetlensInputError(`not a readable HDF5 file (damaged?): ${e instanceof Error ? e.message : String(e)}`, { file });
  }
}

function readDatasets(h: H5, file: string, names: string[] | undefined, optional: string[], rows: ((total: number) => [number, number]) | undefined): Record<string, NdArray> {
  const f = new h.File(file, 'r');
  if (!(f.file_id > 0n || f.file_id > 0)) throw new JetlensInputError('not a readable HDF5 file (HDF5 cannot open it)', { file });
  try {
    const keys: string[] = f.keys();
    const want = names ? [...names, ...optional.filter((k) => keys.includes(k))] : keys.filter((k) => f.get(k)?.type === 'Dataset');
    const out: Record<string, NdArray> = {};
    let range: [number, number] | undefined;
    let total = 0;
    for (const name of want) {
      const d = f.get(name);
      if (!d || d.type !== 'Dataset') {
        throw new JetlensInputError(`no dataset '${name}' (has: ${keys.join(', ') || 'nothing'})`, { file });
      }
      const shape = (d.shape as number[]) ?? [];
      // rows: only rows [a, b) of axis 0 are read (HDF5 reads just the chunks that hold them; a shard's slice).
      if (rows && shape.length > 0) {
        if (!range) {
        total = shape[0];
        range = rows(total);
      }
        else if (shape[0] !== total) throw new JetlensInputError(`dataset '${name}' has ${shape[0]} rows, '${want[0]}' has ${total}`, { file });
      }
      let value: unknown;
      try {
        value = range && shape.length > 0 ? d.slice([range]) : d.value;
      } catch (e) {
        if (!(e instanceof Hdf5ReadFailed)) throw e;
        throw new JetlensInputError(`dataset '${name}' cannot be read: the file is damaged (HDF5 reports a failed read, e.g. a chunk that fails its filter)`, { file });
      }
      if (!ArrayBuffer.isView(value)) throw new JetlensInputError(`dataset '${name}' is not numeric`, { file });
      out[name] = { data: value as TypedArray, shape: range && shape.length > 0 ? [range[1] - range[0], ...shape.slice(1)] : shape };
    }
    return out;
  } finally {
    f.close();
  }
}

/** Writes datasets (gzip-compressed, chunked by rows) to a new HDF5 file. */
export async function writeHdf5(file: string, arrays: Record<string, NdArray>): Promise<void> {
  const h = await lib();
  const f = new h.File(file, 'w');
  try {
    for (const [name, a] of Object.entries(arrays)) {
      const rows = Math.max(1, Math.min(a.shape[0] || 1, 1024));
      const chunks = a.shape.length ? [rows, ...a.shape.slice(1)] : undefined;
      const compress = a.data.length > 0 && chunks ? { compression: 'gzip', compression_opts: 4, chunks } : {};
      f.create_dataset({ name, data: a.data, shape: a.shape, ...compress });
    }
  } finally {
    f.close();
  }
}
