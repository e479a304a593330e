/**
 * The one way jetlens writes a file that someone may read later (outputs, sidecars, checkpoints): into a temporary
 * file next to the target, then a rename. A kill at any moment leaves either the old file or the complete new one,
 * never a truncated file that a resumed run would choke on.
 */
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { JetlensInputError } from '../errors.js';

let counter = 0;

/**
 * Temporary files being written. On SIGINT/SIGTERM, when nothing else in the process handles the signal (a plain
 * CLI run), they are removed and the process then dies of the signal as it would have; on exit, any left are removed.
 * (serve and worker handle the signals themselves: they finish their writes, so nothing is left either.)
 */
const live = new Set<string>();
let hooked = false;
function removeLive(): void {
  for (const f of live) rmSync(f, { force: true });
  live.clear();
}
function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', removeLive);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = () => {
      if (process.listenerCount(sig) > 1) return; // someone else shuts down gracefully
      removeLive();
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

/** Tracks a temporary file until `done` is called (removed on SIGINT/SIGTERM or exit meanwhile). */
export function trackTemp(tmp: string): () => void {
  hook();
  live.add(tmp);
  return () => void live.delete(tmp);
}

/**
 * A temporary path next to `file` (same directory, so the rename is atomic), hidden, with the same extension: writers
 * that pick the format from the extension (writeJets, writeTable, HDF5) can write to it directly.
 */
export function tempPathFor(file: string): string {
  const ext = extname(file);
  return join(dirname(file), `.${basename(file, ext)}.tmp-${process.pid}-${counter++}${ext}`);
}

/** Writes `data` to `file` atomically (temporary file + rename); the temporary file is removed on failure. */
export async function writeFileAtomic(file: string, data: string | Uint8Array | Uint8Array[]): Promise<void> {
  await withTempFile(file, (tmp) => (Array.isArray(data) ? writeChunks(tmp, data) : writeFile(tmp, data)));
}

/** The chunks one after the other (no concatenated copy: a 24 MB EFP output was copied once more, #20.3). */
async function writeChunks(file: string, chunks: Uint8Array[]): Promise<void> {
  const h = await open(file, 'w');
  try {
    for (const c of chunks) await h.writeFile(c); // each from the current position, partial writes handled
  } finally {
    await h.close();
  }
}

/** Writes JSON atomically (pretty-printed with `indent` spaces; 0 for one line). */
export async function writeJsonAtomic(file: string, value: unknown, indent = 2): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, null, indent || undefined) + (indent ? '\n' : ''));
}

/**
 * Runs `write(tmp)` and renames tmp onto `file`; removes tmp if anything fails. For writers that need a path. A
 * missing output directory is created (as `study --out` does), so `--out results/x.npy` works on a fresh checkout.
 */
export async function withTempFile(file: string, write: (tmp: string) => Promise<unknown>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = tempPathFor(file);
  const done = trackTemp(tmp);
  try {
    await write(tmp);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  } finally {
    done();
  }
}

/** Reads a JSON file, naming the file in the error when it is missing, truncated or not JSON. */
export function readJsonFile<T = unknown>(file: string): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new JetlensInputError(`cannot read: ${(e as Error).message}`, { file });
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    const hint = text.length === 0 ? 'empty file (an interrupted write?)' : (e as Error).message;
    throw new JetlensInputError(`not valid JSON: ${hint}; delete it to recompute`, { file });
  }
}
