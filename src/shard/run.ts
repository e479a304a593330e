import type { JetBatch } from '../jets/batch.js';
import { readJets } from '../io/index.js';
import { refuseOverwrite, sidecarOf } from '../io/paths.js';
import { manifestPath, parseShard, sha256File, shardDone, shardRange, writeManifest, type Manifest } from './shard.js';

import { VERSION } from '../util/version.js';

export { VERSION };

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
 * The output, its column sidecar (`<stem>.json`, written by efp and copied by merge) and its manifest must not be
 * the input (a JSONL input named jets.json next to --out jets.npy included).
 */
function refuseOverwriteOf(o: ShardedRunOptions): void {
  const side = sidecarOf(o.output);
  refuseOverwrite([o.input], [o.output, side === o.output ? undefined : side, o.shard ? manifestPath(o.output) : undefined]);
}

/**
 * Runs `work` on the shard's rows [start, end) of `total` rows and records the manifest. Returns false (doing
 * nothing) when the same shard was already written, unless `force`. Unsharded runs get [0, total) and no manifest.
 */
export async function runShardedRows(o: ShardedRunOptions, total: number, work: (rows: [number, number]) => Promise<void>): Promise<boolean> {
  refuseOverwriteOf(o);
  if (!o.shard) {
    await work([0, total]);
    return true;
  }
  const shard = parseShard(o.shard);
  const rows = shardRange(total, shard);
  const m: Manifest = {
    jetlens: VERSION,
    node: process.version,
    command: o.command,
    settings: o.settings,
    input: { file: o.input, sha256: await sha256File(o.input), jets: total },
    shard,
    rows,
    output: o.output,
    argv: process.argv.slice(2),
  };
  if (!o.force && shardDone(m)) return false;
  await work(rows);
  await writeManifest(m);
  return true;
}

/** The jets form: reads (converts and validates) only the shard's jets and hands them to `work`. */
export async function runSharded(o: ShardedRunOptions, work: (jets: JetBatch) => Promise<void>): Promise<boolean> {
  refuseOverwriteOf(o);
  const shard = o.shard ? parseShard(o.shard) : undefined;
  let total = 0;
  const jets = await readJets(o.input, {
    dataset: o.dataset,
    rows: shard && ((n) => shardRange((total = n), shard)),
  });
  return runShardedRows(o, shard ? total : jets.length, () => work(jets));
}
