/**
 * Guards for every file jetlens reads: regular files only (a FIFO would block forever, /dev/zero would be read until
 * memory runs out), and limits on what a header may make us allocate. Limits are documented in docs/reliability.md
 * and configurable through the environment.
 */
import { statSync } from 'node:fs';
import { JetlensInputError } from '../errors.js';

const envNumber = (name: string, dflt: number): number => {
  const v = Number(process.env[name]);
  return process.env[name] && Number.isFinite(v) && v > 0 ? v : dflt;
};

/** Largest file read whole into memory (JETLENS_MAX_FILE_MB, default 16384 MB). Shards of larger files read slices. */
export const maxFileBytes = (): number => envNumber('JETLENS_MAX_FILE_MB', 16384) * 2 ** 20;

/** Most jets one read may produce (JETLENS_MAX_JETS, default 10^8): a header claiming more is refused before allocating. */
export const maxJets = (): number => envNumber('JETLENS_MAX_JETS', 1e8);

/**
 * Checks that `file` exists and is a regular file (following symlinks) no larger than `limit` bytes; returns its size.
 * Never opens it, so a FIFO cannot block and a device cannot be streamed.
 */
export function regularFile(file: string, limit = maxFileBytes()): number {
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new JetlensInputError('no such file', { file });
  }
  if (st.isDirectory()) throw new JetlensInputError('is a directory, not a file', { file });
  if (!st.isFile()) throw new JetlensInputError('not a regular file (a device, FIFO or socket): refusing to read it', { file });
  if (st.size > limit) {
    throw new JetlensInputError(`file of ${st.size} bytes exceeds the ${limit} bytes read at once (JETLENS_MAX_FILE_MB; a --shard reads only its rows)`, { file });
  }
  return st.size;
}

/** Refuses a jet count above maxJets() before anything is allocated for it. */
export function checkJetCount(n: number, file: string): void {
  const max = maxJets();
  if (n > max) throw new JetlensInputError(`declares ${n} jets, more than the ${max} read at once (JETLENS_MAX_JETS; or read it in shards with --shard)`, { file });
}
