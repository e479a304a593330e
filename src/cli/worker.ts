import type { Command } from 'commander';
import { DEFAULT_QUEUE, redactRedisUrl, redisConnection } from '../queue/connection.js';
import { startWorker } from '../queue/worker.js';
import { action, info, intOption } from './util.js';

const HELP = `
Jobs (JSON, submitted with the library's submit() or any BullMQ producer):
  {"command": "efp", "input": "/data/jets.npz", "output": "/data/out/efp.npy",
   "options": {"select": "d<=5", "measure": "hadr", "kappa": 1, "beta": 1, "normed": true}}
  {"command": "observables", "input": "/data/jets.npz", "output": "/data/out/obs.csv",
   "options": {"columns": ["mass", "c2_b1"], "betas": [1, 2], "tauBeta": [1], "axes": "kt"}}
Optional fields: "dataset" (default X), "shard" ("K/N", writes a manifest for jetlens merge). Paths are absolute.
A job failing validation goes to the Redis list <queue>:dead and is not retried; other failures are retried.
A finished output has a stamp <output>.job.json; a job whose output and stamp match is a no-op.
Output: one JSON line {"ready": ...} on stdout, then one JSON line per event (active, completed, failed, error).
SIGTERM/SIGINT: stop taking jobs, finish the running ones, exit 0; a second signal exits at once (code 1).`;

interface Opts {
  redis: string;
  queue: string;
  concurrency: number;
  threads: number;
  lockDuration: number;
  stalledInterval: number;
  maxStalled: number;
  connectTimeout: number;
  outputRoot?: string;
  deadLetterMax: number;
}

export const register = (program: Command) =>
  program
    .command('worker')
    .description('consume efp/observables jobs from a Redis (BullMQ) queue')
    .requiredOption('--redis <url>', 'Redis URL, e.g. redis://127.0.0.1:6379')
    .option('--queue <name>', 'queue name', DEFAULT_QUEUE)
    .option('--concurrency <n>', 'jobs run at once by this worker', intOption('concurrency', 1), 1)
    .option('--threads <n>', 'kernel threads per job (0 = all cores)', intOption('threads', 0), 0)
    .option('--lock-duration <ms>', "job lock lifetime; a dead worker's job is re-queued after it", intOption('lock-duration', 100), 30000)
    .option('--stalled-interval <ms>', 'how often to look for stalled jobs', intOption('stalled-interval', 100), 30000)
    .option('--max-stalled <n>', 'a job stalled more often than this fails', intOption('max-stalled', 0), 1)
    .option('--connect-timeout <ms>', 'give up (exit 1) when Redis cannot be reached at start within this long', intOption('connect-timeout', 1), 10000)
    .option('--output-root <dir>', 'refuse (dead-letter) jobs whose output resolves outside this directory')
    .option('--dead-letter-max <n>', 'keep at most this many entries in <queue>:dead', intOption('dead-letter-max', 1), 10000)
    .addHelpText('after', HELP)
    .action(action(async (o: Opts) => {
      const connection = redisConnection(o.redis);
      const print = (x: unknown) => process.stdout.write(JSON.stringify(x) + '\n');
      const w = await startWorker({
        connection, queue: o.queue, concurrency: o.concurrency, threads: o.threads,
        lockDuration: o.lockDuration, stalledInterval: o.stalledInterval, maxStalledCount: o.maxStalled, connectTimeoutMs: o.connectTimeout,
        outputRoot: o.outputRoot, deadLetterMax: o.deadLetterMax,
        onEvent: (e) => print(e),
      }).catch((e: Error) => {
        // Exit now: the Redis client would otherwise keep the process alive while it retries.
        process.stderr.write(`jetlens: error: ${e.message}\n`);
        process.exit(1);
      });
      print({ ready: true, queue: o.queue, redis: redactRedisUrl(o.redis), concurrency: o.concurrency, pid: process.pid });
      let closing = false;
      const stop = (signal: string) => {
        if (closing) {
          // A second signal: do not wait any longer (e.g. Redis is gone and close() cannot finish).
          info(`jetlens worker: ${signal} again: exiting now`);
          process.exit(1);
        }
        closing = true;
        info(`jetlens worker: ${signal}: finishing running jobs, taking no more (send it again to exit now)`);
        void w.close().then(() => process.exit(0), () => process.exit(1));
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    }));
