/**
 * Ensembles of DNN(HL) and the statistics the study quotes with every number: the spread over an ensemble of
 * trainings (seeds, or bootstrap resamples of the training rows), and paired bootstrap errors of AUCs on the
 * same held-out jets.
 */
import { ado, auc } from '../metrics/index.js';
import { createModel, initTf, predict, saveModel, tableInputs, train } from '../models/index.js';
import { isMainThread } from 'node:worker_threads';
import { Rng } from '../util/rng.js';

export type EnsembleResample = 'seeds' | 'bootstrap';

export interface DnnSettings {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  hidden?: number[];
}

export interface EnsembleSpec {
  /** Number of trainings (default 3). */
  members?: number;
  /**
   * 'seeds' (default): member e uses initialisation seed + e on the same training rows (the spread from the
   * training's randomness); 'bootstrap': member e trains on a bootstrap resample of the training rows with the
   * initialisation fixed (the statistical precision, as in Nachman's recipe).
   */
  resample?: EnsembleResample;
  seed?: number;
  dnn?: DnnSettings;
  signal?: AbortSignal;
  /**
   * Soft targets in [0, 1] for every jet instead of the labels: each training row enters twice, as class 1 with
   * weight p and class 0 with weight 1 - p, so the BCE minimum is the DNN that reproduces p (distillation).
   */
  target?: Float64Array;
  /**
   * Train members two at a time, one in the training worker and one on the calling thread (default: true on the
   * main thread unless JETLENS_TRAIN_WORKER=0).
   */
  parallel?: boolean;
}

export interface Split {
  train: Uint32Array;
  test: Uint32Array;
}

const take = (v: ArrayLike<number>, idx: ArrayLike<number>) => Float64Array.from(idx as ArrayLike<number>, (i) => v[i]);

/** Training rows of member e: the rows themselves, or a seeded bootstrap resample of them. */
function memberRows(train: Uint32Array, e: number, spec: EnsembleSpec): Uint32Array {
  if ((spec.resample ?? 'seeds') === 'seeds') return train;
  const rng = new Rng((spec.seed ?? 1) * 7919 + 104729 * (e + 1));
  return Uint32Array.from(train, () => train[rng.int(train.length)]);
}

/**
 * Trains one DNN per member on columns `names` (training rows) and returns every member's scores on the test
 * rows. `saveDir`: member 0's model is saved there (for inspection and re-use).
 */
export async function trainEnsemble(
  cols: Record<string, ArrayLike<number>>, names: string[], labels: Float64Array, split: Split, spec: EnsembleSpec = {}, saveDir?: string,
): Promise<Float64Array[]> {
  const members = spec.members ?? 3;
  const seed = spec.seed ?? 1;
  const bootstrap = spec.resample === 'bootstrap';
  await initTf(); // weights must be created on the chosen backend
  const sub = (idx: ArrayLike<number>) => Object.fromEntries(names.map((k) => [k, take(cols[k], idx)]));
  const testData = tableInputs(sub(split.test), names);
  const one = async (e: number, worker: boolean): Promise<Float64Array> => {
    const rows = memberRows(split.train, e, spec);
    const s = bootstrap ? seed : seed + e;
    const model = createModel('dnn', { nFeatures: names.length, featureNames: names, seed: s, hidden: spec.dnn?.hidden });
    await train(model, spec.target ? softInputs(sub(rows), names, take(spec.target, rows)) : tableInputs(sub(rows), names, take(labels, rows)), {
      seed: s, epochs: spec.dnn?.epochs ?? 20, batchSize: spec.dnn?.batchSize ?? 256, lr: spec.dnn?.lr,
      split: [0.85, 0.15, 0], patience: 4, signal: spec.signal, worker,
    });
    if (saveDir && e === 0) await saveModel(model, saveDir);
    const scores = await predict(model, testData);
    model.net.dispose();
    return scores;
  };
  // Two members at a time, one in the training worker and one on this thread: a DNN this small trains on one core,
  // so the pair uses both cores of a 2-core machine (the study's guided passes and premise are DNN ensembles).
  // Each member's seed, rows and batch order are its own, so the scores do not depend on the pairing.
  const parallel = spec.parallel ?? (isMainThread && process.env.JETLENS_TRAIN_WORKER !== '0');
  const out: Float64Array[] = [];
  for (let e = 0; e < members; e += parallel ? 2 : 1) {
    const pair = parallel && e + 1 < members ? [one(e, true), one(e + 1, false)] : [one(e, parallel)];
    out.push(...(await Promise.all(pair)));
  }
  return out;
}

/** Rows doubled: (x, y = 1, w = p) and (x, y = 0, w = 1 - p). */
function softInputs(cols: Record<string, Float64Array>, names: string[], p: Float64Array) {
  const n = p.length;
  const twice = Object.fromEntries(names.map((k) => {
    const v = new Float64Array(2 * n);
    v.set(cols[k]);
    v.set(cols[k], n);
    return [k, v];
  }));
  const d = tableInputs(twice, names, Float64Array.from({ length: 2 * n }, (_, i) => (i < n ? 1 : 0)));
  return { ...d, weights: Float64Array.from({ length: 2 * n }, (_, i) => (i < n ? p[i] : 1 - p[i - n])) };
}

/** A score mapped to its rank among all jets, in (0, 1): the distillation target (decisions depend on ranks only). */
export function rankTarget(v: Float64Array): Float64Array {
  const order = Uint32Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[a] - v[b]);
  const out = new Float64Array(v.length);
  for (let s = 0; s < order.length;) {
    let e = s + 1;
    while (e < order.length && v[order[e]] === v[order[s]]) e++;
    for (let k = s; k < e; k++) out[order[k]] = ((s + e) / 2) / v.length; // ties share their mean rank
    s = e;
  }
  return out;
}

export interface MeanSd {
  mean: number;
  /** Sample standard deviation (n - 1); 0 for a single value. */
  sd: number;
  n: number;
}

export function meanSd(v: ArrayLike<number>): MeanSd {
  const n = v.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += v[i] / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i] - mean) ** 2;
  return { mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, n };
}

/**
 * Error of the change of an ensemble-mean metric from one pass to the next: the spread of a single member on
 * each side (not divided by sqrt(members): a pass's pick must beat what one retraining can move) and the
 * held-out jets' bootstrap of the difference, in quadrature.
 */
export function diffError(a: MeanSd, b: MeanSd, bootstrapSd = 0): number {
  return Math.sqrt(a.sd ** 2 + b.sd ** 2 + bootstrapSd ** 2);
}

export interface PairedBootstrap {
  /** Bootstrap standard deviation of each score's AUC. */
  std: number[];
  /** Bootstrap standard deviation of AUC[i] - AUC[j] on the same resampled jets. */
  diffStd: (i: number, j: number) => number;
}

/**
 * Bootstrap of the held-out jets (resampled within each class, seeded), every score's AUC evaluated on the same
 * resample: the errors of AUC differences then cancel the part of the jets' fluctuation the classifiers share.
 */
export function pairedBootstrap(scores: Float64Array[], y: Float64Array, resamples = 100, seed = 1): PairedBootstrap {
  const draw = resampler(y, seed);
  const samples = scores.map(() => new Float64Array(resamples));
  for (let b = 0; b < resamples; b++) {
    const w = draw();
    scores.forEach((s, i) => (samples[i][b] = auc(s, y, w).auc));
  }
  return {
    std: samples.map((s) => meanSd(s).sd),
    diffStd: (i, j) => meanSd(samples[i].map((v, b) => v - samples[j][b])).sd,
  };
}

/** Within-class bootstrap weights of the held-out jets, one resample per call. */
function resampler(y: Float64Array, seed: number): () => Float64Array {
  const sig: number[] = [];
  const bkg: number[] = [];
  y.forEach((v, i) => (v === 1 ? sig : bkg).push(i));
  const rng = new Rng(seed);
  const w = new Float64Array(y.length);
  return () => {
    w.fill(0);
    for (const idx of [sig, bkg]) for (let k = 0; k < idx.length; k++) w[idx[rng.int(idx.length)]] += 1;
    return w;
  };
}

/** Bootstrap sd of ADO[a, g] - ADO[b, g] over resamples of the held-out jets (the same resample for both). */
export function adoDiffBootstrap(a: Float64Array, b: Float64Array, g: Float64Array, y: Float64Array, resamples = 50, seed = 1): number {
  const draw = resampler(y, seed);
  const d = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    const w = draw();
    d[r] = ado(a, g, y, w).ado - ado(b, g, y, w).ado;
  }
  return meanSd(d).sd;
}
