import { Job, Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { JobResult } from './execute.js';
import { DEFAULT_QUEUE, deadLetterKey } from './connection.js';
import type { JetlensJob } from './job.js';

export interface SubmitOptions {
  queue?: string;
  /** Tries before the job fails for good (default 3); jobs failing validation are never retried. */
  attempts?: number;
  /** First retry delay, doubled each retry (ms, default 1000). */
  backoffMs?: number;
  /** A job id of your own: submitting the same id again is a no-op (BullMQ keeps one job per id). */
  jobId?: string;
}

export interface WaitOptions {
  queue?: string;
  /** Give up (reject) after this long (ms, default 60000). */
  timeoutMs?: number;
  /** Polling period (ms, default 100). */
  pollMs?: number;
}

/** A dead-letter entry: a job that failed validation, with the reason. */
export interface DeadLetter {
  id: string;
  name: string;
  data: unknown;
  error: string;
  failedAt: string;
}

/** Producer side of the queue; one Redis connection, reused for every call. Close it when done. */
export class JobQueue {
  readonly queue: Queue<JetlensJob, JobResult>;
  constructor(connection: ConnectionOptions, readonly name = DEFAULT_QUEUE) {
    this.queue = new Queue<JetlensJob, JobResult>(name, { connection });
    this.queue.on('error', () => {}); // BullMQ reconnects; callers see failures through the calls' rejections
  }

  /** Enqueues a job (not validated here: the worker validates, since paths are local to it); returns its id. */
  async submit(job: JetlensJob, o: SubmitOptions = {}): Promise<string> {
    const opts: JobsOptions = {
      attempts: o.attempts ?? 3,
      backoff: { type: 'exponential', delay: o.backoffMs ?? 1000 },
      ...(o.jobId ? { jobId: o.jobId } : {}),
    };
    const added = await this.queue.add(String(job?.command ?? 'job'), job, opts);
    return String(added.id);
  }

  /** Resolves with the job's result once completed; rejects when it failed for good, is unknown, or on timeout. */
  async wait(jobId: string, o: WaitOptions = {}): Promise<JobResult> {
    const deadline = Date.now() + (o.timeoutMs ?? 60000);
    for (;;) {
      const state = await this.queue.getJobState(jobId);
      if (state === 'completed' || state === 'failed') {
        const job = await Job.fromId<JetlensJob, JobResult>(this.queue, jobId);
        if (!job) throw new Error(`job ${jobId} was removed`);
        if (state === 'failed') throw new Error(`job ${jobId} failed: ${job.failedReason}`);
        return job.returnvalue;
      }
      if (state === 'unknown') throw new Error(`no job ${jobId} in queue '${this.name}'`);
      if (Date.now() >= deadline) throw new Error(`job ${jobId} still ${state} after ${o.timeoutMs ?? 60000} ms`);
      await new Promise((r) => setTimeout(r, o.pollMs ?? 100));
    }
  }

  /** Jobs that failed validation, newest first. */
  async deadLetters(): Promise<DeadLetter[]> {
    const client = await this.queue.client;
    return (await client.lrange(deadLetterKey(this.name), 0, -1)).map((s) => JSON.parse(s) as DeadLetter);
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

async function withQueue<T>(connection: ConnectionOptions, name: string | undefined, fn: (q: JobQueue) => Promise<T>): Promise<T> {
  const q = new JobQueue(connection, name);
  try {
    return await fn(q);
  } finally {
    await q.close();
  }
}

/** One-shot producer call: enqueue `job` and return its id. */
export function submit(connection: ConnectionOptions, job: JetlensJob, o: SubmitOptions = {}): Promise<string> {
  return withQueue(connection, o.queue, (q) => q.submit(job, o));
}

/** One-shot producer call: wait (bounded by timeoutMs) for a job's result. */
export function wait(connection: ConnectionOptions, jobId: string, o: WaitOptions = {}): Promise<JobResult> {
  return withQueue(connection, o.queue, (q) => q.wait(jobId, o));
}
