import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { JetlensInputError } from '../errors.js';
import { readJsonFile, writeJsonAtomic } from '../util/atomic.js';

/**
 * Deterministic sharding for batch commands that map jets to rows. Shard k of n (0-based, as Slurm array and
 * Kubernetes Indexed Job indices) owns the contiguous jet range [floor(k T / n), floor((k+1) T / n)).
 */
export interface Shard {
  k: number;
  n: number;
}

export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || k >= n) throw new JetlensInputError(`--shard: expected K/N with 0 <= K < N (0-based), got '${s}'`);
  return { k, n };
}

export function shardRange(total: number, s: Shard): [number, number] {
  return [Math.floor((s.k * total) / s.n), Math.floor(((s.k + 1) * total) / s.n)];
}

/** What a shard's part records next to its output (`<out>.manifest.json`). */
export interface Manifest {
  jetlens: string;
  /** Runtime that wrote the part (informational: merge does not compare it). */
  node: string;
  command: string;
  /** The options that change results (not --shard, --out, --threads, --quiet, --force). */
  settings: Record<string, unknown>;
  input: { file: string; sha256: string; jets: number };
  shard: Shard;
  rows: [number, number];
  output: string;
  argv: string[];
}

export const manifestPath = (out: string) => `${out}.manifest.json`;

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export function readManifest(out: string): Manifest {
  const p = manifestPath(out);
  if (!existsSync(p)) throw new JetlensInputError('no manifest next to this part (was it written by --shard?)', { file: out });
  return readJsonFile<Manifest>(p);
}

/** True when `out` already holds this exact shard (same input bytes, settings and range): re-running is a no-op. */
export function shardDone(m: Manifest): boolean {
  if (!existsSync(m.output) || !existsSync(manifestPath(m.output))) return false;
  try {
    const old = readManifest(m.output);
    return old.command === m.command && old.input.sha256 === m.input.sha256 && JSON.stringify(old.settings) === JSON.stringify(m.settings) &&
      old.shard.k === m.shard.k && old.shard.n === m.shard.n;
  } catch {
    return false;
  }
}

export async function writeManifest(m: Manifest): Promise<void> {
  await writeJsonAtomic(manifestPath(m.output), m);
}
