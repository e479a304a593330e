// Redis-backed job queue (BullMQ): workers consume efp/observables jobs; producers submit and wait.
export { JobQueue, submit, wait, type DeadLetter, type SubmitOptions, type WaitOptions } from './client.js';
export { DEFAULT_QUEUE, deadLetterKey, redisConnection } from './connection.js';
export { executeJob, stampPath, type JobResult } from './execute.js';
export { JobValidationError, validateJob, type EfpJobOptions, type JetlensJob, type ObservablesJobOptions, type ValidJob } from './job.js';
export { startWorker, type JetlensWorker, type WorkerEvent, type WorkerOptions } from './worker.js';
