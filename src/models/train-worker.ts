// Worker-thread entry for trainInWorker (worker-train.ts). One long-lived worker runs training jobs one at a time:
// it rebuilds the model from kind + options + weights, trains it with the ordinary train() on the same
// TensorFlow.js backend, and posts epochs, then the trained weights.
import { parentPort } from 'node:worker_threads';
import { initTf, type TfBackendName, tf } from './backend.js';
import { createModel } from './models.js';
import { train } from './train.js';
import type { WorkerJob, WorkerReply } from './worker-train.js';

let abort: AbortController | null = null;
const post = (m: WorkerReply) => parentPort!.postMessage(m);

async function run(id: number, job: WorkerJob): Promise<void> {
  abort = new AbortController();
  await initTf({ backend: job.backend as TfBackendName }).catch(() => undefined); // before any tensor exists
  const model = createModel(job.kind, job.options);
  try {
    await initTf({ backend: job.backend as TfBackendName });
    model.net.setWeights(job.weights.map((w) => tf.tensor(w.data, w.shape, 'float32')));
    model.meta = job.meta;
    const result = await train(model, job.data, { ...job.opts, worker: false, signal: abort.signal, onEpoch: (info) => post({ id, type: 'epoch', info }) });
    const weights = model.net.getWeights().map((w) => ({ data: (w.dataSync() as Float32Array).slice(), shape: w.shape }));
    post({ id, type: 'done', result, weights, meta: model.meta });
  } catch (e) {
    const err = e as Error;
    post({ id, type: 'error', name: err.name, message: err.message });
  } finally {
    abort = null;
    model.net.dispose();
  }
}

parentPort!.on('message', (m: { type: string; id: number; job?: WorkerJob }) => {
  if (m.type === 'abort') abort?.abort();
  else if (m.type === 'job') void run(m.id, m.job!);
});
post({ id: 0, type: 'ready' });
