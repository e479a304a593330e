import type { JetBatch } from '../jets/batch.js';
import { readJets } from '../io/index.js';
import { parseShard, sha256File, shardDone, shardRange, writeManifest, type Manifest } from './shard.js';

export const VERSION = '0.1.0';

export interface ShardedRunOptions {
  command: string;
  input: string;
  dataset?: string;
  output: string;
  /** '--shard K/N' value, or undefined for an unsharded run. */
  shard?: string;
  force?: boolean;
  /** Options that change the output (recorded and compared by merge). */
  settings: Record<string, unknown>;
}

/**
 * Reads the input, restricts it to the shard's jets, runs `work` and records the manifest. Returns false (doing
 * nothing) when the same shard was already written, unless `force`. Unsharded runs write no manifest.
 */
export async function runSharded(o: ShardedRunOptions, work: (jets: JetBatch) => Promise<void>): Promise<boolean> {
  const all = await readJets(o.input, { dataset: o.dataset });
  if (!o.shard) {
    await work(all);
    return true;
  }
  const shard = parseShard(o.shard);
  const rows = shardRange(all.length, shard);
  const m: Manifest = {
    jetlens: VERSION,
    command: o.command,
    settings: o.settings,
    input: { file: o.input, sha256: await sha256File(o.input), jets: all.length },
    shard,
    rows,
    output: o.output,
    argv: process.argv.slice(2),
  };
  if (!o.force && shardDone(m)) return false;
  await work(all.slice(rows[0], rows[1]));
  await writeManifest(m);
  return true;
}
