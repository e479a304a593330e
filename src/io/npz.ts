import type { Zippable } from 'fflate';
import { createRequire } from 'node:module';
import { zlib } from '../util/builtins.js';
import { JetlensInputError } from '../errors.js';
import type { NdArray } from './ndarray.js';
import { formatNpy, parseNpy } from './npy.js';
import { crc32Of, zipEntries } from './zip.js';
import { maxFileBytes } from './files.js';


/**
 * NumPy .npz: a zip of .npy members, stored (np.savez) or deflated (np.savez_compressed). Members are inflated by
 * Node's native zlib (2-3x faster than a JavaScript inflater on the GB-sized files physicists have) and checked
 * against their CRC-32 and size, so corruption is an error, never a silent wrong array.
 */
export function parseNpz(buf: Uint8Array, file = '<npz>'): Record<string, NdArray> {
  const out: Record<string, NdArray> = {};
  for (const m of zipEntries(buf, file)) {
    if (!m.name.endsWith('.npy')) continue;
    const where = `${file}:${m.name.slice(0, -4)}`;
    const bad = (what: string): never => {
      throw new JetlensInputError(`not a readable .npz (zip) file: member '${m.name}' ${what}`, { file });
    };
    const raw = buf.subarray(m.dataOffset, m.dataOffset + m.compressedSize);
    let bytes: Uint8Array = raw;
    if (m.method === 8) {
      if (m.size > maxFileBytes()) bad(`declares ${m.size} bytes, more than the ${maxFileBytes()} read at once (JETLENS_MAX_FILE_MB)`);
      try {
        // One output chunk of the known size: no 16 KiB pieces to concatenate. maxOutputLength: the declared size
        // is enforced while inflating (a zip bomb stops at it instead of filling memory).
        bytes = zlib().inflateRawSync(raw, { chunkSize: Math.max(64 * 1024, m.size), maxOutputLength: Math.max(1, m.size) });
      } catch (e) {
        bad(`does not inflate (${(e as Error).message})`);
      }
    } else if (m.method !== 0) bad(`uses compression method ${m.method} (numpy writes 0 or 8)`);
    if (bytes.length !== m.size) bad(`has ${bytes.length} bytes, the directory says ${m.size}`);
    const crc32 = crc32Of();
    if (crc32 && crc32(bytes) >>> 0 !== m.crc32) bad('fails its CRC-32 check (the file is damaged)');
    out[m.name.slice(0, -4)] = parseNpy(bytes, where, m.method === 8); // an inflated member is ours: no copy
  }
  if (Object.keys(out).length === 0) throw new JetlensInputError('.npz file holds no .npy arrays', { file });
  return out;
}

// fflate (the zip writer) loads on first .npz write: imported statically it cost every command ~25 ms of start-up
// CPU (#20 item 5); its CommonJS build through require keeps formatNpz sync.
const requireCjs = createRequire(import.meta.url);

/** Writes arrays as a .npz (deflate-compressed by default, as np.savez_compressed). */
export function formatNpz(arrays: Record<string, NdArray>, compress = true): Uint8Array {
  const files: Zippable = {};
  for (const [name, a] of Object.entries(arrays)) files[`${name}.npy`] = [formatNpy(a), { level: compress ? 6 : 0 }];
  // Fixed timestamp: same arrays, same bytes.
  const { zipSync } = requireCjs('fflate') as typeof import('fflate');
  return zipSync(files, { mtime: new Date('1980-01-02T00:00:00Z') });
}
