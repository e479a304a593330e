// Facades that load the heavy parts of jetlens on first use, so that `import 'jetlens'` stays light (no
// TensorFlow.js, BullMQ or Vega until a model, a queue or a figure is wanted). The full APIs are also exported by
// the subpaths 'jetlens/models', 'jetlens/queue' and 'jetlens/report' (package.json "exports").
import { JetlensInputError } from './errors.js';
import type * as Models from './models/index.js';
import type * as Queue from './queue/index.js';

let models: typeof Models | undefined;

async function loadModels(): Promise<typeof Models> {
  return (models ??= await import('./models/index.js'));
}

/** The models module for a synchronous call: loaded by an earlier async call (initTf), else a clear error. */
function loadedModels(what: string): typeof Models {
  if (!models) {
    throw new JetlensInputError(`${what} needs TensorFlow.js loaded: call 'await initTf()' first, or import { ${what} } from 'jetlens/models'`);
  }
  return models;
}

type Fn = (...a: never[]) => unknown;
type Async<F extends Fn> = (...a: Parameters<F>) => Promise<Awaited<ReturnType<F>>>;
const later = <K extends keyof typeof Models>(k: K) =>
  (async (...a: unknown[]) => ((await loadModels())[k] as (...x: unknown[]) => unknown)(...a)) as unknown as Async<(typeof Models)[K] & Fn>;
const now = <K extends keyof typeof Models>(k: K) =>
  ((...a: unknown[]) => (loadedModels(k)[k] as (...x: unknown[]) => unknown)(...a)) as unknown as (typeof Models)[K];

export const initTf = later('initTf');
export const train = later('train');
export const predict = later('predict');
export const saveModel = later('saveModel');
export const loadModel = later('loadModel');
export const createModel = now('createModel');
export const phiNetwork = now('phiNetwork');
export const efnFilters = now('efnFilters');
export const bceLoss = now('bceLoss');
export const lrLoss = now('lrLoss');
export const lossValue = now('lossValue');

const queueModule = () => import('./queue/index.js');
const q = <K extends 'submit' | 'wait' | 'startWorker' | 'executeJob'>(k: K) =>
  (async (...a: unknown[]) => ((await queueModule())[k] as (...x: unknown[]) => unknown)(...a)) as unknown as Async<(typeof Queue)[K]>;

/** The Redis job queue's entry points (BullMQ is imported by the first call). */
export const queue = {
  submit: q('submit'),
  wait: q('wait'),
  startWorker: q('startWorker'),
  executeJob: q('executeJob'),
};
