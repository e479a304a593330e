import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { JetlensInputError } from '../errors.js';
import { regularFile } from './files.js';
import type { NdArray } from './ndarray.js';
import { npyHeader, npyItemSize, parseNpy, parseNpyHeader } from './npy.js';
import { zlib } from '../util/builtins.js';
import { atOf, crc32Of, dataOffset, ZIP_TAIL, zipCentral, zipEnd } from './zip.js';

/**
 * Rows [a, b) (axis 0) of the arrays in a .npy or .npz file, holding only those rows in memory, never the whole
 * file: a .npy file or a stored .npz member is read at the rows' position; a deflated member is inflated as a
 * stream, keeping the rows' bytes and dropping the rest, to its end so that its size and CRC-32 are checked (a
 * damaged stream can inflate without error). C-order arrays only; anything else returns null and the caller reads
 * the whole file.
 */
export async function readRowsFromDisk(
  file: string,
  names: string[],
  rows: (total: number) => [number, number],
): Promise<{ arrays: Record<string, NdArray>; total: number; first: number } | null> {
  regularFile(file, Number.MAX_SAFE_INTEGER); // before open(): a FIFO would block; slices of any size are fine
  const fd = await open(file, 'r').catch(() => {
    throw new JetlensInputError('no such file', { file });
  });
  let members: { name: string; source: Source }[] = [];
  try {
    const size = (await fd.stat()).size;
    const npy = file.endsWith('.npy');
    members = npy ? [{ name: names[0], source: raw(fd, 0, size) }] : await npzMembers(fd, size, names, file);
    const out: Record<string, NdArray> = {};
    let range: [number, number] | undefined;
    let total = 0;
    for (const { name, source } of members) {
      const got = await readRows(source, npy ? file : `${file}:${name}`, (n) => {
        if (!range) {
        total = n;
        range = rows(n);
      }
        else if (n !== total) throw new JetlensInputError(`'${name}' has ${n} rows, '${members[0].name}' has ${total}`, { file });
        return range;
      });
      if (!got) return null;
      out[name] = got;
    }
    return { arrays: out, total, first: range?.[0] ?? 0 };
  } finally {
    for (const m of members) m.source.close(); // members not reached (an error, a Fortran array) hold open streams
    await fd.close();
  }
}

/** Uncompressed bytes of one array, read strictly forwards. */
interface Source {
  size: number;
  /** Fills `into` with bytes [pos, pos + into.length); pos never goes backwards. */
  read(pos: number, into: Uint8Array): Promise<void>;
  /** After the last read: checks what can be checked of the whole array (a deflated member's size and CRC-32). */
  finish(): Promise<void>;
  close(): void;
}

/**
 * Bytes read in place. `crc` (a stored .npz member): `finish` streams the whole member once more through CRC-32 in
 * 1 MiB pieces, so a changed byte anywhere in the member is an error even though only the rows were kept (a bare
 * .npy has no checksum to check).
 */
function raw(fd: FileHandle, base: number, size: number, crc?: number): Source {
  return {
    size,
    async read(pos, into) {
      const { bytesRead } = await fd.read(into, 0, into.length, base + pos);
      if (bytesRead !== into.length) throw new Error('file ends early');
    },
    async finish() {
      const crc32 = crc === undefined ? undefined : crc32Of();
      if (crc === undefined || !crc32) return;
      const piece = new Uint8Array(Math.min(size, 1 << 20));
      let sum = 0;
      for (let pos = 0; pos < size; pos += piece.length) {
        const n = Math.min(piece.length, size - pos);
        const { bytesRead } = await fd.read(piece, 0, n, base + pos);
        if (bytesRead !== n) throw new Error('member ends early');
        sum = crc32(piece.subarray(0, n), sum);
      }
      if (sum >>> 0 !== crc) throw new Error('fails its CRC-32 check (the file is damaged)');
    },
    close() {},
  };
}


/** A deflated member inflated as a stream: bytes before `pos` are dropped; `finish` inflates the rest for the checks. */
function inflating(file: string, start: number, compressed: number, size: number, crc: number): Source {
  const big = 1 << 20; // 1 MiB pieces: 16 KiB ones make inflating a GB member twice as slow
  const input = createReadStream(file, { start, end: start + compressed - 1, highWaterMark: big });
  const stream = input.pipe(zlib().createInflateRaw({ chunkSize: big }));
  const crc32 = crc32Of();
  // Errors reach the reader through the iterator; these keep a late one (after close) from crashing the process.
  input.on('error', () => {});
  stream.on('error', () => {});
  const it = stream[Symbol.asyncIterator]();
  let chunk: Uint8Array = new Uint8Array(0);
  let chunkStart = 0;
  let sum = 0;
  const next = async () => {
    const r = await it.next();
    if (!r.done) {
      chunkStart += chunk.length;
      chunk = r.value as Uint8Array;
      // The declared size is enforced while inflating: a zip bomb stops here, not after gigabytes.
      if (chunkStart + chunk.length > size) throw new Error(`inflates to more than the ${size} bytes the directory says`);
      if (crc32) sum = crc32(chunk, sum);
    }
    return !r.done;
  };
  return {
    size,
    async finish() {
      while (await next());
      if (chunkStart + chunk.length !== size) throw new Error(`inflates to ${chunkStart + chunk.length} bytes, the directory says ${size}`);
      if (crc32 && sum >>> 0 !== crc) throw new Error('fails its CRC-32 check (the file is damaged)');
    },
    async read(pos, into) {
      let filled = 0;
      while (filled < into.length) {
        const from = pos + filled - chunkStart;
        if (from < chunk.length) {
          const n = Math.min(chunk.length - from, into.length - filled);
          into.set(chunk.subarray(from, from + n), filled);
          filled += n;
          continue;
        }
        if (!(await next())) throw new Error('member ends early');
      }
    },
    close: () => {
      stream.destroy();
      input.destroy();
    },
  };
}

async function npzMembers(fd: FileHandle, size: number, names: string[], file: string): Promise<{ name: string; source: Source }[]> {
  const readAt = async (pos: number, len: number) => {
    const b = new Uint8Array(Math.max(0, Math.min(len, size - pos)));
    await fd.read(b, 0, b.length, pos);
    return b;
  };
  const tailStart = Math.max(0, size - ZIP_TAIL);
  const end = zipEnd(atOf([[tailStart, await readAt(tailStart, ZIP_TAIL)]], file), size, file);
  const entries = zipCentral(atOf([[end.cdOffset, await readAt(end.cdOffset, end.cdSize)]], file), end, file);
  const out: { name: string; source: Source }[] = [];
  for (const name of names) {
    const m = entries.find((e) => e.name === `${name}.npy`);
    if (!m) continue;
    const start = dataOffset(await readAt(m.localOffset, 30), m, size, file);
    if (m.method !== 0 && m.method !== 8) throw new JetlensInputError(`not a readable .npz (zip) file: member '${m.name}' uses compression method ${m.method}`, { file });
    if (m.method === 0 && m.size !== m.compressedSize) throw new JetlensInputError(`not a readable .npz (zip) file: stored member '${m.name}' has ${m.compressedSize} bytes, the directory says ${m.size}`, { file });
    out.push({ name, source: m.method === 8 ? inflating(file, start, m.compressedSize, m.size, m.crc32) : raw(fd, start, m.size, m.crc32) });
  }
  return out;
}

/** Reads the header, then only the chosen rows; the slice is returned as its own small .npy (parseNpy converts it). */
async function readRows(s: Source, where: string, rows: (total: number) => [number, number]): Promise<NdArray | null> {
  try {
    const lead = new Uint8Array(Math.min(12, s.size));
    await s.read(0, lead);
    const v = new DataView(lead.buffer);
    const headerEnd = lead.length < 12 ? lead.length : lead[6] === 1 ? 10 + v.getUint16(8, true) : 12 + v.getUint32(8, true);
    const head = new Uint8Array(Math.max(lead.length, Math.min(headerEnd, s.size)));
    head.set(lead);
    if (head.length > lead.length) await s.read(lead.length, head.subarray(lead.length));
    const h = parseNpyHeader(head, where);
    if (h.fortran || h.shape.length === 0) return null;
    const [a, b] = rows(h.shape[0]);
    const rowBytes = h.shape.slice(1).reduce((x, y) => x * y, 1) * npyItemSize(h.descr);
    if (h.dataStart + h.shape[0] * rowBytes > s.size) throw new JetlensInputError(`truncated .npy data: shape (${h.shape.join(', ')}) does not fit in ${s.size} bytes`, { file: where });
    const sliceHead = npyHeader(h.descr, [b - a, ...h.shape.slice(1)]);
    const buf = new Uint8Array(sliceHead.length + (b - a) * rowBytes);
    buf.set(sliceHead);
    await s.read(h.dataStart + a * rowBytes, buf.subarray(sliceHead.length));
    await s.finish();
    return parseNpy(buf, where, true);
  } catch (e) {
    if (e instanceof JetlensInputError) throw e;
    throw new JetlensInputError(`cannot read rows: ${(e as Error).message}`, { file: where });
  } finally {
    s.close();
  }
}
