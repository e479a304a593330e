// `jetlens efp` on a large .npy: the jets are read in chunks, and chunk k + 1 is read and converted (main thread,
// file I/O in the thread pool) while the kernel computes chunk k in the addon's thread, so reading costs no wall
// time beyond the first chunk. A chunk is a row slice read from disk (src/io/rows.ts), converted and validated as
// readJets does for a shard (errors name the jet's index in the file); the kernel writes each chunk's values into its
// rows of one (N, K) array. The kernel runs jets independently, so the values are identical to one whole-file call
// (test/efp-chunks.test.ts). Memory: the file is never held whole, one chunk at a time plus the next.
import type { EFPSet } from '../efp/efpset.js';
import type { RunOptions } from '../backend/control.js';
import type { JetBatch } from '../jets/batch.js';
import { readJets } from '../io/index.js';
import { readRowsFromDisk } from '../io/rows.js';

/** Chunks of at least this many jets; a run with fewer than two chunks' worth reads its jets in one piece (at 3,000
 * jets the overlap gains a few ms of wall time and, on a busy machine, cost more CPU than it saved). */
export const MIN_CHUNK_JETS = 2048;
/** A chunk holds at most this many bytes of the file (so about two chunks in memory at once). */
const MAX_CHUNK_BYTES = 16 * 2 ** 20;

/** Jets in a C-order .npy (its header alone is read), or undefined: another format or layout (read whole). */
export async function npyJetCount(file: string, dataset: string): Promise<{ jets: number; rowBytes: number } | undefined> {
  if (!file.endsWith('.npy')) return undefined;
  const r = await readRowsFromDisk(file, [dataset], () => [0, 0]);
  const X = r?.arrays[dataset];
  if (!r || !X || X.shape.length !== 3) return undefined;
  const rowBytes = X.shape[1] * X.shape[2] * X.data.BYTES_PER_ELEMENT;
  return { jets: r.total, rowBytes };
}

/** Jets per chunk for `n` jets of `rowBytes` bytes: about eight chunks, at least MIN_CHUNK_JETS, at most MAX_CHUNK_BYTES. */
export function chunkJets(n: number, rowBytes: number): number {
  const byBytes = Math.max(1, Math.floor(MAX_CHUNK_BYTES / Math.max(1, rowBytes)));
  return Math.max(MIN_CHUNK_JETS, Math.min(byBytes, Math.ceil(n / 8)));
}

/**
 * EFP values (row-major, (b - a) x K) of the file's jets [a, b), read in chunks of `chunk` jets, the next chunk read
 * while the current one is computed. `onProgress(done)` counts jets of [a, b) computed; `whileComputing` runs once on
 * this thread while the first chunk is being computed.
 */
export async function efpChunked(
  set: EFPSet, file: string, dataset: string, [a, b]: [number, number], chunk: number,
  opts: RunOptions, onProgress: (done: number) => void, whileComputing?: () => void,
): Promise<Float64Array> {
  const K = set.length;
  const values = new Float64Array((b - a) * K);
  const read = (s: number): Promise<JetBatch> => {
    const p = readJets(file, { dataset, rows: () => [s, Math.min(b, s + chunk)] });
    p.catch(() => {}); // awaited below; a failure while the kernel runs must not count as unhandled meanwhile
    return p;
  };
  let next: Promise<JetBatch> | undefined = read(a);
  for (let s = a; next; s += chunk) {
    const jets = await next;
    next = s + chunk < b ? read(s + chunk) : undefined;
    const done = s - a;
    const computing = set.batchCompute(jets, { ...opts, onProgress: (d) => onProgress(done + d) }, values.subarray(done * K, (done + jets.length) * K));
    if (done === 0 && whileComputing) {
      computing.catch(() => {}); // awaited just below
      whileComputing();
    }
    await computing;
  }
  return values;
}
