import { JetlensAbortError, JetlensInputError } from '../../errors.js';
import { ensureTf, isParticleModel, type JetModel, type ModelData, predict, sampleCount, takeRows, tf } from '../../models/index.js';
import { Rng } from '../../util/rng.js';
import { efficiencies, meanStd, workingPoint } from './stats.js';

/** Per-particle tensors of a batch of jets (B, M): momentum fractions and angles relative to the jet axis. */
export interface ParticleTensors {
  z: tf.Tensor2D;
  y: tf.Tensor2D;
  phi: tf.Tensor2D;
  /** Total pT relative to the unperturbed jet's (B): 1 before the perturbation. */
  ptScale: tf.Tensor1D;
}

/** A differentiable per-jet observable O(J) -> (B). */
export type TfObservable = (p: ParticleTensors) => tf.Tensor1D;

/**
 * Built-in observables (massless particles), in units of the unperturbed jet pT: 'pt' (the jet pT),
 * 'mass' (m / pT_J,orig with m^2 = sum_ij pT_i pT_j (cosh dy_ij - cos dphi_ij)), 'girth' (sum z_i dR_i).
 */
export const TF_OBSERVABLES: Record<string, TfObservable> = {
  pt: (p) => p.ptScale,
  mass: (p) => {
    const [b, m] = p.z.shape;
    const dy = tf.sub(tf.reshape(p.y, [b, m, 1]), tf.reshape(p.y, [b, 1, m]));
    const dphi = tf.sub(tf.reshape(p.phi, [b, m, 1]), tf.reshape(p.phi, [b, 1, m]));
    const zz = tf.mul(tf.reshape(p.z, [b, m, 1]), tf.reshape(p.z, [b, 1, m]));
    const m2 = tf.sum(tf.mul(zz, tf.sub(tf.cosh(dy), tf.cos(dphi))), [1, 2]);
    return tf.mul(p.ptScale, tf.sqrt(tf.add(tf.relu(m2), 1e-12))) as tf.Tensor1D;
  },
  girth: (p) => tf.sum(tf.mul(p.z, tf.sqrt(tf.add(tf.add(tf.square(p.y), tf.square(p.phi)), 1e-12))), 1) as tf.Tensor1D,
};

export interface AdversarialOptions {
  /** Direction of the signal shift: 'up' minimises log(1 - f) (signal more signal-like), 'down' its negative. */
  direction?: 'up' | 'down';
  lambdaCls?: number; // weight of (f(J) - f(g(J)))^2 on background (default 100)
  /**
   * Weights of ((O_i(J) - O_i(g(J))) / sigma_i)^2 on background, by observable name (default { mass: 100, pt: 100 }),
   * sigma_i the spread (std) of O_i over the unperturbed background, so that a weight means the same for every observable.
   */
  lambdaObs?: Record<string, number>;
  observables?: Record<string, TfObservable>; // extra observables beyond TF_OBSERVABLES
  hidden?: number; // width of the perturbation network (default 32)
  epochs?: number; // default DEFAULT_EPOCHS
  batchSize?: number; // default 256
  lr?: number; // Adam, default DEFAULT_LR
  seed?: number; // perturbation network init and batch order (default 0)
  effBackground?: number; // the analysis' working point: cut giving this background efficiency on f (default 0.1)
  /** Epochs after which the exact shift and residuals are also evaluated (result.checkpoints), e.g. [10, 20, 40]. */
  checkpoints?: number[];
  signal?: AbortSignal;
  onEpoch?: (e: EpochRecord) => void;
}

/**
 * One epoch of the search: mean loss terms over its batches, and the efficiency shifts at the nominal cut measured on
 * the perturbed scores computed during the epoch (g still training, so they lag the end-of-epoch value slightly).
 */
export interface EpochRecord {
  epoch: number;
  loss: number;
  lSig: number;
  lBg: number;
  effSignalShift: number;
  effBackgroundShift: number;
}

/** The exact shift and constraint residuals after a given epoch (AdversarialOptions.checkpoints). */
export interface Checkpoint {
  epoch: number;
  effSignalShift: number;
  effBackgroundShift: number;
  meanAbsDeltaF: number;
  /** Mean |delta O| / mean O on background, per constrained observable. */
  relDeltaObs: Record<string, number>;
}

export interface AdversarialResult {
  direction: 'up' | 'down';
  workingPoint: { cut: number; effSignal: number; effBackground: number };
  /** Efficiencies at the same cut with the perturbation applied to every event. */
  perturbed: { effSignal: number; effBackground: number };
  effSignalShift: number; // perturbed - nominal
  effBackgroundShift: number;
  /** Size of dJ: pT-weighted mean |d log pT|, rms of dy and dphi over real particles. */
  size: { dLogPt: number; dy: number; dphi: number };
  /** How well the constraints held on background: mean |delta f| and per observable mean |delta O| (and mean O). */
  constraints: { meanAbsDeltaF: number; observables: Record<string, { meanAbsDelta: number; mean: number }> };
  meanAbsDeltaFSignal: number;
  scores: Float64Array; // f(J)
  perturbedScores: Float64Array; // f(g(J))
  /** Per background jet, each constrained observable before and after the perturbation (for the figures). */
  backgroundObservables: Record<string, { before: Float64Array; after: Float64Array }>;
  /** Per jet: pT-weighted mean |d log pT| and pT-weighted rms angular shift sqrt(<dy^2 + dphi^2>). */
  jetSize: { dLogPt: Float64Array; dAngle: Float64Array };
  history: EpochRecord[];
  checkpoints: Checkpoint[];
}

/** Layout of a particle model's inputs: where z, y, phi sit. */
function layout(model: JetModel, data: ModelData): 'efn' | 'pfn' {
  if (!isParticleModel(model.kind)) throw new JetlensInputError(`the worst-case perturbation acts on particles: model '${model.kind}' takes none`);
  if (model.options.head !== 'sigmoid') throw new JetlensInputError('the worst-case search needs a classifier with a sigmoid head (f in (0, 1))');
  if (data.inputs.length !== 2 || data.inputs[0].shape.length !== 3) throw new JetlensInputError('expected particle inputs [(N, M, F), (N, M)]');
  return model.kind === 'pfn' ? 'pfn' : 'efn';
}

/** The unperturbed particle tensors of one batch of input blocks. */
function particles(kind: 'efn' | 'pfn', xs: tf.Tensor[]): ParticleTensors & { mask: tf.Tensor2D; pid?: tf.Tensor2D } {
  const [b, m, f] = xs[0].shape as number[];
  const ch = (k: number) => tf.reshape(tf.slice(xs[0], [0, 0, k], [b, m, 1]), [b, m]) as tf.Tensor2D;
  const ptScale = tf.ones([b]) as tf.Tensor1D;
  if (kind === 'efn') {
    const z = xs[1] as tf.Tensor2D;
    return { z, y: ch(0), phi: ch(1), ptScale, mask: tf.cast(tf.greater(z, 0), 'float32') as tf.Tensor2D };
  }
  return { z: ch(0), y: ch(1), phi: ch(2), ptScale, mask: xs[1] as tf.Tensor2D, pid: f > 3 ? ch(3) : undefined };
}

/** A tiny per-particle network (log z, y, phi) -> (d log pT, dy, dphi); last layer zero, so g starts as the identity. */
class Perturbation {
  readonly vars: tf.Variable[];
  constructor(hidden: number, seed: number) {
    const rng = new Rng(seed);
    const w1 = Float32Array.from({ length: 3 * hidden }, () => rng.normal() * Math.sqrt(1 / 3));
    this.vars = [tf.variable(tf.tensor2d(w1, [3, hidden])), tf.variable(tf.zeros([hidden])), tf.variable(tf.zeros([hidden, 3])), tf.variable(tf.zeros([3]))];
  }
  /** (B, M, 3) shifts for the particles; zero on padding. */
  shifts(p: ParticleTensors & { mask: tf.Tensor2D }): tf.Tensor3D {
    const [b, m] = p.z.shape;
    // Inputs brought to O(1) (log z of jet constituents spans about -8..0, angles about +-0.5) so that tanh is not
    // saturated at the start and g can tell hard from soft and central from wide particles.
    const logz = tf.div(tf.add(tf.log(tf.add(p.z, 1e-8)), 4), 2);
    const x = tf.reshape(tf.stack([logz, tf.mul(p.y, 4), tf.mul(p.phi, 4)], 2), [b * m, 3]);
    const [w1, b1, w2, b2] = this.vars;
    const h = tf.tanh(tf.add(tf.matMul(x, w1), b1));
    const d = tf.reshape(tf.add(tf.matMul(h, w2), b2), [b, m, 3]);
    return tf.mul(d, tf.reshape(p.mask, [b, m, 1])) as tf.Tensor3D;
  }
  dispose(): void {
    tf.dispose(this.vars);
  }
}

/** g(J): new pT fractions (renormalised; ptScale records the total), angles shifted and recentred on the new axis. */
function perturb(p: ParticleTensors & { mask: tf.Tensor2D }, d: tf.Tensor3D): ParticleTensors {
  const [b, m] = p.z.shape;
  const part = (k: number) => tf.reshape(tf.slice(d, [0, 0, k], [b, m, 1]), [b, m]);
  const zRaw = tf.mul(p.z, tf.exp(part(0)));
  const ptScale = tf.sum(zRaw, 1) as tf.Tensor1D;
  const z = tf.div(zRaw, tf.reshape(ptScale, [b, 1])) as tf.Tensor2D;
  const centre = (v: tf.Tensor2D) => tf.mul(tf.sub(v, tf.sum(tf.mul(z, v), 1, true)), p.mask) as tf.Tensor2D;
  return { z, y: centre(tf.add(p.y, part(1)) as tf.Tensor2D), phi: centre(tf.add(p.phi, part(2)) as tf.Tensor2D), ptScale };
}

/** The model's inputs from particle tensors. */
function modelInputs(kind: 'efn' | 'pfn', p: ParticleTensors, base: { mask: tf.Tensor2D; pid?: tf.Tensor2D }): tf.Tensor[] {
  if (kind === 'efn') return [tf.stack([p.y, p.phi], 2), p.z];
  return [tf.stack(base.pid ? [p.z, p.y, p.phi, base.pid] : [p.z, p.y, p.phi], 2), base.mask];
}

/** Default constraint weights: strong enough that the background residuals stay small (docs/uncertainty.md). */
export const DEFAULT_LAMBDA_CLS = 100;
export const DEFAULT_LAMBDA_OBS: Readonly<Record<string, number>> = { mass: 100, pt: 100 };
/**
 * Optimiser defaults, from a scan of lr x epochs with two seeds on 10,000 W/QCD jets (docs/uncertainty.md): the loss
 * is flat after 2 epochs, the efficiency shift settles within its seed-to-seed spread by 20 epochs (about 800 steps).
 */
export const DEFAULT_EPOCHS = 20;
export const DEFAULT_LR = 1e-3;

/**
 * Std of each constrained observable over the unperturbed background, the unit of its constraint. An observable that
 * is constant on background (pt before the perturbation is 1 for every jet) gets the unit 1% of its mean magnitude
 * (or 0.01 when that is 0), so a weight means "about a percent of a shift costs lambda".
 */
async function backgroundSpread(kind: 'efn' | 'pfn', data: ModelData, obs: Record<string, TfObservable>, names: string[]): Promise<Record<string, number>> {
  const labels = data.labels!;
  const n = sampleCount(data);
  const acc = Object.fromEntries(names.map((k) => [k, [] as number[]]));
  for (let s = 0; s < n && names.length; s += 1024) {
    const idx = Uint32Array.from({ length: Math.min(1024, n - s) }, (_, k) => s + k);
    const xs = data.inputs.map((b) => { const r = takeRows(b, idx); return tf.tensor(r.data, r.shape, 'float32'); });
    const out = tf.tidy(() => { const p = particles(kind, xs); return names.map((k) => obs[k](p)); });
    const vals = await Promise.all(out.map((t) => t.data()));
    names.forEach((k, c) => { for (let j = 0; j < idx.length; j++) if (labels[s + j] !== 1) acc[k].push(vals[c][j]); });
    tf.dispose([...xs, ...out]);
  }
  return Object.fromEntries(names.map((k) => {
    const { mean, std } = meanStd(acc[k]);
    const floor = Number.isFinite(mean) && mean !== 0 ? 0.05 * Math.abs(mean) : 0.05;
    return [k, Number.isFinite(std) && std > floor ? std : floor];
  }));
}

/**
 * Worst-case systematic bias (docs/uncertainty.md): with the classifier f fixed, learn g(J) = J + dJ (a per-particle
 * network shared by all events) minimising L_sig + L_bg, L_sig = +-<log(1 - f(g(J)))>_signal,
 * L_bg = lambda_cls <(f(J) - f(g(J)))^2>_bg + sum_i lambda_obs^(i) <((O_i(J) - O_i(g(J))) / sigma_i)^2>_bg (sigma_i: std of O_i on the
 * unperturbed background); report the shift of
 * the signal efficiency at the working point, the size of dJ and how well the constraints held.
 */
export async function adversarialShift(model: JetModel, data: ModelData, o: AdversarialOptions = {}): Promise<AdversarialResult> {
  await ensureTf();
  const kind = layout(model, data);
  const labels = data.labels;
  if (!labels) throw new JetlensInputError('the worst-case search needs labels (0/1 per sample)');
  const n = sampleCount(data);
  const direction = o.direction ?? 'up';
  const sign = direction === 'up' ? 1 : -1;
  const lambdaCls = o.lambdaCls ?? DEFAULT_LAMBDA_CLS;
  const lambdaObs = o.lambdaObs ?? DEFAULT_LAMBDA_OBS;
  const obs = { ...TF_OBSERVABLES, ...o.observables };
  for (const k of Object.keys(lambdaObs)) if (!obs[k]) throw new JetlensInputError(`unknown observable '${k}' (have: ${Object.keys(obs).join(', ')})`);
  const bs = o.batchSize ?? 256;
  const spread = await backgroundSpread(kind, data, obs, Object.keys(lambdaObs));
  const g = new Perturbation(o.hidden ?? 32, o.seed ?? 0);
  const optimizer = tf.train.adam(o.lr ?? DEFAULT_LR);
  const rng = new Rng((o.seed ?? 0) ^ 0x2545f491);
  const f = (xs: tf.Tensor[]) => tf.reshape(model.net.apply(xs) as tf.Tensor, [-1]);
  const batchTensors = (idx: ArrayLike<number>) => data.inputs.map((b) => { const r = takeRows(b, idx); return tf.tensor(r.data, r.shape, 'float32'); });
  const scores = await predict(model, data, { signal: o.signal });
  const wp = workingPoint(scores, labels, o.effBackground ?? 0.1);
  const running = new Float64Array(n); // f(g(J)) as computed in the epoch's batches
  const history: EpochRecord[] = [];
  const checkpoints: Checkpoint[] = [];
  const names = Object.keys(lambdaObs);
  try {
    for (let epoch = 1; epoch <= (o.epochs ?? DEFAULT_EPOCHS); epoch++) {
      const order = rng.permutation(n);
      let sum = 0, sumSig = 0, sumBg = 0, batches = 0;
      for (let s = 0; s < n; s += bs) {
        if (o.signal?.aborted) throw new JetlensAbortError('worst-case search');
        const idx = order.subarray(s, Math.min(s + bs, n));
        const xs = batchTensors(idx);
        const ySig = tf.tensor1d(Float32Array.from(idx, (i) => (labels[i] === 1 ? 1 : 0)));
        const yBg = tf.sub(1, ySig);
        const nSig = Math.max(1, idx.reduce((c, i) => c + (labels[i] === 1 ? 1 : 0), 0));
        const nBg = Math.max(1, idx.length - nSig);
        let lSig = 0, lBg = 0;
        const cost = optimizer.minimize(() => {
          const p = particles(kind, xs);
          const q = perturb(p, g.shifts(p));
          const f0 = f(xs);
          const f1 = f(modelInputs(kind, q, p));
          const f1v = f1.dataSync();
          idx.forEach((i, k) => { running[i] = f1v[k]; });
          const sig = tf.mul(sign / nSig, tf.sum(tf.mul(ySig, tf.log(tf.clipByValue(tf.sub(1, f1), 1e-6, 1)))));
          let bg = tf.mul(lambdaCls / nBg, tf.sum(tf.mul(yBg, tf.square(tf.sub(f0, f1)))));
          for (const [k, lam] of Object.entries(lambdaObs)) {
            const w = lam / (nBg * spread[k] ** 2);
            bg = tf.add(bg, tf.mul(w, tf.sum(tf.mul(yBg, tf.square(tf.sub(obs[k](p), obs[k](q)))))));
          }
          lSig = sig.dataSync()[0];
          lBg = bg.dataSync()[0];
          return tf.add(sig, bg) as tf.Scalar;
        }, true, g.vars);
        sum += (await cost!.data())[0];
        sumSig += lSig;
        sumBg += lBg;
        batches++;
        tf.dispose([...xs, ySig, yBg, cost!]);
        await new Promise((r) => setImmediate(r));
      }
      const now = efficiencies(running, labels, wp.cut);
      const rec = { epoch, loss: sum / batches, lSig: sumSig / batches, lBg: sumBg / batches, effSignalShift: now.effSignal - wp.effSignal, effBackgroundShift: now.effBackground - wp.effBackground };
      history.push(rec);
      o.onEpoch?.(rec);
      if (o.checkpoints?.includes(epoch)) {
        const r = await evaluate(model, data, kind, g, obs, names, direction, scores, o);
        checkpoints.push({
          epoch, effSignalShift: r.effSignalShift, effBackgroundShift: r.effBackgroundShift, meanAbsDeltaF: r.constraints.meanAbsDeltaF,
          relDeltaObs: Object.fromEntries(names.map((k) => [k, r.constraints.observables[k].meanAbsDelta / Math.abs(r.constraints.observables[k].mean)])),
        });
      }
    }
    return { ...(await evaluate(model, data, kind, g, obs, names, direction, scores, o)), history, checkpoints };
  } finally {
    optimizer.dispose();
    g.dispose();
  }
}

async function evaluate(
  model: JetModel, data: ModelData, kind: 'efn' | 'pfn', g: Perturbation, obs: Record<string, TfObservable>, names: string[],
  direction: 'up' | 'down', scores: Float64Array, o: AdversarialOptions,
): Promise<Omit<AdversarialResult, 'history' | 'checkpoints'>> {
  const labels = data.labels!;
  const n = sampleCount(data);
  const perturbedScores = new Float64Array(n);
  const dO = Object.fromEntries(names.map((k) => [k, { sumAbs: 0, sum: 0 }]));
  const nBg = labels.reduce((c, y) => c + (y === 1 ? 0 : 1), 0);
  const bgObs = Object.fromEntries(names.map((k) => [k, { before: new Float64Array(nBg), after: new Float64Array(nBg) }]));
  const jetSize = { dLogPt: new Float64Array(n), dAngle: new Float64Array(n) };
  let wLogPt = 0, wSum = 0, dy2 = 0, dphi2 = 0, nPart = 0, kBg = 0;
  for (let s = 0; s < n; s += 1024) {
    const idx = Uint32Array.from({ length: Math.min(1024, n - s) }, (_, k) => s + k);
    const xs = data.inputs.map((b) => { const r = takeRows(b, idx); return tf.tensor(r.data, r.shape, 'float32'); });
    const out = tf.tidy(() => {
      const p = particles(kind, xs);
      const d = g.shifts(p);
      const q = perturb(p, d);
      const f1 = tf.reshape(model.net.apply(modelInputs(kind, q, p)) as tf.Tensor, [-1]);
      return [f1, d, p.z, p.mask, ...names.flatMap((k) => [obs[k](p), obs[k](q)])];
    });
    const [f1, d, z, mask, ...o2] = await Promise.all(out.map((t) => t.data()));
    perturbedScores.set(f1, s);
    const m = mask.length / idx.length;
    for (let r = 0; r < mask.length; r++) {
      if (!mask[r]) continue;
      const j = s + Math.floor(r / m);
      wLogPt += z[r] * Math.abs(d[3 * r]);
      wSum += z[r];
      dy2 += d[3 * r + 1] ** 2;
      dphi2 += d[3 * r + 2] ** 2;
      nPart++;
      jetSize.dLogPt[j] += z[r] * Math.abs(d[3 * r]); // z sums to 1 over the kept particles (up to truncation)
      jetSize.dAngle[j] += z[r] * (d[3 * r + 1] ** 2 + d[3 * r + 2] ** 2);
    }
    for (let j = 0; j < idx.length; j++) {
      if (labels[s + j] === 1) continue;
      names.forEach((k, c) => {
        dO[k].sumAbs += Math.abs(o2[2 * c][j] - o2[2 * c + 1][j]);
        dO[k].sum += o2[2 * c][j];
        bgObs[k].before[kBg] = o2[2 * c][j];
        bgObs[k].after[kBg] = o2[2 * c + 1][j];
      });
      kBg++;
    }
    tf.dispose([...xs, ...out]);
  }
  for (let j = 0; j < n; j++) jetSize.dAngle[j] = Math.sqrt(jetSize.dAngle[j]);
  const wp = workingPoint(scores, labels, o.effBackground ?? 0.1);
  const after = efficiencies(perturbedScores, labels, wp.cut);
  const absDelta = (want: number) => meanStd(Array.from(scores.keys()).filter((i) => (labels[i] === 1 ? 1 : 0) === want).map((i) => Math.abs(scores[i] - perturbedScores[i]))).mean;
  return {
    direction,
    workingPoint: wp,
    perturbed: { effSignal: after.effSignal, effBackground: after.effBackground },
    effSignalShift: after.effSignal - wp.effSignal,
    effBackgroundShift: after.effBackground - wp.effBackground,
    size: { dLogPt: wSum > 0 ? wLogPt / wSum : 0, dy: Math.sqrt(dy2 / Math.max(1, nPart)), dphi: Math.sqrt(dphi2 / Math.max(1, nPart)) },
    constraints: { meanAbsDeltaF: absDelta(0), observables: Object.fromEntries(names.map((k) => [k, { meanAbsDelta: dO[k].sumAbs / Math.max(1, nBg), mean: dO[k].sum / Math.max(1, nBg) }])) },
    meanAbsDeltaFSignal: absDelta(1),
    scores,
    perturbedScores,
    backgroundObservables: bgObs,
    jetSize,
  };
}
