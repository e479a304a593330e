import { createHash } from 'node:crypto';
import { isMainThread } from 'node:worker_threads';
import { JetlensAbortError, JetlensInputError } from '../errors.js';
import { Rng } from '../util/rng.js';
import { rocAuc } from './auc.js';
import { ensureTf, tf } from './backend.js';
import { type Block, type ModelData, sampleCount, takeRows, takeSamples } from './inputs.js';
import { type LossName, lossFunction, lossValue } from './losses.js';
import { cnnChannels } from './kinds.js';
import type { JetModel } from './models.js';
import { Standardize } from './layers.js';
import { adam } from './native-adam.js';
import { trainInWorker } from './worker-train.js';

export interface EpochInfo {
  epoch: number; // 1-based
  loss: number; // mean training loss over the epoch's batches
  valLoss: number;
  valAUC: number;
  seconds: number;
}

export interface TrainOptions {
  seed?: number; // split and batch order (default: the model's seed)
  epochs?: number; // default 10
  batchSize?: number; // default 128
  lr?: number; // Adam learning rate, default 1e-3
  split?: [number, number, number]; // train/val/test fractions (default 0.7, 0.15, 0.15)
  patience?: number; // early stopping: epochs without val-loss improvement (default 5; 0 = off)
  classWeights?: [number, number] | 'balanced'; // weights of labels 0 and 1 (BCE only)
  loss?: LossName; // default: 'lr' for softplus/exp heads, else 'bce'
  onEpoch?: (e: EpochInfo) => void;
  signal?: AbortSignal;
  /**
   * Train in a worker thread so the caller's event loop never blocks on a training step (default: true on the
   * main thread unless JETLENS_TRAIN_WORKER=0). Same backend, same results; costs a worker start (~0.3 s).
   */
  worker?: boolean;
}

export interface TrainResult {
  history: EpochInfo[];
  bestEpoch: number;
  stoppedEarly: boolean;
  split: { train: Uint32Array; val: Uint32Array; test: Uint32Array };
  testAUC: number; // NaN when the test set is empty or single-class
  testLoss: number;
}

/** Seeded train/val/test split of n samples. */
export function splitIndices(n: number, seed: number, frac: [number, number, number] = [0.7, 0.15, 0.15]) {
  const total = frac[0] + frac[1] + frac[2];
  const perm = new Rng(seed).permutation(n);
  const nVal = Math.round((n * frac[1]) / total);
  const nTest = Math.round((n * frac[2]) / total);
  const nTrain = n - nVal - nTest;
  return { train: perm.slice(0, nTrain), val: perm.slice(nTrain, nTrain + nVal), test: perm.slice(nTrain + nVal) };
}

/** SHA-256 of a ModelData's inputs and labels (recorded in the saved model). */
export function dataHash(d: ModelData): string {
  const h = createHash('sha256');
  for (const b of d.inputs) h.update(new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength));
  if (d.labels) h.update(new Uint8Array(d.labels.buffer, d.labels.byteOffset, d.labels.byteLength));
  return h.digest('hex');
}

/** Sets a DNN's standardisation layer to the training rows' mean and spread (spread 0 -> 1). */
export function fitScaling(model: JetModel, x: Block): void {
  const layer = model.net.layers.find((l) => l instanceof Standardize);
  if (!layer) return;
  const [n, f] = x.shape;
  const mean = new Float64Array(f);
  const sq = new Float64Array(f);
  for (let r = 0; r < n; r++) for (let c = 0; c < f; c++) mean[c] += x.data[r * f + c] / n;
  for (let r = 0; r < n; r++) for (let c = 0; c < f; c++) sq[c] += (x.data[r * f + c] - mean[c]) ** 2 / n;
  const std = Array.from(sq, (v) => (v > 0 ? Math.sqrt(v) : 1));
  layer.setWeights([tf.tensor1d(Float32Array.from(mean)), tf.tensor1d(Float32Array.from(std))]);
  model.meta.scaling = { features: model.options.featureNames, mean: Array.from(mean), std };
}

function checkLabels(labels: Float64Array | undefined): Float64Array {
  if (!labels) throw new JetlensInputError('training needs labels (0/1 per sample)');
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new JetlensInputError(`label ${labels[i]} at sample ${i} is not 0 or 1`);
  }
  return labels;
}

function sampleWeights(labels: Float64Array, base: Float64Array | undefined, cw: TrainOptions['classWeights']): Float64Array {
  let w0 = 1, w1 = 1;
  if (cw === 'balanced') {
    const n1 = labels.reduce((a, b) => a + b, 0);
    const n0 = labels.length - n1;
    w0 = n0 ? labels.length / (2 * n0) : 1;
    w1 = n1 ? labels.length / (2 * n1) : 1;
  } else if (cw) [w0, w1] = cw;
  return Float64Array.from(labels, (y, i) => (y === 1 ? w1 : w0) * (base ? base[i] : 1));
}

const toTensor = (b: Block) => tf.tensor(b.data, b.shape, 'float32');

/**
 * Trains with Adam on mini-batches in a seeded order (own loop, not model.fit, whose shuffling is unseeded),
 * early stopping on validation loss (best weights restored), per-epoch progress with validation AUC.
 */
export async function train(model: JetModel, data: ModelData, opts: TrainOptions = {}): Promise<TrainResult> {
  await ensureTf();
  if (opts.worker ?? (isMainThread && process.env.JETLENS_TRAIN_WORKER !== '0')) return trainInWorker(model, data, opts);
  const n = sampleCount(data);
  const labels = checkLabels(data.labels);
  const seed = opts.seed ?? model.options.seed;
  const epochs = opts.epochs ?? 10;
  const batchSize = opts.batchSize ?? 128;
  const patience = opts.patience ?? 5;
  const lossName: LossName = opts.loss ?? (model.options.head === 'sigmoid' ? 'bce' : 'lr');
  if (lossName === 'bce' && model.options.head !== 'sigmoid') throw new Error('BCE needs a sigmoid head');
  const split = splitIndices(n, seed, opts.split);
  if (split.train.length === 0) throw new JetlensInputError('empty training set');
  const weights = sampleWeights(labels, data.weights, lossName === 'bce' ? opts.classWeights : undefined);
  const trainSet = takeSamples({ ...data, weights }, split.train);
  const valSet = takeSamples({ ...data, weights }, split.val);
  if (model.kind === 'dnn') fitScaling(model, trainSet.inputs[0]);

  const lossFn = lossFunction(lossName);
  const optimizer = adam(opts.lr ?? 1e-3); // tfjs's Adam; one fused native kernel per variable on 'jetlens'
  const vars = model.net.trainableWeights.map((w) => w.read() as tf.Variable); // read() is the variable itself
  const rng = new Rng(seed ^ 0x5bd1e995);
  const history: EpochInfo[] = [];
  let best = Infinity, bestEpoch = 0, bestWeights: tf.Tensor[] | null = null, stale = 0, stoppedEarly = false;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const t0 = performance.now();
      const order = rng.permutation(trainSet.labels!.length);
      let lossSum = 0;
      for (let s = 0; s < order.length; s += batchSize) {
        if (opts.signal?.aborted) throw new JetlensAbortError('training');
        const idx = order.subarray(s, Math.min(s + batchSize, order.length));
        const xs = trainSet.inputs.map((b) => toTensor(takeRows(b, idx)));
        const y = tf.tensor1d(Float32Array.from(idx, (i) => trainSet.labels![i]));
        const w = tf.tensor1d(Float32Array.from(idx, (i) => trainSet.weights![i]));
        const cost = optimizer.minimize(() => {
          const out = model.net.apply(xs, { training: true }) as tf.Tensor;
          return lossFn(y, tf.reshape(out, [-1]), w);
        }, true, vars);
        lossSum += (await cost!.data())[0] * idx.length;
        tf.dispose([...xs, y, w, cost!]);
        await new Promise((r) => setImmediate(r)); // keep the event loop (and abort) responsive
      }
      const valScores = split.val.length ? await predict(model, valSet, { batchSize: Math.max(batchSize, 1024) }) : new Float64Array();
      const valLoss = split.val.length ? lossValue(lossName, valSet.labels!, valScores, valSet.weights) : lossSum / order.length;
      const info: EpochInfo = { epoch, loss: lossSum / order.length, valLoss, valAUC: rocAuc(valSet.labels!, valScores), seconds: (performance.now() - t0) / 1000 };
      history.push(info);
      opts.onEpoch?.(info);
      if (valLoss < best) {
        best = valLoss;
        bestEpoch = epoch;
        stale = 0;
        tf.dispose(bestWeights ?? []);
        bestWeights = model.net.getWeights().map((t) => t.clone());
      } else if (patience > 0 && ++stale >= patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (bestWeights) model.net.setWeights(bestWeights);
  } finally {
    tf.dispose(bestWeights ?? []);
    optimizer.dispose();
  }
  const testSet = takeSamples(data, split.test);
  const testScores = split.test.length ? await predict(model, testSet) : new Float64Array();
  model.meta = { ...model.meta, seed, epochs: history.length, dataHash: model.meta.dataHash ?? dataHash(data), backend: tf.getBackend() };
  const testAUC = rocAuc(testSet.labels!, testScores);
  model.meta.testAUC = testAUC;
  return { history, bestEpoch, stoppedEarly, split, testAUC, testLoss: lossValue(lossName, testSet.labels!, testScores, testSet.weights) };
}

/** Model outputs (score or f) for every sample, in float64. */
export async function predict(model: JetModel, data: ModelData, opts: { batchSize?: number; signal?: AbortSignal } = {}): Promise<Float64Array> {
  await ensureTf();
  checkInputShapes(model, data);
  const n = sampleCount(data);
  const bs = opts.batchSize ?? 1024;
  const out = new Float64Array(n);
  for (let s = 0; s < n; s += bs) {
    if (opts.signal?.aborted) throw new JetlensAbortError('prediction');
    const idx = Uint32Array.from({ length: Math.min(bs, n - s) }, (_, k) => s + k);
    const xs = data.inputs.map((b) => toTensor(takeRows(b, idx)));
    // One forward pass per chunk: LayersModel.predict would otherwise split it into batches of 32, whose per-op
    // dispatch cost more than the arithmetic (outputs per sample do not depend on the batch size).
    const y = model.net.predict(xs.length === 1 ? xs[0] : xs, { batchSize: idx.length }) as tf.Tensor;
    out.set(await y.data(), s);
    tf.dispose([...xs, y]);
  }
  return out;
}

/** Refuses data whose blocks do not fit the network's inputs (tfjs would fail later with a less helpful message). */
export function checkInputShapes(model: JetModel, data: ModelData): void {
  const inputs = model.net.inputs as tf.SymbolicTensor[] | undefined;
  if (!Array.isArray(inputs)) return; // a stand-in network (a plain function, as in tests) declares no inputs
  const want = inputs.map((x) => x.shape.slice(1));
  const fmt = (s: (number | null)[]) => `(N, ${s.map((v) => v ?? 'any').join(', ')})`;
  const fits = (s: number[], w: (number | null)[]) => s.length === w.length + 1 && w.every((v, k) => v === null || v === s[k + 1]);
  if (data.inputs.length === want.length && data.inputs.every((b, i) => fits(b.shape, want[i]))) return;
  const got = data.inputs.map((b) => fmt(b.shape.slice(1))).join(' + ');
  const o = model.options;
  const hint = model.kind === 'cnn'
    ? ` (this CNN takes ${o.npix}x${o.npix} images with ${cnnChannels(o.pixels)} channel(s), pixels '${o.pixels}': give its jets, or images made with its settings)`
    : '';
  throw new JetlensInputError(`the ${model.kind} model takes ${want.map(fmt).join(' + ')} but the data give ${got}${hint}`);
}
