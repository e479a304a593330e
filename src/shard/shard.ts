import { createReadStream, existsSync } from 'node:fs';
import { readJsonFile, writeJsonAtomic } from '../util/atomic.js';
import { crypto } from '../util/builtins.js';
import { JetlensInputError } from '../errors.js';
import { regularFile } from '../io/files.js';

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
  /** SHA-256 of the part's bytes, recorded when the part is written; merge refuses a part whose bytes changed since. */
  outputSha256?: string;
}

/** Most shards a manifest may declare (merge allocates per shard). */
export const MAX_SHARDS = 100000;

export const manifestPath = (out: string) => `${out}.manifest.json`;

export async function sha256File(file: string): Promise<string> {
  regularFile(file, Number.MAX_SAFE_INTEGER); // a FIFO or /dev/zero would never end
  const h = crypto().createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export function readManifest(out: string): Manifest {
  const p = manifestPath(out);
  if (!existsSync(p)) throw new JetlensInputError('no manifest next to this part (was it written by --shard?)', { file: out });
  const m = readJsonFile<Manifest>(p);
  checkManifestShape(m, p);
  return m;
}

const int = (v: unknown, lo: number, hi: number) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

/** A manifest is data from disk: every field merge relies on is checked before it sizes or indexes anything. */
function checkManifestShape(m: Manifest, file: string): void {
  const bad = (what: string): never => {
    throw new JetlensInputError(`damaged manifest: ${what}`, { file });
  };
  if (typeof m !== 'object' || m === null) bad('not a JSON object');
  if (typeof m.command !== 'string') bad('command must be a string');
  if (typeof m.input !== 'object' || m.input === null || typeof m.input.sha256 !== 'string' || !int(m.input.jets, 0, Number.MAX_SAFE_INTEGER)) bad('input must be {file, sha256, jets}');
  if (typeof m.shard !== 'object' || m.shard === null || !int(m.shard.n, 1, MAX_SHARDS) || !int(m.shard.k, 0, m.shard.n - 1)) bad(`shard must be {k, n} with 0 <= k < n <= ${MAX_SHARDS}`);
  if (!Array.isArray(m.rows) || m.rows.length !== 2 || !int(m.rows[0], 0, m.input.jets) || !int(m.rows[1], m.rows[0], m.input.jets)) bad('rows must be [a, b] with 0 <= a <= b <= input.jets');
  if (m.outputSha256 !== undefined && !/^[0-9a-f]{64}$/.test(String(m.outputSha256))) bad('outputSha256 must be a SHA-256 hex digest');
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

/** Writes the manifest atomically, recording the SHA-256 of the part's bytes as they are now (written last). */
export async function writeManifest(m: Manifest): Promise<void> {
  const withHash = existsSync(m.output) ? { ...m, outputSha256: await sha256File(m.output) } : m;
  await writeJsonAtomic(manifestPath(m.output), withHash);
}
