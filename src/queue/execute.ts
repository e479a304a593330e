import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { EFPSet } from '../efp/efpset.js';
import { readJets, writeNpy, writeTable } from '../io/index.js';
import type { JetBatch } from '../jets/batch.js';
import { observables } from '../jss/observables.js';
import { writeJsonAtomic } from '../util/atomic.js';
import { VERSION } from '../util/version.js';
import { sha256File, shardRange, writeManifest, type Manifest } from '../shard/shard.js';
import type { ValidJob } from './job.js';

/** What a finished job returns (BullMQ stores it as the job's return value). */
export interface JobResult {
  output: string;
  /** Jets processed (rows of the output). */
  rows: number;
  /** Output columns: EFP graph ids or observable names. */
  columns: string[];
  seconds: number;
  /** True when the output already existed with a matching stamp and nothing was recomputed. */
  cached: boolean;
}

/** Recorded next to the output (`<output>.job.json`), written last: its presence means the output is complete. */
interface Stamp {
  jetlens: string;
  command: string;
  input: { file: string; sha256: string };
  dataset: string;
  shard: ValidJob['shard'] | null;
  settings: unknown;
  result: { output: string; rows: number; columns: string[] };
  jobId?: string;
}

export const stampPath = (output: string) => `${output}.job.json`;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function previous(job: ValidJob, sha256: string): Stamp | undefined {
  const p = stampPath(job.output);
  if (!existsSync(job.output) || !existsSync(p)) return undefined;
  try {
    const s = JSON.parse(readFileSync(p, 'utf8')) as Stamp;
    const match = s.command === job.command && s.input.sha256 === sha256 && s.dataset === job.dataset &&
      same(s.shard, job.shard ?? null) && same(s.settings, job.options);
    return match ? s : undefined;
  } catch {
    return undefined;
  }
}

interface Computed {
  columns: string[];
}

async function runEfp(job: Extract<ValidJob, { command: 'efp' }>, jets: JetBatch, threads: number): Promise<Computed> {
  const { selection, ...mo } = job.options;
  const set = new EFPSet(selection, mo);
  const values = await set.batchCompute(jets, { threads });
  await writeNpy(job.output, { data: values, shape: [jets.length, set.length] }); // io writers are atomic
  // The same column sidecar as `jetlens efp` writes.
  const meta = {
    selection: typeof selection === 'string' ? selection : { graphs: selection }, measure: set.measure, cols: set.cols,
    columns: set.columns.map((c, i) => ({ column: i, id: c.id, edges: c.edges, ...c.spec })),
  };
  await writeJsonAtomic(job.output.replace(/\.npy$/i, '.json'), meta, 1);
  return { columns: set.columns.map((c) => c.id) };
}

async function runObservables(job: Extract<ValidJob, { command: 'observables' }>, jets: JetBatch, threads: number): Promise<Computed> {
  const r = await observables(jets, { ...job.options, threads });
  const table: Record<string, Float64Array> = {};
  for (const c of r.columns) table[c] = r.values[c];
  if (extname(job.output).toLowerCase() === '.npz' && jets.labels && !('y' in table)) table.y = jets.labels;
  await writeTable(job.output, table); // io writers are atomic
  return { columns: r.columns };
}

export interface ExecuteOptions {
  threads?: number;
  jobId?: string;
}

/**
 * Runs a validated job. Idempotent: when the output and its stamp already record the same command, input bytes
 * and settings, nothing is recomputed (a job re-run after a worker crash returns the recorded result). The
 * output is renamed into place, then the stamp, so a crash leaves either no stamp (redo) or a complete output.
 */
export async function executeJob(job: ValidJob, o: ExecuteOptions = {}): Promise<JobResult> {
  const t0 = performance.now();
  const sha256 = await sha256File(job.input);
  const done = previous(job, sha256);
  const seconds = () => Math.round(performance.now() - t0) / 1000;
  if (done) return { ...done.result, seconds: seconds(), cached: true };
  await mkdir(dirname(job.output), { recursive: true });
  let total = 0;
  let rowsRange: [number, number] = [0, 0];
  // A shard reads, converts and validates only its own rows.
  const shard = job.shard;
  const jets = await readJets(job.input, { dataset: job.dataset, rows: shard && ((n) => ((total = n), (rowsRange = shardRange(n, shard)))) });
  const threads = o.threads ?? 0;
  const { columns } = job.command === 'efp' ? await runEfp(job, jets, threads) : await runObservables(job, jets, threads);
  if (job.shard) {
    const m: Manifest = {
      jetlens: VERSION, node: process.version, command: job.command, settings: { ...job.options, dataset: job.dataset },
      input: { file: job.input, sha256, jets: total }, shard: job.shard, rows: rowsRange, output: job.output, argv: [],
    };
    await writeManifest(m);
  }
  const result = { output: job.output, rows: jets.length, columns };
  const stamp: Stamp = {
    jetlens: VERSION, command: job.command, input: { file: job.input, sha256 }, dataset: job.dataset,
    shard: job.shard ?? null, settings: job.options, result, ...(o.jobId ? { jobId: o.jobId } : {}),
  };
  await writeJsonAtomic(stampPath(job.output), stamp, 1);
  return { ...result, seconds: seconds(), cached: false };
}
