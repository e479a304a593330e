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
  mass: (p) => tf.mul(p.ptScale, tf.sqrt(tf.add(tf.relu(massSquared(p)), 1e-12))) as tf.Tensor1D,
  girth: (p) => tf.sum(tf.mul(p.z, tf.sqrt(tf.add(tf.add(tf.square(p.y), tf.square(p.phi)), 1e-12))), 1) as tf.Tensor1D,
};

/**
 * (m / pT_J)^2 = sum_ij z_i z_j (cosh dy_ij - cos dphi_ij) in O(M) per jet (the pairwise sum is O(M^2): with 32
 * particles it was the costliest term of a search step). The pair sum depends only on differences, so the angles are
 * first measured from the z-weighted centroid (exact; it keeps the single sums below small). Then, with Z = sum z,
 * a = 2 sum z sinh^2(y/2) and c = 2 sum z sin^2(phi/2) (both >= 0):
 *   m^2 = (sum z cosh y)^2 - (sum z cos phi)^2 - (sum z sinh y)^2 - (sum z sin phi)^2
 *       = (a + c)(2Z + a - c) - (sum z sinh y)^2 - (sum z sin phi)^2,
 * where the last two sums are O(angle^3) about the centroid, so no two large numbers are subtracted: in float32 this
 * is more accurate than the pairwise cosh(dy) - cos(dphi), which loses digits at small dR (test/uncertainty-adversarial).
 */
export function massSquared(p: ParticleTensors): tf.Tensor1D {
  const zsum = (v: tf.Tensor) => tf.sum(tf.mul(p.z, v), 1);
  const total = tf.sum(p.z, 1);
  const centred = (v: tf.Tensor2D) => tf.sub(v, tf.expandDims(tf.div(zsum(v), tf.maximum(total, 1e-30)), 1));
  const y = centred(p.y), phi = centred(p.phi);
  const a = tf.mul(2, zsum(tf.square(tf.sinh(tf.mul(y, 0.5)))));
  const c = tf.mul(2, zsum(tf.square(tf.sin(tf.mul(phi, 0.5)))));
  const big = tf.mul(tf.add(a, c), tf.add(tf.mul(2, total), tf.sub(a, c)));
  return tf.sub(big, tf.add(tf.square(zsum(tf.sinh(y))), tf.square(zsum(tf.sin(phi))))) as tf.Tensor1D;
}

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

// The cpu/jetlens backends copy a slice along the last axis element by element through generic index arithmetic
// (slow: it was about a third of a search step with 32 particles); along the first axis a slice is a view. So channels
// are split and joined on the first axis, with a transpose (a native kernel) in between; the gradients follow the same
// path (stack on axis 0, transpose).
/** (B, M, F) -> F tensors (B, M). */
function channels(x: tf.Tensor): tf.Tensor2D[] {
  return tf.unstack(tf.transpose(x, [2, 0, 1])) as tf.Tensor2D[];
}
/** F tensors (B, M) -> (B, M, F). */
function stackChannels(xs: tf.Tensor[]): tf.Tensor3D {
  return tf.transpose(tf.stack(xs, 0), [1, 2, 0]) as tf.Tensor3D;
}

/** The unperturbed particle tensors of one batch of input blocks. */
function particles(kind: 'efn' | 'pfn', xs: tf.Tensor[]): ParticleTensors & { mask: tf.Tensor2D; pid?: tf.Tensor2D } {
  const ch = channels(xs[0]);
  const ptScale = tf.ones([xs[0].shape[0]]) as tf.Tensor1D;
  if (kind === 'efn') {
    const z = xs[1] as tf.Tensor2D;
    return { z, y: ch[0], phi: ch[1], ptScale, mask: tf.cast(tf.greater(z, 0), 'float32') as tf.Tensor2D };
  }
  return { z: ch[0], y: ch[1], phi: ch[2], ptScale, mask: xs[1] as tf.Tensor2D, pid: ch[3] };
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
    const x = tf.reshape(stackChannels([logz, tf.mul(p.y, 4), tf.mul(p.phi, 4)]), [b * m, 3]);
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
  const [b] = p.z.shape;
  const [dLogPt, dy, dphi] = channels(d);
  const zRaw = tf.mul(p.z, tf.exp(dLogPt));
  const ptScale = tf.sum(zRaw, 1) as tf.Tensor1D;
  const z = tf.div(zRaw, tf.reshape(ptScale, [b, 1])) as tf.Tensor2D;
  const centre = (v: tf.Tensor2D) => tf.mul(tf.sub(v, tf.sum(tf.mul(z, v), 1, true)), p.mask) as tf.Tensor2D;
  return { z, y: centre(tf.add(p.y, dy) as tf.Tensor2D), phi: centre(tf.add(p.phi, dphi) as tf.Tensor2D), ptScale };
}

/** The model's inputs from particle tensors. */
function modelInputs(kind: 'efn' | 'pfn', p: ParticleTensors, base: { mask: tf.Tensor2D; pid?: tf.Tensor2D }): tf.Tensor[] {
  if (kind === 'efn') return [stackChannels([p.y, p.phi]), p.z];
  return [stackChannels(base.pid ? [p.z, p.y, p.phi, base.pid] : [p.z, p.y, p.phi]), base.mask];
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

/** Each constrained observable on every unperturbed jet (constants of the search: computed once, not per step). */
async function observablesBefore(kind: 'efn' | 'pfn', data: ModelData, obs: Record<string, TfObservable>, names: string[]): Promise<Record<string, Float32Array>> {
  const n = sampleCount(data);
  const before = Object.fromEntries(names.map((k) => [k, new Float32Array(n)]));
  for (let s = 0; s < n && names.length; s += 1024) {
    const idx = Uint32Array.from({ length: Math.min(1024, n - s) }, (_, k) => s + k);
    const xs = data.inputs.map((b) => { const r = takeRows(b, idx); return tf.tensor(r.data, r.shape, 'float32'); });
    const out = tf.tidy(() => { const p = particles(kind, xs); return names.map((k) => obs[k](p)); });
    const vals = await Promise.all(out.map((t) => t.data()));
    names.forEach((k, c) => before[k].set(vals[c] as Float32Array, s));
    tf.dispose([...xs, ...out]);
  }
  return before;
}

/**
 * Std of each constrained observable over the unperturbed background, the unit of its constraint. An observable that
 * is constant on background (pt before the perturbation is 1 for every jet) gets the unit 5% of its mean magnitude
 * (or 0.05 when that is 0), so a weight means "about 5% of a shift costs lambda".
 */
function backgroundSpread(before: Record<string, Float32Array>, labels: ArrayLike<number>): Record<string, number> {
  return Object.fromEntries(Object.entries(before).map(([k, v]) => {
    const { mean, std } = meanStd(Array.from(v).filter((_, i) => labels[i] !== 1));
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
  const names = Object.keys(lambdaObs);
  const before = await observablesBefore(kind, data, obs, names);
  const spread = backgroundSpread(before, labels);
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
        // f(J) and O_i(J) do not depend on g: taken from the arrays computed once rather than re-evaluated per step.
        const f0 = tf.tensor1d(Float32Array.from(idx, (i) => scores[i]));
        const o0 = Object.fromEntries(names.map((k) => [k, tf.tensor1d(Float32Array.from(idx, (i) => before[k][i]))]));
        let lSig = 0, lBg = 0;
        const cost = optimizer.minimize(() => {
          const p = particles(kind, xs);
          const q = perturb(p, g.shifts(p));
          const f1 = f(modelInputs(kind, q, p));
          const f1v = f1.dataSync();
          idx.forEach((i, k) => { running[i] = f1v[k]; });
          const sig = tf.mul(sign / nSig, tf.sum(tf.mul(ySig, tf.log(tf.clipByValue(tf.sub(1, f1), 1e-6, 1)))));
          let bg = tf.mul(lambdaCls / nBg, tf.sum(tf.mul(yBg, tf.square(tf.sub(f0, f1)))));
          for (const [k, lam] of Object.entries(lambdaObs)) {
            const w = lam / (nBg * spread[k] ** 2);
            bg = tf.add(bg, tf.mul(w, tf.sum(tf.mul(yBg, tf.square(tf.sub(o0[k], obs[k](q)))))));
          }
          lSig = sig.dataSync()[0];
          lBg = bg.dataSync()[0];
          return tf.add(sig, bg) as tf.Scalar;
        }, true, g.vars);
        sum += (await cost!.data())[0];
        sumSig += lSig;
        sumBg += lBg;
        batches++;
        tf.dispose([...xs, ySig, yBg, f0, ...Object.values(o0), cost!]);
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
