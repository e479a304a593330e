import { JetlensInputError } from '../errors.js';

/** One member of a zip archive, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate (the two numpy writes). */
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  /** Where the member's data starts in the archive. */
  dataOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;

/**
 * Lists the members of a zip archive from its central directory (zip64 included: numpy writes every .npz member
 * with zip64 extra fields). Reading the directory at the end, not the local headers, also proves the file is
 * complete: a truncated archive has no end-of-directory record.
 */
export function zipEntries(buf: Uint8Array, file: string): ZipEntry[] {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const bad = (what: string): never => {
    throw new JetlensInputError(`not a readable .npz (zip) file: ${what}`, { file });
  };
  const u16 = (o: number) => (o + 2 <= buf.length ? v.getUint16(o, true) : bad('truncated'));
  const u32 = (o: number) => (o + 4 <= buf.length ? v.getUint32(o, true) : bad('truncated'));
  const u64 = (o: number) => (o + 8 <= buf.length ? Number(v.getBigUint64(o, true)) : bad('truncated'));
  let e = buf.length - 22;
  while (e >= 0 && buf.length - e <= 65557 && u32(e) !== EOCD) e--;
  if (e < 0 || buf.length - e > 65557) bad('no end-of-central-directory record (truncated or not a zip archive)');
  let count = u16(e + 10);
  let offset = u32(e + 16);
  if (e >= 20 && u32(e - 20) === ZIP64_LOCATOR) {
    const z = u64(e - 12);
    if (u32(z) !== ZIP64_EOCD) bad('broken zip64 end-of-central-directory record');
    count = u64(z + 32);
    offset = u64(z + 48);
  }
  const out: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (u32(offset) !== CENTRAL) bad(`central directory entry ${i} is damaged`);
    const nameLen = u16(offset + 28);
    const extraLen = u16(offset + 30);
    const name = new TextDecoder().decode(buf.subarray(offset + 46, offset + 46 + nameLen));
    let size = u32(offset + 24);
    let compressedSize = u32(offset + 20);
    let local = u32(offset + 42);
    // zip64 extra field (id 1): 8-byte values, in this order, for each 32-bit field that holds 0xFFFFFFFF.
    for (let x = offset + 46 + nameLen; x + 4 <= offset + 46 + nameLen + extraLen; x += 4 + u16(x + 2)) {
      if (u16(x) !== 1) continue;
      let p = x + 4;
      if (size === MAX32) (size = u64(p)), (p += 8);
      if (compressedSize === MAX32) (compressedSize = u64(p)), (p += 8);
      if (local === MAX32) local = u64(p);
    }
    if (u32(local) !== LOCAL) bad(`member '${name}': local header is damaged`);
    const dataOffset = local + 30 + u16(local + 26) + u16(local + 28);
    if (dataOffset + compressedSize > buf.length) bad(`member '${name}' is truncated`);
    out.push({ name, method: u16(offset + 10), crc32: u32(offset + 16), compressedSize, size, dataOffset });
    offset += 46 + nameLen + extraLen + u16(offset + 32);
  }
  return out;
}
