import { zlib } from '../util/builtins.js';
import { JetlensInputError } from '../errors.js';

/** zlib.crc32 (Node >= 20.15), incremental through `prev`; undefined on older 20.x, where only sizes are checked. */
export function crc32Of(): ((b: Uint8Array, prev?: number) => number) | undefined {
  return (zlib() as { crc32?: (b: Uint8Array, prev?: number) => number }).crc32;
}

/**
 * Just enough of the zip format to read .npz files: the central directory (zip64 included: numpy writes every .npz
 * member with zip64 extra fields) and where each member's data starts. Reading the directory at the end, not the
 * local headers, also proves the file is complete: a truncated archive has no end-of-directory record.
 * Readers are functions from an absolute position and a length to bytes, so a file on disk needs only its tail
 * and directory in memory (a shard reads a slice of a large .npz).
 */
export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate (the two numpy writes). */
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  /** Where the member's local header starts (its data follows the header: see `dataOffset`). */
  localOffset: number;
}

/** Bytes [pos, pos + len) of the archive; throws past the end. */
export type At = (pos: number, len: number) => Uint8Array;

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;
/** The end records live in the last TAIL bytes (22-byte record + 65535-byte comment + zip64 records). */
export const ZIP_TAIL = 22 + 65535 + 20 + 56;

function bad(file: string, what: string): never {
  throw new JetlensInputError(`not a readable .npz (zip) file: ${what}`, { file });
}

function reader(at: At, file: string) {
  const view = (o: number, n: number) => {
    const b = at(o, n);
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
  };
  return {
    u16: (o: number) => view(o, 2).getUint16(0, true),
    u32: (o: number) => view(o, 4).getUint32(0, true),
    u64: (o: number) => Number(view(o, 8).getBigUint64(0, true)),
    bad: (what: string) => bad(file, what),
  };
}

/** At for a whole buffer, or for pieces of a file: `pieces` maps absolute start offsets to the bytes read there. */
export function atOf(pieces: [number, Uint8Array][], file: string): At {
  return (pos, len) => {
    for (const [start, b] of pieces) if (pos >= start && pos + len <= start + b.length) return b.subarray(pos - start, pos - start + len);
    return bad(file, 'truncated');
  };
}

/** Finds the end record: how many members, and where the central directory is. */
export function zipEnd(at: At, size: number, file: string): { count: number; cdOffset: number; cdSize: number } {
  const r = reader(at, file);
  let e = size - 22;
  while (e >= 0 && size - e <= 22 + 65535 && r.u32(e) !== EOCD) e--;
  if (e < 0 || size - e > 22 + 65535) r.bad('no end-of-central-directory record (truncated or not a zip archive)');
  if (e >= 20 && r.u32(e - 20) === ZIP64_LOCATOR) {
    const z = r.u64(e - 12);
    if (z < 0 || z + 56 > size || r.u32(z) !== ZIP64_EOCD) r.bad('broken zip64 end-of-central-directory record');
    return { count: r.u64(z + 32), cdSize: r.u64(z + 40), cdOffset: r.u64(z + 48) };
  }
  return { count: r.u16(e + 10), cdSize: r.u32(e + 12), cdOffset: r.u32(e + 16) };
}

/** The central directory's entries (`at` must cover [cdOffset, cdOffset + cdSize)). */
export function zipCentral(at: At, end: { count: number; cdOffset: number }, file: string): ZipEntry[] {
  const r = reader(at, file);
  const out: ZipEntry[] = [];
  let o = end.cdOffset;
  for (let i = 0; i < end.count; i++) {
    if (r.u32(o) !== CENTRAL) r.bad(`central directory entry ${i} is damaged`);
    const nameLen = r.u16(o + 28);
    const extraLen = r.u16(o + 30);
    const name = new TextDecoder().decode(at(o + 46, nameLen));
    let size = r.u32(o + 24);
    let compressedSize = r.u32(o + 20);
    let localOffset = r.u32(o + 42);
    // zip64 extra field (id 1): 8-byte values, in this order, for each 32-bit field that holds 0xFFFFFFFF.
    for (let x = o + 46 + nameLen; x + 4 <= o + 46 + nameLen + extraLen; x += 4 + r.u16(x + 2)) {
      if (r.u16(x) !== 1) continue;
      let p = x + 4;
      if (size === MAX32) {
      size = r.u64(p);
      p += 8;
    }
      if (compressedSize === MAX32) {
      compressedSize = r.u64(p);
      p += 8;
    }
      if (localOffset === MAX32) localOffset = r.u64(p);
    }
    out.push({ name, method: r.u16(o + 10), crc32: r.u32(o + 16), compressedSize, size, localOffset });
    o += 46 + nameLen + extraLen + r.u16(o + 32);
  }
  return out;
}

/** Where a member's data starts, from its 30-byte local header (`header` = bytes at localOffset). */
export function dataOffset(header: Uint8Array, m: ZipEntry, archiveSize: number, file: string): number {
  const v = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (header.length < 30 || v.getUint32(0, true) !== LOCAL) bad(file, `member '${m.name}': local header is damaged`);
  const start = m.localOffset + 30 + v.getUint16(26, true) + v.getUint16(28, true);
  if (start + m.compressedSize > archiveSize) bad(file, `member '${m.name}' is truncated`);
  return start;
}

/** Every member of an archive held in memory, with its data offset. */
export function zipEntries(buf: Uint8Array, file: string): (ZipEntry & { dataOffset: number })[] {
  const at = atOf([[0, buf]], file);
  return zipCentral(at, zipEnd(at, buf.length, file), file).map((m) => ({ ...m, dataOffset: dataOffset(at(m.localOffset, 30), m, buf.length, file) }));
}
