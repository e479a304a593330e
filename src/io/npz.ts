import { unzipSync, zipSync, type Zippable } from 'fflate';
import { JetlensInputError } from '../errors.js';
import type { NdArray } from './ndarray.js';
import { formatNpy, parseNpy } from './npy.js';

/**
 * NumPy .npz: a zip of .npy members, stored (np.savez) or deflated (np.savez_compressed). fflate checks each
 * member's CRC, so corruption is an error, never a silent partial read.
 */
export function parseNpz(buf: Uint8Array, file = '<npz>'): Record<string, NdArray> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(buf);
  } catch (e) {
    throw new JetlensInputError(`not a readable .npz (zip) file: ${(e as Error).message}`, { file });
  }
  const out: Record<string, NdArray> = {};
  for (const [name, bytes] of Object.entries(entries)) {
    if (!name.endsWith('.npy')) continue;
    out[name.slice(0, -4)] = parseNpy(bytes, `${file}:${name.slice(0, -4)}`);
  }
  if (Object.keys(out).length === 0) throw new JetlensInputError('.npz file holds no .npy arrays', { file });
  return out;
}

/** Writes arrays as a .npz (deflate-compressed by default, as np.savez_compressed). */
export function formatNpz(arrays: Record<string, NdArray>, compress = true): Uint8Array {
  const files: Zippable = {};
  for (const [name, a] of Object.entries(arrays)) files[`${name}.npy`] = [formatNpy(a), { level: compress ? 6 : 0 }];
  // Fixed timestamp: same arrays, same bytes.
  return zipSync(files, { mtime: new Date('1980-01-02T00:00:00Z') });
}

