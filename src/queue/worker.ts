import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { JetlensInputError } from '../errors.js';
import { executeJob, type JobResult } from './execute.js';
import { DEAD_LETTER_MAX, DEFAULT_QUEUE, deadLetterKey } from './connection.js';
import { JobValidationError, validateJob, type JetlensJob } from './job.js';

export interface WorkerOptions {
  connection: ConnectionOptions;
  queue?: string;
  /** Jobs run at once by this process (default 1). */
  concurrency?: number;
  /** Kernel threads per job (0 = all cores). */
  threads?: number;
  /** A job's lock lasts this long and is renewed at half of it; a dead worker's job is stalled after it (ms, default 30000). */
  lockDuration?: number;
  /** How often this worker looks for stalled jobs (ms, default 30000). */
  stalledInterval?: number;
  /** A job stalled more often than this fails (default 1). */
  maxStalledCount?: number;
  /** Give up starting when Redis cannot be reached within this long (ms, default 10000). */
  connectTimeoutMs?: number;
  /** Outputs must resolve inside this directory (a job writing elsewhere is invalid: dead-lettered). Unset: anywhere. */
  outputRoot?: string;
  /** Longest dead-letter list kept (default DEAD_LETTER_MAX). */
  deadLetterMax?: number;
  /** Worker events, e.g. to log them. */
  onEvent?: (e: WorkerEvent) => void;
}

export type WorkerEvent =
  | { event: 'active'; id: string; command: unknown; output: unknown }
  | { event: 'completed'; id: string; output: string; rows: number; cached: boolean; seconds: number }
  | { event: 'failed'; id: string; error: string; attempt: number; dead: boolean }
  /** Connection trouble after start (BullMQ keeps reconnecting). */
  | { event: 'error'; error: string };

export interface JetlensWorker {
  worker: Worker<JetlensJob, JobResult>;
  /** Stops taking jobs and waits for the running ones to finish. */
  close(): Promise<void>;
}

// Push, then trim to ARGV[2] entries: a flood of poison jobs cannot grow Redis without bound.
const DEAD_LETTER_LUA = "local n = redis.call('LPUSH', KEYS[1], ARGV[1]); redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1); return n";
const defined = new WeakSet<object>();

/** LPUSH through BullMQ's client interface (which only runs named Lua commands), so any BullMQ driver works. */
async function pushDeadLetter(worker: Worker, key: string, entry: string, max: number): Promise<void> {
  const client = await worker.client;
  if (!defined.has(client)) {
    client.defineCommand('jetlensDeadLetter', { numberOfKeys: 1, lua: DEAD_LETTER_LUA });
    defined.add(client);
  }
  await client.runCommand('jetlensDeadLetter', [key, entry, String(max)]);
}

/** Rejects (and closes the worker) when Redis is not reachable in time, instead of retrying forever. */
async function readyWithin(worker: Worker, ms: number, why: () => string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cannot reach Redis within ${ms} ms${why() ? ` (${why()})` : ''}`)), ms);
  });
  try {
    await Promise.race([worker.waitUntilReady(), timeout]);
  } catch (e) {
    // close() would wait for the connection forever; force it down without waiting.
    void worker.close(true).catch(() => {});
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Consumes jobs from the queue. A job that fails validation, or whose input is bad (a JetlensInputError), is pushed to the dead-letter list `<queue>:dead`
 * and failed with an UnrecoverableError (BullMQ does not retry it); other errors are retried as the job's
 * `attempts`/`backoff` say. A job whose worker died (lock expired) is re-queued by the stalled-job check of any
 * live worker; executeJob is idempotent, so the re-run cannot produce a different or second result.
 */
export async function startWorker(o: WorkerOptions): Promise<JetlensWorker> {
  const queue = o.queue ?? DEFAULT_QUEUE;
  const emit = o.onEvent ?? (() => {});
  let worker: Worker<JetlensJob, JobResult>;
  const processor = async (job: Job<JetlensJob, JobResult>): Promise<JobResult> => {
    emit({ event: 'active', id: String(job.id), command: job.data?.command, output: job.data?.output });
    // A job that can never succeed as written (invalid, or its input file is bad: corrupt, truncated, oversized)
    // goes to the dead-letter list with its located error and is not retried; other failures (I/O) are retried.
    const dead = async (e: Error): Promise<never> => {
      const entry = { id: job.id, name: job.name, data: job.data, error: e.message, failedAt: new Date().toISOString() };
      await pushDeadLetter(worker, deadLetterKey(queue), JSON.stringify(entry), o.deadLetterMax ?? DEAD_LETTER_MAX);
      throw new UnrecoverableError(e.message);
    };
    let valid;
    try {
      valid = validateJob(job.data, { outputRoot: o.outputRoot });
    } catch (e) {
      if (!(e instanceof JobValidationError)) throw e;
      return dead(e);
    }
    try {
      return await executeJob(valid, { threads: o.threads ?? 0, jobId: String(job.id) });
    } catch (e) {
      if (!(e instanceof JetlensInputError)) throw e;
      return dead(e);
    }
  };
  worker = new Worker<JetlensJob, JobResult>(queue, processor, {
    connection: o.connection,
    concurrency: o.concurrency ?? 1,
    lockDuration: o.lockDuration ?? 30000,
    stalledInterval: o.stalledInterval ?? 30000,
    maxStalledCount: o.maxStalledCount ?? 1,
    autorun: false,
  });
  worker.on('completed', (job, r) => emit({ event: 'completed', id: String(job.id), output: r.output, rows: r.rows, cached: r.cached, seconds: r.seconds }));
  worker.on('failed', (job, err) => {
    if (!job) return;
    const dead = err instanceof UnrecoverableError || err.name === 'UnrecoverableError';
    emit({ event: 'failed', id: String(job.id), error: err.message, attempt: job.attemptsMade, dead });
  });
  // Without a listener an 'error' event (e.g. Redis going away) would crash the process; BullMQ reconnects.
  let lastError = '';
  let started = false;
  worker.on('error', (e) => {
    lastError = e.message;
    if (started) emit({ event: 'error', error: e.message });
  });
  await readyWithin(worker, o.connectTimeoutMs ?? 10000, () => lastError);
  started = true;
  worker.run().catch(() => {}); // resolves on close; errors were already reported through the "error" event
  return { worker, close: () => worker.close() };
}
