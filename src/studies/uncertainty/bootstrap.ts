import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { JetlensAbortError, JetlensInputError } from '../../errors.js';
import { readArray, writeNpy } from '../../io/index.js';
import { auc } from '../../metrics/index.js';
import { createModel, dataHash, type ModelData, type ModelKind, type ModelOptions, predict, sampleCount, takeSamples, train, type TrainOptions } from '../../models/index.js';
import { toFloat64 } from '../../io/ndarray.js';
import { Rng } from '../../util/rng.js';
import { columnMeanStd, efficiencies, meanStd, workingPoint } from './stats.js';
import { writeFileAtomic } from '../../util/atomic.js';

export interface BootstrapTrainingOptions {
  kind: ModelKind;
  modelOptions: ModelOptions; // its seed fixes the initialisation, identical for every resample
  data: ModelData; // training set (labels required)
  evalData: ModelData; // fixed evaluation set (labels required)
  resamples: number; // B
  seed?: number; // seed of the resampling (default 0)
  /** Training options; defaults here: all rows train (split [1,0,0]), no early stopping, batch order seed fixed. */
  trainOptions?: TrainOptions;
  /** Working point: the cut giving this background efficiency on the nominal model (default 0.1). */
  effBackground?: number;
  /** Directory for resumable runs: nominal.npy and resample-<b>.npy scores; finished resamples are not retrained. */
  outDir?: string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface SpreadSummary {
  values: Float64Array; // one per resample
  mean: number;
  std: number;
}

export interface BootstrapTrainingResult {
  resamples: number;
  nominal: { scores: Float64Array; auc: number; workingPoint: { cut: number; effSignal: number; effBackground: number } };
  scoreMean: Float64Array; // per evaluation event, over resamples
  scoreStd: Float64Array;
  meanScoreStd: number; // average of scoreStd over the evaluation events
  auc: SpreadSummary;
  /** Signal efficiency at each resample's own cut giving the target background efficiency. */
  effSignal: SpreadSummary;
  /** Efficiencies with the nominal model's cut applied to each resample's scores. */
  effSignalAtNominalCut: SpreadSummary;
  effBackgroundAtNominalCut: SpreadSummary;
  reused: number; // resamples read back from outDir instead of retrained
  /** Evaluation scores of each resample's model (B rows), for the figures' ROC band. */
  resampleScores: Float64Array[];
}

function summary(values: Float64Array): SpreadSummary {
  return { values, ...meanStd(values) };
}

function labelsOf(d: ModelData, what: string): Float64Array {
  if (!d.labels) throw new JetlensInputError(`${what} needs labels (0/1 per sample)`);
  return d.labels;
}

/** Indices of bootstrap resample b: n draws with replacement, its own seeded stream (order of resamples irrelevant). */
export function resampleIndices(n: number, seed: number, b: number): Uint32Array {
  const rng = new Rng((Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(b + 1, 0x85ebca6b)) >>> 0);
  return Uint32Array.from({ length: n }, () => rng.int(n));
}

const exists = (f: string) => stat(f).then(() => true, () => false);

/**
 * Records what a resumable run was made of (DIR/bootstrap.json) and refuses to resume one made with other settings
 * or data, so stale resample files are never mixed in. The working point is not part of it (recomputed each time).
 */
async function checkRunRecord(dir: string, o: BootstrapTrainingOptions): Promise<void> {
  const { signal: _s, onEpoch: _e, ...train } = o.trainOptions ?? {};
  const record = JSON.stringify({ kind: o.kind, modelOptions: o.modelOptions, trainOptions: train, seed: o.seed ?? 0, data: dataHash(o.data), evalData: dataHash(o.evalData) });
  const file = join(dir, 'bootstrap.json');
  if (await exists(file)) {
    const old = await readFile(file, 'utf8');
    if (old.trim() !== record) throw new JetlensInputError(`${dir} holds a bootstrap run with other settings or data (see bootstrap.json): use another --out or delete it`);
    return;
  }
  await writeFileAtomic(file, `${record}\n`);
}

async function trainAndPredict(o: BootstrapTrainingOptions, data: ModelData): Promise<Float64Array> {
  const model = createModel(o.kind, o.modelOptions);
  try {
    await train(model, data, { split: [1, 0, 0], patience: 0, ...o.trainOptions, signal: o.signal });
    return await predict(model, o.evalData, { signal: o.signal });
  } finally {
    model.net.dispose();
  }
}

/** Scores of one run: read from `file` when it exists (resume), else computed and written there. */
async function cached(file: string | undefined, n: number, compute: () => Promise<Float64Array>): Promise<{ scores: Float64Array; reused: boolean }> {
  if (file && (await exists(file))) {
    const a = await readArray(file);
    if (a.data.length === n) return { scores: toFloat64(a.data), reused: true };
  }
  const scores = await compute();
  if (file) await writeNpy(file, { data: scores, shape: [scores.length] });
  return { scores, reused: false };
}

/**
 * Statistical precision: retrain on B bootstrap resamples of the training set with the same initialisation (and
 * batch-order) seed, so that only the data vary, and predict on a fixed evaluation set.
 */
export async function bootstrapTraining(o: BootstrapTrainingOptions): Promise<BootstrapTrainingResult> {
  if (!(Number.isInteger(o.resamples) && o.resamples >= 2)) throw new JetlensInputError(`resamples must be an integer >= 2, got ${o.resamples}`);
  const n = sampleCount(o.data);
  labelsOf(o.data, 'bootstrap training');
  const evalLabels = labelsOf(o.evalData, 'the evaluation set');
  const nEval = sampleCount(o.evalData);
  const seed = o.seed ?? 0;
  const effB = o.effBackground ?? 0.1;
  if (o.outDir) {
    await mkdir(o.outDir, { recursive: true });
    await checkRunRecord(o.outDir, o);
  }
  const file = (name: string) => (o.outDir ? join(o.outDir, name) : undefined);
  const total = o.resamples + 1;

  const nominal = await cached(file('nominal.npy'), nEval, () => trainAndPredict(o, o.data));
  o.onProgress?.(1, total);
  const wp = workingPoint(nominal.scores, evalLabels, effB);
  const rows: Float64Array[] = [];
  let reused = nominal.reused ? 1 : 0;
  for (let b = 0; b < o.resamples; b++) {
    if (o.signal?.aborted) throw new JetlensAbortError('bootstrap training');
    const r = await cached(file(`resample-${b}.npy`), nEval, () => trainAndPredict(o, takeSamples(o.data, resampleIndices(n, seed, b))));
    if (r.reused) reused++;
    rows.push(r.scores);
    o.onProgress?.(b + 2, total);
  }
  const { mean, std } = columnMeanStd(rows);
  const per = (f: (s: Float64Array) => number) => summary(Float64Array.from(rows, f));
  return {
    resamples: o.resamples,
    nominal: { scores: nominal.scores, auc: auc(nominal.scores, evalLabels).auc, workingPoint: wp },
    scoreMean: mean,
    scoreStd: std,
    meanScoreStd: meanStd(std).mean,
    auc: per((s) => auc(s, evalLabels).auc),
    effSignal: per((s) => workingPoint(s, evalLabels, effB).effSignal),
    effSignalAtNominalCut: per((s) => efficiencies(s, evalLabels, wp.cut).effSignal),
    effBackgroundAtNominalCut: per((s) => efficiencies(s, evalLabels, wp.cut).effBackground),
    reused,
    resampleScores: rows,
  };
}

export interface BootstrapPredictionResult {
  resamples: number;
  auc: SpreadSummary;
  /** Signal efficiency of the fixed cut (set on the full evaluation set at the target background efficiency). */
  effSignal: SpreadSummary;
  effBackground: SpreadSummary;
  workingPoint: { cut: number; effSignal: number; effBackground: number };
}

/** Statistical bias: bootstrap the evaluation set with the model (its scores) fixed. Cheap: no training. */
export function bootstrapPrediction(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  opts: { resamples?: number; seed?: number; effBackground?: number } = {},
): BootstrapPredictionResult {
  const n = scores.length;
  if (labels.length !== n) throw new JetlensInputError(`${labels.length} labels for ${n} scores`);
  const B = opts.resamples ?? 200;
  if (!(Number.isInteger(B) && B >= 2)) throw new JetlensInputError(`resamples must be an integer >= 2, got ${B}`);
  const wp = workingPoint(scores, labels, opts.effBackground ?? 0.1);
  const aucs = new Float64Array(B), es = new Float64Array(B), eb = new Float64Array(B);
  const s = new Float64Array(n), y = new Float64Array(n);
  for (let b = 0; b < B; b++) {
    const idx = resampleIndices(n, opts.seed ?? 0, b);
    for (let i = 0; i < n; i++) {
      s[i] = scores[idx[i]];
      y[i] = labels[idx[i]];
    }
    aucs[b] = auc(s, y).auc;
    const e = efficiencies(s, y, wp.cut);
    es[b] = e.effSignal;
    eb[b] = e.effBackground;
  }
  return { resamples: B, auc: summary(aucs), effSignal: summary(es), effBackground: summary(eb), workingPoint: wp };
}

/** One configuration of a systematic scan: architecture, initialisation seed and training procedure. */
export interface ScanConfig {
  name?: string;
  kind: ModelKind;
  modelOptions: ModelOptions;
  trainOptions?: TrainOptions;
}

export interface ScanRow {
  name: string;
  auc: number;
  effSignal: number; // at the cut giving the target background efficiency on this model
  cut: number;
  scores: Float64Array;
}

/** Systematic precision: train each configuration on the same data and report AUC and efficiency side by side. */
export async function scanConfigurations(
  configs: ScanConfig[],
  o: { data: ModelData; evalData: ModelData; effBackground?: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
): Promise<ScanRow[]> {
  const labels = labelsOf(o.evalData, 'the evaluation set');
  const rows: ScanRow[] = [];
  for (const [k, c] of configs.entries()) {
    if (o.signal?.aborted) throw new JetlensAbortError('configuration scan');
    const model = createModel(c.kind, c.modelOptions);
    try {
      await train(model, o.data, { split: [1, 0, 0], patience: 0, ...c.trainOptions, signal: o.signal });
      const scores = await predict(model, o.evalData, { signal: o.signal });
      const wp = workingPoint(scores, labels, o.effBackground ?? 0.1);
      rows.push({ name: c.name ?? `config-${k}`, auc: auc(scores, labels).auc, effSignal: wp.effSignal, cut: wp.cut, scores });
    } finally {
      model.net.dispose();
    }
    o.onProgress?.(k + 1, configs.length);
  }
  return rows;
}
