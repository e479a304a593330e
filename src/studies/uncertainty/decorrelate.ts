import { JetlensAbortError, JetlensInputError } from '../../errors.js';
import { auc } from '../../metrics/index.js';
import { bceLoss, createModel, ensureTf, fitScaling, type JetModel, type ModelData, type ModelKind, type ModelOptions, predict, sampleCount, takeRows, tf } from '../../models/index.js';
import { Rng } from '../../util/rng.js';
import { distanceCorrelationSquared, distanceCorrelationSquaredTf } from './dcorr.js';
import { histogram, workingPoint } from './stats.js';

export interface DecorrelatedTrainOptions {
  lambda: number; // strength of the DisCo penalty
  epochs?: number; // default 10
  batchSize?: number; // default 256 (the penalty is estimated per batch: larger batches, better estimate)
  lr?: number; // Adam, default 1e-3
  /** Learning rate of the last epoch: geometric decay from lr (default: constant lr). */
  lrFinal?: number;
  /** Where dCorr is measured: background only (DisCo, default) or the sum over each class (a nuisance label that both classes carry). */
  penaltyOn?: 'background' | 'each-class';
  seed?: number; // batch order (default: the model's seed)
  signal?: AbortSignal;
  onEpoch?: (e: { epoch: number; loss: number; bce: number; penalty: number }) => void;
}

/**
 * Trains a sigmoid-head model with loss = BCE + lambda * dCorr^2(score, q) where dCorr^2 is computed per batch on
 * the background events only (DisCo, Kasieczka & Shih, arXiv:2001.05310), so that the background score becomes
 * independent of q (e.g. the jet mass) and a cut on it does not sculpt the q distribution. All rows train.
 */
export async function trainDecorrelated(model: JetModel, data: ModelData, against: ArrayLike<number>, o: DecorrelatedTrainOptions): Promise<void> {
  await ensureTf();
  const n = sampleCount(data);
  const labels = data.labels;
  if (!labels) throw new JetlensInputError('decorrelated training needs labels (0/1 per sample)');
  if (against.length !== n) throw new JetlensInputError(`decorrelation variable has ${against.length} values for ${n} samples`);
  if (!(o.lambda >= 0)) throw new JetlensInputError(`decorrelation strength must be >= 0, got ${o.lambda}`);
  if (model.options.head !== 'sigmoid') throw new JetlensInputError('decorrelated training needs a sigmoid head (BCE)');
  if (model.kind === 'dnn') fitScaling(model, data.inputs[0]);
  const bs = o.batchSize ?? 256;
  const lr0 = o.lr ?? 1e-3;
  const epochs = o.epochs ?? 10;
  const optimizer = tf.train.adam(lr0);
  const vars = model.net.trainableWeights.map((w) => w.read() as tf.Variable);
  const rng = new Rng((o.seed ?? model.options.seed) ^ 0x5bd1e995);
  const eachClass = o.penaltyOn === 'each-class';
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      setLearningRate(optimizer, scheduledLr(lr0, o.lrFinal, epoch, epochs));
      const order = rng.permutation(n);
      let sum = 0, sumBce = 0, sumPen = 0, batches = 0;
      for (let s = 0; s < n; s += bs) {
        if (o.signal?.aborted) throw new JetlensAbortError('decorrelated training');
        const idx = order.subarray(s, Math.min(s + bs, n));
        const nBg = idx.reduce((c, i) => c + (labels[i] !== 1 ? 1 : 0), 0);
        const nSig = idx.length - nBg;
        const xs = data.inputs.map((b) => { const r = takeRows(b, idx); return tf.tensor(r.data, r.shape, 'float32'); });
        const y = tf.tensor1d(Float32Array.from(idx, (i) => labels[i]));
        const w = tf.onesLike(y);
        const q = tf.tensor1d(Float32Array.from(idx, (i) => against[i]));
        const isBg = tf.sub(1, y) as tf.Tensor1D;
        let bce = 0, pen = 0;
        const cost = optimizer.minimize(() => {
          const p = tf.reshape(model.net.apply(xs, { training: true }) as tf.Tensor, [-1]) as tf.Tensor1D;
          const l = bceLoss(y, p, w);
          bce = l.dataSync()[0];
          if (!(o.lambda > 0 && nBg >= 2)) return l;
          let d = distanceCorrelationSquaredTf(p, q, isBg);
          if (eachClass && nSig >= 2) d = tf.add(d, distanceCorrelationSquaredTf(p, q, y)) as tf.Scalar;
          pen = d.dataSync()[0];
          return tf.add(l, tf.mul(o.lambda, d)) as tf.Scalar;
        }, true, vars);
        const c = (await cost!.data())[0];
        sum += c;
        sumBce += bce;
        sumPen += pen;
        batches++;
        tf.dispose([...xs, y, w, q, isBg, cost!]);
        await new Promise((r) => setImmediate(r));
      }
      o.onEpoch?.({ epoch, loss: sum / batches, bce: sumBce / batches, penalty: sumPen / batches });
    }
  } finally {
    optimizer.dispose();
  }
}

/** Learning rate of epoch e of E: geometric from lr to lrFinal (constant without lrFinal). */
export function scheduledLr(lr: number, lrFinal: number | undefined, epoch: number, epochs: number): number {
  if (lrFinal === undefined || epochs <= 1) return lr;
  return lr * Math.pow(lrFinal / lr, (epoch - 1) / (epochs - 1));
}

/** tfjs' Adam reads its learning rate on every step; the field is protected in the typings only. */
export function setLearningRate(opt: tf.Optimizer, lr: number): void {
  (opt as unknown as { learningRate: number }).learningRate = lr;
}

export interface DecorrelationScanOptions {
  kind: ModelKind;
  modelOptions: ModelOptions;
  data: ModelData;
  against: ArrayLike<number>; // the quantity (e.g. jet mass) per training sample
  evalData: ModelData;
  evalAgainst: ArrayLike<number>;
  train?: Omit<DecorrelatedTrainOptions, 'lambda' | 'signal'>;
  /** Cut for the sculpting histograms: background efficiency on each model (default 0.1). */
  effBackground?: number;
  bins?: number; // default 20
  range?: [number, number]; // histogram range (default: min..max of the background values)
  /** dCorr on at most this many background events (evenly strided; it is O(n^2)), default 2000. */
  maxEvents?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface DecorrelationRow {
  lambda: number;
  auc: number;
  dCorr: number; // residual distance correlation of score and quantity on the evaluation background
  dCorr2: number;
  cut: number;
  effSignal: number;
  effBackground: number;
  /** Background histogram of the quantity before and after the cut; JSD between their shapes (0 = no sculpting). */
  before: Float64Array;
  after: Float64Array;
  jsd: number;
  scores: Float64Array;
}

/** Jensen-Shannon divergence (natural log) between two histograms' shapes. */
export function jensenShannon(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const sp = Array.from(p).reduce((a, b) => a + b, 0);
  const sq = Array.from(q).reduce((a, b) => a + b, 0);
  if (!(sp > 0 && sq > 0)) return NaN;
  let d = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] / sp, b = q[i] / sq, m = (a + b) / 2;
    if (a > 0) d += 0.5 * a * Math.log(a / m);
    if (b > 0) d += 0.5 * b * Math.log(b / m);
  }
  return d;
}

/** Per strength lambda: AUC, residual background dCorr and the background histogram of the quantity before/after a cut. */
export async function decorrelationScan(lambdas: number[], o: DecorrelationScanOptions): Promise<{ edges: Float64Array; rows: DecorrelationRow[] }> {
  const labels = o.evalData.labels;
  if (!labels) throw new JetlensInputError('the evaluation set needs labels');
  if (o.evalAgainst.length !== labels.length) throw new JetlensInputError(`decorrelation variable has ${o.evalAgainst.length} values for ${labels.length} evaluation samples`);
  const bgIdx = Array.from(labels.keys()).filter((i) => labels[i] !== 1);
  const qBg = bgIdx.map((i) => o.evalAgainst[i]);
  const [lo, hi] = o.range ?? [Math.min(...qBg), Math.max(...qBg)];
  const bins = o.bins ?? 20;
  const edges = Float64Array.from({ length: bins + 1 }, (_, k) => lo + ((hi - lo) * k) / bins);
  const maxEv = o.maxEvents ?? 2000;
  const stride = Math.max(1, Math.ceil(bgIdx.length / maxEv));
  const sub = bgIdx.filter((_, k) => k % stride === 0);
  const before = histogram(qBg, lo, hi, bins);
  const rows: DecorrelationRow[] = [];
  for (const [k, lambda] of lambdas.entries()) {
    const model = createModel(o.kind, o.modelOptions);
    try {
      await trainDecorrelated(model, o.data, o.against, { ...o.train, lambda, signal: o.signal });
      const scores = await predict(model, o.evalData, { signal: o.signal });
      const wp = workingPoint(scores, labels, o.effBackground ?? 0.1);
      const after = histogram(bgIdx.filter((i) => scores[i] >= wp.cut).map((i) => o.evalAgainst[i]), lo, hi, bins);
      const dCorr2 = distanceCorrelationSquared(sub.map((i) => scores[i]), sub.map((i) => o.evalAgainst[i]));
      rows.push({ lambda, auc: auc(scores, labels).auc, dCorr: Math.sqrt(Math.max(0, dCorr2)), dCorr2, ...wp, before, after, jsd: jensenShannon(before, after), scores });
    } finally {
      model.net.dispose();
    }
    o.onProgress?.(k + 1, lambdas.length);
  }
  return { edges, rows };
}
