import { Worker } from 'node:worker_threads';
import { JetlensAbortError, JetlensInputError } from '../errors.js';
import { tf } from './backend.js';
import type { ModelData } from './inputs.js';
import type { JetModel, ModelKind, ModelMeta, ResolvedOptions } from './models.js';
import type { EpochInfo, TrainOptions, TrainResult } from './train.js';

type Tensorish = { data: Float32Array; shape: number[] };
/** What the main thread sends to the training worker (structured-cloned). */
export interface WorkerJob {
  backend: string;
  kind: ModelKind;
  options: ResolvedOptions;
  meta: ModelMeta;
  weights: Tensorish[];
  data: ModelData;
  opts: Omit<TrainOptions, 'onEpoch' | 'signal'>;
}
export type WorkerReply =
  | { id: number; type: 'ready' }
  | { id: number; type: 'epoch'; info: EpochInfo }
  | { id: number; type: 'done'; result: TrainResult; weights: Tensorish[]; meta: ModelMeta }
  | { id: number; type: 'error'; name: string; message: string };

/** The worker script next to this module (.js from dist, .ts under a TypeScript loader such as the tests'). */
function workerUrl(): URL {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./train-worker${ext}`, import.meta.url);
}

let shared: { worker: Worker; ready: Promise<void>; queue: Promise<unknown>; nextId: number } | null = null;

/**
 * Starts the long-lived training worker now (it loads TensorFlow.js, about 0.3-1 s) instead of at the first
 * train() call; a service calls this at start-up. The worker does not keep the process alive while idle.
 */
export function startTrainingWorker(): Promise<void> {
  if (shared) return shared.ready;
  const worker = new Worker(workerUrl());
  worker.unref();
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  const s = { worker, ready, queue: Promise.resolve() as Promise<unknown>, nextId: 1 };
  const reset = () => {
    if (shared === s) shared = null;
  };
  worker.on('error', reset);
  worker.on('exit', reset);
  shared = s;
  return ready;
}

/** Stops the training worker (a later train() starts a new one). */
export async function stopTrainingWorker(): Promise<void> {
  const s = shared;
  shared = null;
  if (s) await s.worker.terminate();
}

/**
 * Trains `model` in the training worker, so the caller's event loop (a service, a CLI drawing progress) never waits
 * on a training step: one CNN step takes 0.1-1 s, far above the 50 ms a responsive service may block. Same backend,
 * seeded batch order and kernels as in-thread training, so the weights are identical; on return the model holds
 * the trained weights and meta. onEpoch and signal work as for train(). Jobs run one at a time.
 */
export function trainInWorker(model: JetModel, data: ModelData, opts: TrainOptions = {}): Promise<TrainResult> {
  void startTrainingWorker();
  const s = shared!;
  const job = s.queue.then(() => runJob(s, model, data, opts));
  s.queue = job.catch(() => undefined);
  return job;
}

async function runJob(s: NonNullable<typeof shared>, model: JetModel, data: ModelData, opts: TrainOptions): Promise<TrainResult> {
  const { onEpoch, signal, ...rest } = opts;
  if (signal?.aborted) throw new JetlensAbortError('training');
  await s.ready;
  const id = s.nextId++;
  const job: WorkerJob = {
    backend: tf.getBackend(),
    kind: model.kind,
    options: model.options,
    meta: model.meta,
    weights: model.net.getWeights().map((w) => ({ data: w.dataSync() as Float32Array, shape: w.shape })),
    data,
    opts: rest,
  };
  const w = s.worker;
  const onAbort = () => w.postMessage({ type: 'abort', id });
  let onMessage: (m: WorkerReply) => void = () => {};
  let onExit: (code: number) => void = () => {};
  signal?.addEventListener('abort', onAbort, { once: true });
  w.ref(); // keep the process alive while a job runs
  try {
    const done = await new Promise<Extract<WorkerReply, { type: 'done' }>>((resolve, reject) => {
      onMessage = (m) => {
        if (m.id !== id) return;
        if (m.type === 'epoch') onEpoch?.(m.info);
        else if (m.type === 'done') resolve(m);
        else if (m.type === 'error') reject(m.name === 'AbortError' ? new JetlensAbortError('training') : m.name === 'JetlensInputError' ? new JetlensInputError(m.message) : new Error(m.message));
      };
      onExit = (code) => reject(new Error(`training worker exited with code ${code}`));
      w.on('message', onMessage);
      w.on('exit', onExit);
      w.postMessage({ type: 'job', id, job });
    });
    const ws = done.weights.map((t) => tf.tensor(t.data, t.shape, 'float32'));
    model.net.setWeights(ws);
    tf.dispose(ws);
    model.meta = done.meta;
    return done.result;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    w.off('message', onMessage);
    w.off('exit', onExit);
    w.unref();
  }
}
