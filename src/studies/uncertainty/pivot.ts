/**
 * Adversarial decorrelation (Louppe, Kagan & Cranmer, "Learning to pivot with adversarial networks", NeurIPS 2017):
 * an adversary r reads the classifier's score f and predicts a nuisance class z (a generator setting, or a bin of
 * the jet mass); the classifier minimises BCE(f) - lambda CE(r(f), z) while the adversary minimises CE(r(f), z),
 * in alternating updates. At the optimum the adversary learns nothing from f: CE = H(z), f independent of z.
 */
import { JetlensAbortError, JetlensInputError } from '../../errors.js';
import { bceLoss, ensureTf, fitScaling, type JetModel, type ModelData, sampleCount, takeRows, tf } from '../../models/index.js';
import { Rng } from '../../util/rng.js';
import { scheduledLr, setLearningRate } from './decorrelate.js';

export interface PivotTrainOptions {
  lambda: number;
  epochs?: number; // default 10
  batchSize?: number; // default 256
  lr?: number; // classifier Adam, default 1e-3
  lrFinal?: number; // geometric decay to this over the epochs (default: constant)
  /** Adversary updates per classifier update (default 1), its Adam rate (default 1e-2) and width (default 16). */
  adversarySteps?: number;
  adversaryLr?: number;
  /** Which events the adversary sees: background only (default) or all (a nuisance label both classes carry). */
  penaltyOn?: 'background' | 'each-class';
  /** Train the adversary only, the classifier fixed (its pretraining before the first stage). */
  adversaryOnly?: boolean;
  seed?: number;
  signal?: AbortSignal;
  onEpoch?: (e: { epoch: number; bce: number; adversaryCe: number }) => void;
}

/** The adversary: a one-hidden-layer network from the score (1 input) to K class logits. Kept between stages. */
export class Adversary {
  readonly vars: tf.Variable[];
  readonly classes: number;
  constructor(classes: number, seed: number, hidden = 16) {
    if (!(Number.isInteger(classes) && classes >= 2)) throw new JetlensInputError(`the adversary needs >= 2 nuisance classes, got ${classes}`);
    const rng = new Rng(seed ^ 0x68e31da4);
    const w = (n: number, fanIn: number) => Float32Array.from({ length: n }, () => rng.normal() * Math.sqrt(2 / fanIn));
    this.classes = classes;
    this.vars = [
      tf.variable(tf.tensor2d(w(hidden, 1), [1, hidden])), tf.variable(tf.zeros([hidden])),
      tf.variable(tf.tensor2d(w(hidden * classes, hidden), [hidden, classes])), tf.variable(tf.zeros([classes])),
    ];
  }
  /** Logits (B, K) from scores (B); the score enters as its logit so both ends of (0, 1) are resolved. */
  logits(p: tf.Tensor1D): tf.Tensor2D {
    const [w1, b1, w2, b2] = this.vars;
    const c = tf.clipByValue(p, 1e-6, 1 - 1e-6);
    const x = tf.reshape(tf.log(tf.div(c, tf.sub(1, c))), [-1, 1]);
    return tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2) as tf.Tensor2D;
  }
  /** Mean cross-entropy of z over the events of weight 1 in mask. */
  crossEntropy(p: tf.Tensor1D, zOneHot: tf.Tensor2D, mask: tf.Tensor1D): tf.Scalar {
    const ce = tf.neg(tf.sum(tf.mul(zOneHot, tf.logSoftmax(this.logits(p))), 1));
    return tf.div(tf.sum(tf.mul(ce, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
  }
  dispose(): void {
    tf.dispose(this.vars);
  }
}

/**
 * Nuisance classes for the adversary: a 0/1 (or small-integer) label as it is; a continuous quantity (e.g. the
 * mass) cut into `bins` quantile bins of its background values.
 */
export function nuisanceClasses(against: ArrayLike<number>, labels: ArrayLike<number>, bins = 5): { z: Int32Array; classes: number; edges: number[] } {
  const vals = Array.from(against);
  const distinct = new Set(vals);
  if (distinct.size <= 10 && vals.every((v) => Number.isInteger(v) && v >= 0)) {
    const classes = Math.max(2, Math.max(...vals) + 1);
    return { z: Int32Array.from(vals), classes, edges: [] };
  }
  const bg = vals.filter((_, i) => labels[i] !== 1).sort((a, b) => a - b);
  if (bg.length < bins) throw new JetlensInputError(`cannot cut ${bg.length} background values into ${bins} bins`);
  const edges = Array.from({ length: bins - 1 }, (_, k) => bg[Math.floor(((k + 1) * bg.length) / bins)]);
  const z = Int32Array.from(vals, (v) => edges.filter((e) => v >= e).length);
  return { z, classes: bins, edges };
}

/** One stage of alternating training at strength lambda; `adv` carries over between stages (warm start). */
export async function trainPivot(model: JetModel, data: ModelData, z: Int32Array, adv: Adversary, o: PivotTrainOptions): Promise<void> {
  await ensureTf();
  const n = sampleCount(data);
  const labels = data.labels;
  if (!labels) throw new JetlensInputError('adversarial training needs labels (0/1 per sample)');
  if (z.length !== n) throw new JetlensInputError(`nuisance labels: ${z.length} values for ${n} samples`);
  if (!(o.lambda >= 0)) throw new JetlensInputError(`adversary strength must be >= 0, got ${o.lambda}`);
  if (model.options.head !== 'sigmoid') throw new JetlensInputError('adversarial training needs a sigmoid head (BCE)');
  if (model.kind === 'dnn') fitScaling(model, data.inputs[0]);
  const bs = o.batchSize ?? 256, epochs = o.epochs ?? 10, lr0 = o.lr ?? 1e-3;
  const optF = tf.train.adam(lr0);
  const optR = tf.train.adam(o.adversaryLr ?? 1e-2);
  const varsF = model.net.trainableWeights.map((w) => w.read() as tf.Variable);
  const rng = new Rng((o.seed ?? model.options.seed) ^ 0x27d4eb2f);
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      setLearningRate(optF, scheduledLr(lr0, o.lrFinal, epoch, epochs));
      const order = rng.permutation(n);
      let sumBce = 0, sumCe = 0, batches = 0;
      for (let s = 0; s < n; s += bs) {
        if (o.signal?.aborted) throw new JetlensAbortError('adversarial training');
        const idx = order.subarray(s, Math.min(s + bs, n));
        const xs = data.inputs.map((b) => { const r = takeRows(b, idx); return tf.tensor(r.data, r.shape, 'float32'); });
        const y = tf.tensor1d(Float32Array.from(idx, (i) => labels[i]));
        const w = tf.onesLike(y);
        const zh = tf.oneHot(tf.tensor1d(Int32Array.from(idx, (i) => z[i]), 'int32'), adv.classes).toFloat() as tf.Tensor2D;
        const mask = o.penaltyOn === 'each-class' ? tf.onesLike(y) as tf.Tensor1D : tf.sub(1, y) as tf.Tensor1D;
        const score = () => tf.reshape(model.net.apply(xs, { training: true }) as tf.Tensor, [-1]) as tf.Tensor1D;
        // Adversary steps on the current (fixed) scores.
        const fixed = tf.tidy(() => score());
        for (let k = 0; k < (o.adversarySteps ?? 1); k++) {
          const c = optR.minimize(() => adv.crossEntropy(fixed, zh, mask), true, adv.vars);
          sumCe += (await c!.data())[0] / (o.adversarySteps ?? 1);
          c!.dispose();
        }
        let bce = 0;
        if (o.adversaryOnly) {
          tf.dispose([...xs, y, w, zh, mask, fixed]);
          batches++;
          continue;
        }
        const cost = optF.minimize(() => {
          const p = score();
          const l = bceLoss(y, p, w);
          bce = l.dataSync()[0];
          return o.lambda > 0 ? (tf.sub(l, tf.mul(o.lambda, adv.crossEntropy(p, zh, mask))) as tf.Scalar) : l;
        }, true, varsF);
        sumBce += bce;
        batches++;
        tf.dispose([...xs, y, w, zh, mask, fixed, cost!]);
        await new Promise((r) => setImmediate(r));
      }
      o.onEpoch?.({ epoch, bce: sumBce / batches, adversaryCe: sumCe / batches });
    }
  } finally {
    optF.dispose();
    optR.dispose();
  }
}
