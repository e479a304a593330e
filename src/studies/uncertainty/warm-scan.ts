/**
 * A decorrelation scan that keeps the classifier's direction (issue #22 item 3): pretrain at lambda = 0, then raise
 * lambda stage by stage, each stage starting from the previous one's weights with a decaying learning rate, so the
 * model moves continuously from the plain classifier instead of being trained from scratch at a large lambda (where
 * DisCo alone can settle on an inverted score, AUC < 1/2). Two methods on the same pretrained start and the same
 * jets: DisCo (dCorr^2 penalty) and the Louppe et al. adversary. Every seed repeats the whole chain; the spread
 * over seeds is the error bar.
 */
import { JetlensInputError } from '../../errors.js';
import { auc } from '../../metrics/index.js';
import { createModel, type JetModel, type ModelData, type ModelKind, type ModelOptions, predict, tf } from '../../models/index.js';
import { distanceCorrelationSquared } from './dcorr.js';
import { jensenShannon, trainDecorrelated } from './decorrelate.js';
import { Adversary, nuisanceClasses, trainPivot } from './pivot.js';
import { histogram, meanStd, workingPoint } from './stats.js';

export type DecorrelationMethod = 'disco' | 'adversary';

export interface WarmScanOptions {
  kind: ModelKind;
  modelOptions: ModelOptions;
  data: ModelData;
  against: ArrayLike<number>;
  evalData: ModelData;
  evalAgainst: ArrayLike<number>;
  methods?: DecorrelationMethod[]; // default ['disco']
  seeds?: number[]; // model initialisation + batch order seeds (default [modelOptions.seed ?? 0])
  pretrainEpochs?: number; // default 10
  epochs?: number; // per lambda stage, default 5
  batchSize?: number; // default 256
  lr?: number; // pretraining rate (default 1e-3), decaying to lrFinal
  stageLr?: number; // first rate of every stage (default lr / 2), decaying to lrFinal
  lrFinal?: number; // default lr / 10
  penaltyOn?: 'background' | 'each-class';
  adversaryBins?: number; // mass-like quantity: quantile bins the adversary predicts (default 5)
  adversarySteps?: number;
  adversaryLr?: number;
  effBackground?: number; // working point for the sculpting histograms (default 0.1)
  bins?: number; // default 20 (2 for a 0/1 nuisance label)
  maxEvents?: number; // dCorr on at most this many background events (default 2000)
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface WarmRow {
  method: DecorrelationMethod | 'none';
  lambda: number;
  seed: number;
  auc: number;
  dCorr: number; // on the evaluation background
  /** 0/1 nuisance: AUC of the score separating the two settings within the background, folded to >= 1/2 (1/2 = ignored). */
  nuisanceAuc: number | null;
  jsd: number; // background `against` before vs after the cut
  cut: number;
  effSignal: number;
  effBackground: number;
  /** Pearson correlation of the evaluation scores with this seed's lambda = 0 scores (< 0: the direction flipped). */
  agreement: number;
  after: Float64Array;
}

export interface WarmSummary {
  method: DecorrelationMethod | 'none';
  lambda: number;
  seeds: number;
  auc: number; auc_err: number;
  dCorr: number; dCorr_err: number;
  jsd: number; jsd_err: number;
  inv_jsd: number; inv_jsd_err: number;
  nuisanceAuc: number | null; nuisanceAuc_err: number | null;
  agreement: number;
}

export interface WarmScanResult {
  edges: Float64Array;
  before: Float64Array;
  binary: boolean;
  rows: WarmRow[];
  summary: WarmSummary[];
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = meanStd(a).mean, mb = meanStd(b).mean;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/** Everything measured on one trained model. */
class Evaluator {
  readonly labels: Float64Array | Uint8Array;
  readonly bgIdx: number[];
  readonly sub: number[];
  readonly edges: Float64Array;
  readonly before: Float64Array;
  readonly binary: boolean;
  constructor(private o: WarmScanOptions) {
    const labels = o.evalData.labels;
    if (!labels) throw new JetlensInputError('the evaluation set needs labels');
    if (o.evalAgainst.length !== labels.length) throw new JetlensInputError(`decorrelation variable has ${o.evalAgainst.length} values for ${labels.length} evaluation samples`);
    this.labels = labels as Float64Array;
    this.bgIdx = Array.from(labels.keys()).filter((i) => labels[i] !== 1);
    const q = this.bgIdx.map((i) => o.evalAgainst[i]);
    this.binary = q.every((v) => v === 0 || v === 1);
    const [lo, hi] = this.binary ? [0, 1] : [Math.min(...q), Math.max(...q)];
    const bins = this.binary ? 2 : o.bins ?? 20;
    this.edges = Float64Array.from({ length: bins + 1 }, (_, k) => lo + ((hi - lo) * k) / bins);
    this.before = histogram(q, lo, hi, bins);
    const stride = Math.max(1, Math.ceil(this.bgIdx.length / (o.maxEvents ?? 2000)));
    this.sub = this.bgIdx.filter((_, k) => k % stride === 0);
  }
  async row(model: JetModel, method: WarmRow['method'], lambda: number, seed: number, base: Float64Array | null): Promise<{ row: WarmRow; scores: Float64Array }> {
    const o = this.o;
    const scores = await predict(model, o.evalData, { signal: o.signal });
    const wp = workingPoint(scores, this.labels, o.effBackground ?? 0.1);
    const bins = this.edges.length - 1;
    const after = histogram(this.bgIdx.filter((i) => scores[i] >= wp.cut).map((i) => o.evalAgainst[i]), this.edges[0], this.edges[bins], bins);
    const d2 = distanceCorrelationSquared(this.sub.map((i) => scores[i]), this.sub.map((i) => o.evalAgainst[i]));
    let nuisanceAuc: number | null = null;
    if (this.binary) {
      const a = auc(this.bgIdx.map((i) => scores[i]), this.bgIdx.map((i) => o.evalAgainst[i])).auc;
      nuisanceAuc = Math.max(a, 1 - a);
    }
    const row: WarmRow = {
      method, lambda, seed, auc: auc(scores, this.labels).auc, dCorr: Math.sqrt(Math.max(0, d2)), nuisanceAuc,
      jsd: jensenShannon(this.before, after), ...wp, agreement: base ? pearson(scores, base) : 1, after,
    };
    return { row, scores };
  }
}

/** Mean and spread over seeds per (method, lambda). */
export function summarizeRows(rows: WarmRow[]): WarmSummary[] {
  const keys = [...new Set(rows.map((r) => `${r.method}\u0000${r.lambda}`))];
  return keys.map((k) => {
    const rs = rows.filter((r) => `${r.method}\u0000${r.lambda}` === k);
    const ms = (f: (r: WarmRow) => number) => meanStd(rs.map(f));
    const a = ms((r) => r.auc), d = ms((r) => r.dCorr), j = ms((r) => r.jsd), ij = ms((r) => 1 / Math.max(r.jsd, 1e-12));
    const nu = rs[0].nuisanceAuc === null ? null : ms((r) => r.nuisanceAuc!);
    const err = (s: { std: number }) => (rs.length > 1 ? s.std : NaN);
    return {
      method: rs[0].method, lambda: rs[0].lambda, seeds: rs.length,
      auc: a.mean, auc_err: err(a), dCorr: d.mean, dCorr_err: err(d), jsd: j.mean, jsd_err: err(j), inv_jsd: ij.mean, inv_jsd_err: err(ij),
      nuisanceAuc: nu ? nu.mean : null, nuisanceAuc_err: nu ? err(nu) : null, agreement: ms((r) => r.agreement).mean,
    };
  });
}

/** The warm-started scan: per seed, pretrain at lambda = 0, then each method climbs the lambdas from there. */
export async function warmDecorrelationScan(lambdas: number[], o: WarmScanOptions): Promise<WarmScanResult> {
  if (lambdas.some((l) => !(l >= 0) || !Number.isFinite(l))) throw new JetlensInputError('strengths must be finite and >= 0');
  const steps = [...new Set(lambdas.filter((l) => l > 0))].sort((a, b) => a - b);
  const methods = o.methods ?? ['disco'];
  const seeds = o.seeds ?? [o.modelOptions.seed ?? 0];
  const lr = o.lr ?? 1e-3;
  const lrFinal = o.lrFinal ?? lr / 10;
  const stageLr = o.stageLr ?? lr / 2;
  const common = { batchSize: o.batchSize, lrFinal, penaltyOn: o.penaltyOn, signal: o.signal };
  const ev = new Evaluator(o);
  const nz = nuisanceClasses(o.against, o.data.labels ?? [], o.adversaryBins ?? 5);
  const rows: WarmRow[] = [];
  const total = seeds.length * (1 + methods.length * steps.length);
  let done = 0;
  const tick = () => o.onProgress?.(++done, total);
  for (const seed of seeds) {
    const model = createModel(o.kind, { ...o.modelOptions, seed });
    try {
      await trainDecorrelated(model, o.data, o.against, { ...common, lambda: 0, epochs: o.pretrainEpochs ?? 10, lr, seed });
      const { row, scores: base } = await ev.row(model, 'none', 0, seed, null);
      rows.push(row);
      tick();
      const start = model.net.getWeights().map((w) => w.clone());
      try {
        for (const method of methods) {
          model.net.setWeights(start);
          const adv = method === 'adversary' ? new Adversary(nz.classes, seed) : null;
          try {
            // Louppe et al.: the adversary first learns what it can from the pretrained classifier's score.
            if (adv) await trainPivot(model, o.data, nz.z, adv, { ...common, lambda: 0, epochs: 2, adversaryOnly: true, adversarySteps: 2, adversaryLr: o.adversaryLr, seed });
            for (const lambda of steps) {
              const stage = { ...common, lambda, epochs: o.epochs ?? 5, lr: stageLr, seed: seed + 7919 * (rows.length + 1) };
              if (adv) await trainPivot(model, o.data, nz.z, adv, { ...stage, adversarySteps: o.adversarySteps, adversaryLr: o.adversaryLr });
              else await trainDecorrelated(model, o.data, o.against, stage);
              rows.push((await ev.row(model, method, lambda, seed, base)).row);
              tick();
            }
          } finally {
            adv?.dispose();
          }
        }
      } finally {
        tf.dispose(start);
      }
    } finally {
      model.net.dispose();
    }
  }
  return { edges: ev.edges, before: ev.before, binary: ev.binary, rows, summary: summarizeRows(rows) };
}
