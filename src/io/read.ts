// Whole-file reads for the array formats (issue #20.2). fs.promises.readFile reads in 512 KiB pieces, one thread-
// pool round trip each; a .npy of jets is read here with as few large reads as the kernel gives, into one buffer.
import { open } from 'node:fs/promises';
import { JetlensInputError } from '../errors.js';

const PIECE = 1 << 30; // a single read() is capped near 2 GiB; 1 GiB pieces stay well below it

/** The whole file as bytes, which the caller owns (so aligned arrays in it can be viewed, not copied). */
export async function readWhole(file: string): Promise<Uint8Array> {
  const fd = await open(file, 'r').catch(() => {
    throw new JetlensInputError('no such file', { file });
  });
  try {
    const size = (await fd.stat()).size;
    const buf = new Uint8Array(new ArrayBuffer(size));
    let at = 0;
    while (at < size) {
      const { bytesRead } = await fd.read(buf, at, Math.min(PIECE, size - at), at);
      if (bytesRead === 0) throw new JetlensInputError(`file shrank while being read (${at} of ${size} bytes)`, { file });
      at += bytesRead;
    }
    return buf;
  } finally {
    await fd.close();
  }
}
