// Report sections (src/report/schema.ts) for the uncertainty studies: one builder per `jetlens uncertainty` command.
// The numbers drawn are the ones in the command's summary.json; the captions carry the settings.
import { auc, quantileSorted, rocCurve } from '../../metrics/index.js';
import type { HistogramSection, LineSeries, RocCurve, Section, TableCell } from '../../report/schema.js';
import type { AdversarialResult } from './adversarial.js';
import { bootstrapPrediction, resampleIndices, type BootstrapPredictionResult, type BootstrapTrainingResult, type ScanRow } from './bootstrap.js';
import { distanceCorrelationSquared } from './dcorr.js';
import { jensenShannon, type DecorrelationRow } from './decorrelate.js';
import { histogram, meanStd, workingPoint } from './stats.js';

const fmt = (x: number, d = 4) => (Number.isFinite(x) ? Number(x.toFixed(d)) : null);
const pm = (m: number, s: number, d = 4) => `${m.toFixed(d)} +- ${s.toFixed(d)}`;

/** Signal efficiency at fixed background efficiencies: the grid the bootstrap ROC bands are drawn on. */
export const ROC_GRID: readonly number[] = [0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.07, ...Array.from({ length: 46 }, (_, k) => 0.1 + 0.02 * k), 1];

/** tpr at each background efficiency of `grid`: the cut is the k-th highest background score, k = max(1, round(f nB)). */
export function tprAt(scores: ArrayLike<number>, labels: ArrayLike<number>, grid: readonly number[] = ROC_GRID): number[] {
  const sig: number[] = [];
  const bg: number[] = [];
  for (let i = 0; i < scores.length; i++) (labels[i] === 1 ? sig : bg).push(scores[i]);
  bg.sort((a, b) => b - a);
  sig.sort((a, b) => b - a);
  return grid.map((f) => {
    const cut = bg[Math.min(bg.length, Math.max(1, Math.round(f * bg.length))) - 1];
    let lo = 0, hi = sig.length; // number of signal scores >= cut (sig descending)
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sig[mid] >= cut) lo = mid + 1;
      else hi = mid;
    }
    return sig.length ? lo / sig.length : 0;
  });
}

/** The nominal ROC with the central 68% band of the resamples' tpr at each background efficiency of ROC_GRID. */
export function rocWithBand(label: string, scores: ArrayLike<number>, labels: ArrayLike<number>, resamples: number[][]): RocCurve {
  const r = rocCurve(scores, labels, null, { maxPoints: 400 });
  const cols = ROC_GRID.map((_, g) => resamples.map((row) => row[g]).sort((a, b) => a - b));
  return {
    label, fpr: Array.from(r.fpr), tpr: Array.from(r.tpr), auc: auc(scores, labels).auc,
    band: { fpr: [...ROC_GRID], tprLow: cols.map((c) => quantileSorted(c, 0.16)), tprHigh: cols.map((c) => quantileSorted(c, 0.84)) },
  };
}

/** Histogram of one value per resample (counts), the nominal value drawn as a dashed vertical line. */
function spreadHistogram(title: string, x: string, values: ArrayLike<number>, nominal: number, caption: string): HistogramSection {
  const v = Array.from(values);
  const bins = Math.max(5, Math.min(30, Math.ceil(Math.sqrt(v.length)) + 2));
  let lo = Math.min(...v, nominal), hi = Math.max(...v, nominal);
  const pad = hi > lo ? 0.05 * (hi - lo) : Math.max(1e-4, 1e-3 * Math.abs(lo));
  lo -= pad;
  hi += pad;
  // The marker's height: the tallest bin (counted as the renderer bins).
  const counts = new Array(bins).fill(0);
  for (const a of v) counts[Math.min(bins - 1, Math.floor(((a - lo) / (hi - lo)) * bins))]++;
  return {
    type: 'histogram', title, x, bins, range: [lo, hi], caption,
    series: [{ label: 'resamples', values: v }],
    fit: { label: `nominal ${nominal.toFixed(4)}`, x: [nominal, nominal], y: [0, Math.max(...counts)] },
  };
}

/** Mean (and its error) of y in `bins` equal bins of x on [0, 1]; empty bins are left out. */
export function binnedMean(x: ArrayLike<number>, y: ArrayLike<number>, bins = 20): LineSeries & { yErr: number[] } {
  const acc = Array.from({ length: bins }, () => [] as number[]);
  for (let i = 0; i < x.length; i++) acc[Math.min(bins - 1, Math.max(0, Math.floor(x[i] * bins)))].push(y[i]);
  const out = { label: '', x: [] as number[], y: [] as number[], yErr: [] as number[] };
  acc.forEach((a, k) => {
    if (!a.length) return;
    const { mean, std } = meanStd(a);
    out.x.push((k + 0.5) / bins);
    out.y.push(mean);
    out.yErr.push(a.length > 1 ? std / Math.sqrt(a.length) : 0);
  });
  return out;
}

/** Above this many values in all, histogram series are stored binned (bin centres + counts): report.json stays small. */
export const MAX_RAW_VALUES = 2000;

/**
 * A histogram section of raw samples. Long samples are binned here on the same bins the renderer would use (the plot
 * is the same), so a million jets do not put a million numbers into report.json.
 */
export function histogramSection(
  head: { title: string; x: string; caption?: string; bins: number; range?: [number, number]; density?: boolean },
  samples: { label: string; values: ArrayLike<number> }[],
): HistogramSection {
  let [lo, hi] = head.range ?? [Infinity, -Infinity];
  if (!head.range) {
    for (const smp of samples) {
      for (let i = 0; i < smp.values.length; i++) {
        const v = smp.values[i];
        if (!Number.isFinite(v)) continue;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
  else if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const total = samples.reduce((n, smp) => n + smp.values.length, 0);
  const centres = Array.from({ length: head.bins }, (_, k) => lo + ((k + 0.5) * (hi - lo)) / head.bins);
  const series = total <= MAX_RAW_VALUES
    ? samples.map((smp) => ({ label: smp.label, values: Array.from(smp.values).filter(Number.isFinite) }))
    : samples.map((smp) => ({ label: smp.label, values: centres, weights: Array.from(histogram(smp.values, lo, hi, head.bins)) }));
  return { type: 'histogram', ...head, range: [lo, hi], series };
}

export interface BootstrapFigureSettings {
  model: string;
  nTrain: number;
  epochs: number;
  effBackground: number;
}

/** Training bootstrap: AUC over resamples, per-event score spread, nominal ROC with the resample band, efficiency table. */
export function bootstrapTrainingSections(r: BootstrapTrainingResult, evalLabels: ArrayLike<number>, s: BootstrapFigureSettings): Section[] {
  const setup = `${s.model} retrained on ${r.resamples} bootstrap resamples of ${s.nTrain} training samples (initialisation fixed, ${s.epochs} epochs), evaluated on ${evalLabels.length} fixed events`;
  const all = Array.from({ length: evalLabels.length }, (_, i) => i);
  const sig = all.filter((i) => evalLabels[i] === 1);
  const bg = all.filter((i) => evalLabels[i] !== 1);
  const spread = (idx: number[], label: string) => ({ ...binnedMean(idx.map((i) => r.scoreMean[i]), idx.map((i) => r.scoreStd[i])), label, mark: 'linepoints' as const });
  const wp = r.nominal.workingPoint;
  return [
    spreadHistogram('AUC over training resamples', 'AUC', r.auc.values, r.nominal.auc, `${setup}. AUC ${pm(r.auc.mean, r.auc.std)}; dashed: the model trained on the full training set.`),
    {
      type: 'line', title: 'Per-event score spread versus mean score', x: 'mean score over resamples', y: 'score std over resamples',
      series: [spread(sig, 'signal'), spread(bg, 'background')],
      caption: `${setup}. Mean of the per-event std in 20 bins of the mean score (error: its standard error); overall mean std ${r.meanScoreStd.toFixed(4)}.`,
    },
    {
      type: 'roc', title: 'ROC of the nominal model with the training-bootstrap band', curves: [rocWithBand('nominal', r.nominal.scores, evalLabels, r.resampleScores.map((row) => tprAt(row, evalLabels)))],
      caption: `${setup}. Band: central 68% of the resamples' signal efficiency at each background efficiency.`,
    },
    {
      type: 'table', title: 'Working point and AUC: nominal and spread over resamples',
      columns: ['quantity', 'nominal', 'mean over resamples', 'std over resamples'],
      rows: [
        ['AUC', fmt(r.nominal.auc), fmt(r.auc.mean), fmt(r.auc.std)],
        [`signal efficiency at each model's own ${s.effBackground} background cut`, fmt(wp.effSignal), fmt(r.effSignal.mean), fmt(r.effSignal.std)],
        ['signal efficiency at the nominal cut', fmt(wp.effSignal), fmt(r.effSignalAtNominalCut.mean), fmt(r.effSignalAtNominalCut.std)],
        ['background efficiency at the nominal cut', fmt(wp.effBackground), fmt(r.effBackgroundAtNominalCut.mean), fmt(r.effBackgroundAtNominalCut.std)],
        ['per-event score std (mean over events)', null, fmt(r.meanScoreStd), null],
      ],
      caption: `${setup}. Nominal cut: score >= ${wp.cut.toPrecision(4)} (background efficiency ${s.effBackground} on the nominal model).`,
    },
  ];
}

/** Evaluation bootstrap (model fixed): AUC over resamples, ROC with the resample band, efficiency table. */
export function bootstrapPredictionSections(r: BootstrapPredictionResult, scores: ArrayLike<number>, labels: ArrayLike<number>, o: { seed?: number; effBackground: number }): Section[] {
  const setup = `Model fixed; ${r.resamples} bootstrap resamples of the ${labels.length} evaluation events (seed ${o.seed ?? 0})`;
  const nominal = auc(scores, labels).auc;
  const bands: number[][] = [];
  const s = new Float64Array(scores.length), y = new Float64Array(scores.length);
  for (let b = 0; b < r.resamples; b++) {
    const idx = resampleIndices(scores.length, o.seed ?? 0, b); // the streams bootstrapPrediction drew
    for (let i = 0; i < idx.length; i++) {
      s[i] = scores[idx[i]];
      y[i] = labels[idx[i]];
    }
    bands.push(tprAt(s, y));
  }
  const wp = r.workingPoint;
  return [
    spreadHistogram('AUC over evaluation resamples', 'AUC', r.auc.values, nominal, `${setup}. AUC ${pm(r.auc.mean, r.auc.std)}; dashed: the full evaluation set.`),
    { type: 'roc', title: 'ROC with the evaluation-bootstrap band', curves: [rocWithBand('full evaluation set', scores, labels, bands)], caption: `${setup}. Band: central 68% of the resamples' signal efficiency at each background efficiency.` },
    {
      type: 'table', title: 'Efficiencies of the fixed cut over evaluation resamples', columns: ['quantity', 'full set', 'mean over resamples', 'std over resamples'],
      rows: [
        ['AUC', fmt(nominal), fmt(r.auc.mean), fmt(r.auc.std)],
        ['signal efficiency', fmt(wp.effSignal), fmt(r.effSignal.mean), fmt(r.effSignal.std)],
        ['background efficiency', fmt(wp.effBackground), fmt(r.effBackground.mean), fmt(r.effBackground.std)],
      ],
      caption: `${setup}. Cut: score >= ${wp.cut.toPrecision(4)}, set on the full set at background efficiency ${o.effBackground}.`,
    },
  ];
}

/** Configuration scan: side-by-side table and AUC per configuration, errors from an evaluation bootstrap. */
export function scanSections(rows: ScanRow[], labels: ArrayLike<number>, o: { effBackground: number; resamples?: number; seed?: number }): Section[] {
  const errs = rows.map((r) => bootstrapPrediction(r.scores, labels, { resamples: o.resamples ?? 100, seed: o.seed ?? 0, effBackground: o.effBackground }));
  const caption = `Each configuration trained on the same data, evaluated on the same ${labels.length} events; errors: std over ${o.resamples ?? 100} evaluation-bootstrap resamples.`;
  return [
    {
      type: 'line', title: 'AUC per configuration', x: 'configuration (table row)', y: 'AUC',
      series: [{ label: 'AUC', x: rows.map((_, k) => k + 1), y: rows.map((r) => r.auc), yErr: errs.map((e) => e.auc.std), mark: 'points' }],
      caption: `${caption} Configurations: ${rows.map((r, k) => `${k + 1} = ${r.name}`).join(', ')}.`,
    },
    {
      type: 'table', title: 'Configurations side by side', columns: ['#', 'configuration', 'AUC', 'AUC error', `signal eff. at ${o.effBackground} bg`, 'its error', 'cut'],
      rows: rows.map((r, k): TableCell[] => [k + 1, r.name, fmt(r.auc), fmt(errs[k].auc.std), fmt(r.effSignal), fmt(errs[k].effSignal.std), fmt(r.cut)]),
      caption,
    },
  ];
}

export interface DecorrelationFigureSettings {
  against: string;
  features: string[];
  epochs: number;
  effBackground: number;
  nEval: number;
}

/** Decorrelation scan: AUC against residual dCorr per strength, the background mass before/after the cut, a table. */
export function decorrelationSections(edges: ArrayLike<number>, rows: DecorrelationRow[], s: DecorrelationFigureSettings): Section[] {
  const setup = `DNN on ${s.features.join(', ')}, loss BCE + lambda dCorr^2(score, ${s.against} | background), ${s.epochs} epochs; evaluated on ${s.nEval} held-out events`;
  const bins = edges.length - 1;
  const centres = Array.from({ length: bins }, (_, k) => (edges[k] + edges[k + 1]) / 2);
  const range: [number, number] = [edges[0], edges[bins]];
  const sculpt = (r: DecorrelationRow): Section => ({
    type: 'histogram', title: `lambda = ${r.lambda}: background ${s.against} before and after the cut`, x: s.against, bins, range, density: true,
    series: [
      { label: 'all background', values: centres, weights: Array.from(r.before) },
      { label: `score >= cut (${(100 * r.effBackground).toFixed(1)}% of background)`, values: centres, weights: Array.from(r.after) },
    ],
    caption: `${setup}. Normalised shapes; Jensen-Shannon divergence ${r.jsd.toFixed(4)}, residual dCorr ${r.dCorr.toFixed(4)}, AUC ${r.auc.toFixed(4)}, signal efficiency ${r.effSignal.toFixed(4)}.`,
  });
  return [
    {
      type: 'line', title: `Trade-off: AUC versus residual dependence on ${s.against}`, x: `distance correlation of score and ${s.against} (background)`, y: 'AUC',
      series: [
        { label: 'scan', x: rows.map((r) => r.dCorr), y: rows.map((r) => r.auc), mark: 'line', dashed: true },
        ...rows.map((r): LineSeries => ({ label: `lambda = ${r.lambda}`, x: [r.dCorr], y: [r.auc], mark: 'points' })),
      ],
      caption: `${setup}. One point per DisCo strength lambda: lower dCorr means less dependence (0 = independent).`,
    },
    {
      type: 'line', title: `Sculpting of ${s.against} versus strength`, x: 'lambda (DisCo strength)', y: 'Jensen-Shannon divergence',
      series: [{ label: `JSD of background ${s.against}, before vs after the cut`, x: rows.map((r) => r.lambda), y: rows.map((r) => r.jsd) }],
      caption: `${setup}. Cut on each model at background efficiency ${s.effBackground}; ${bins} bins on [${range[0].toPrecision(3)}, ${range[1].toPrecision(3)}].`,
    },
    ...rows.map(sculpt),
    {
      type: 'table', title: 'Decorrelation scan', columns: ['lambda', 'AUC', 'dCorr', 'JSD', 'cut', 'signal eff.', 'background eff.'],
      rows: rows.map((r): TableCell[] => [r.lambda, fmt(r.auc), fmt(r.dCorr), fmt(r.jsd), fmt(r.cut), fmt(r.effSignal), fmt(r.effBackground)]),
      caption: `${setup}. dCorr on the held-out background; JSD between the background ${s.against} shapes before and after the cut at ${s.effBackground} background efficiency.`,
    },
  ];
}

export interface WorstCaseFigureSettings {
  lambdaCls: number;
  lambdaObs: Record<string, number>;
  epochs: number;
  lr: number;
  seed: number;
}

/** Worst-case search: efficiencies before/after, constrained observables before/after, per-epoch history, size of dJ. */
export function worstCaseSections(r: AdversarialResult, labels: ArrayLike<number>, s: WorstCaseFigureSettings): Section[] {
  const obsTxt = Object.entries(s.lambdaObs).map(([k, w]) => `${k} = ${w}`).join(', ') || 'none';
  const setup = `Direction ${r.direction}; lambda_cls ${s.lambdaCls}, lambda_obs ${obsTxt} (units of the background spread); ${s.epochs} epochs, Adam lr ${s.lr}, seed ${s.seed}; ${labels.length} jets`;
  const wp = r.workingPoint;
  const sig = (v: ArrayLike<number>, want: number) => Array.from({ length: labels.length }, (_, i) => i).filter((i) => (labels[i] === 1 ? 1 : 0) === want).map((i) => v[i]);
  const ep = r.history.map((h) => h.epoch);
  const out: Section[] = [
    {
      type: 'table', title: 'Working point before and after the perturbation', columns: ['quantity', 'nominal', 'perturbed', 'shift'],
      rows: [
        ['signal efficiency', fmt(wp.effSignal), fmt(r.perturbed.effSignal), fmt(r.effSignalShift)],
        ['background efficiency', fmt(wp.effBackground), fmt(r.perturbed.effBackground), fmt(r.effBackgroundShift)],
        ['mean |delta f|, signal', null, null, fmt(r.meanAbsDeltaFSignal)],
        ['mean |delta f|, background', null, null, fmt(r.constraints.meanAbsDeltaF)],
        ...Object.entries(r.constraints.observables).map(([k, c]): TableCell[] => [`mean |delta ${k}| / mean ${k}, background`, null, null, fmt(c.meanAbsDelta / Math.abs(c.mean))]),
        ['pT-weighted mean |d log pT|', null, null, fmt(r.size.dLogPt, 5)],
        ['rms dy, rms dphi', null, null, `${r.size.dy.toFixed(5)}, ${r.size.dphi.toFixed(5)}`],
      ],
      caption: `${setup}. Cut score >= ${wp.cut.toPrecision(4)} fixed at the nominal background efficiency ${wp.effBackground.toFixed(4)}. Check the background residuals before quoting the shift.`,
    },
    ...Object.entries(r.backgroundObservables).map(([k, v]): Section => histogramSection({
      title: `Background ${k} before and after the perturbation`, x: k === 'pt' ? 'pT / original jet pT' : k === 'mass' ? 'm / jet pT' : k, bins: 30, density: true,
      caption: `${setup}. Constrained observable (weight ${s.lambdaObs[k]}); mean |delta| ${r.constraints.observables[k].meanAbsDelta.toPrecision(3)}, mean ${r.constraints.observables[k].mean.toPrecision(3)}.`,
    }, [{ label: 'nominal', values: v.before }, { label: 'perturbed', values: v.after }])),
    histogramSection({ title: 'Scores before and after the perturbation', x: 'classifier score f', bins: 40, range: [0, 1], density: true, caption: `${setup}.` }, [
      { label: 'signal, nominal', values: sig(r.scores, 1) }, { label: 'signal, perturbed', values: sig(r.perturbedScores, 1) },
      { label: 'background, nominal', values: sig(r.scores, 0) }, { label: 'background, perturbed', values: sig(r.perturbedScores, 0) },
    ]),
  ];
  if (ep.length) {
    const cp = r.checkpoints;
    out.push(
      {
        type: 'line', title: 'Loss per epoch', x: 'epoch', y: 'mean loss over batches',
        series: [
          { label: 'total', x: ep, y: r.history.map((h) => h.loss) },
          { label: 'signal term', x: ep, y: r.history.map((h) => h.lSig) },
          { label: 'background constraints', x: ep, y: r.history.map((h) => h.lBg) },
        ],
        caption: `${setup}.`,
      },
      {
        type: 'line', title: 'Efficiency shift per epoch', x: 'epoch', y: 'efficiency shift at the nominal cut',
        series: [
          { label: 'signal (during the epoch)', x: ep, y: r.history.map((h) => h.effSignalShift) },
          { label: 'background (during the epoch)', x: ep, y: r.history.map((h) => h.effBackgroundShift) },
          ...(cp.length ? [{ label: 'signal (end of epoch)', x: cp.map((c) => c.epoch), y: cp.map((c) => c.effSignalShift), mark: 'points' as const }] : []),
          { label: 'signal (final)', x: [ep[ep.length - 1]], y: [r.effSignalShift], mark: 'points' },
        ],
        caption: `${setup}. "During the epoch": perturbed scores as computed in the epoch's batches while g trains; end of epoch: exact, from --checkpoints.`,
      },
    );
  }
  out.push(
    histogramSection({ title: 'Perturbation size per jet: momentum', x: 'pT-weighted mean |d log pT|', bins: 30, density: true, caption: `${setup}.` }, [{ label: 'jets', values: r.jetSize.dLogPt }]),
    histogramSection({ title: 'Perturbation size per jet: angles', x: 'pT-weighted rms sqrt(dy^2 + dphi^2)', bins: 30, density: true, caption: `${setup}.` }, [{ label: 'jets', values: r.jetSize.dAngle }]),
  );
  return out;
}

export interface DecorrelatedTrainingFigures {
  against: string; // the column's name
  lambda: number;
  history: { epoch: number; loss: number; bce: number; penalty: number }[];
  scores: ArrayLike<number>; // the trained model on its training rows
  labels: ArrayLike<number>;
  q: ArrayLike<number>; // the column, per row
  effBackground?: number; // default 0.1
  bins?: number; // default 20
}

/**
 * `jetlens train --decorrelate`: loss terms per epoch and, on the training rows (all rows train: in-sample, an
 * optimistic view), the background distribution of the column before and after the cut, with dCorr and JSD.
 */
export function decorrelatedTrainingSections(o: DecorrelatedTrainingFigures): Section[] {
  const effB = o.effBackground ?? 0.1;
  const bins = o.bins ?? 20;
  const wp = workingPoint(o.scores, o.labels, effB);
  const bg = Array.from({ length: o.labels.length }, (_, i) => i).filter((i) => o.labels[i] !== 1);
  const qBg = bg.map((i) => o.q[i]);
  const lo = Math.min(...qBg), hi = Math.max(...qBg);
  const before = histogram(qBg, lo, hi, bins);
  const after = histogram(bg.filter((i) => o.scores[i] >= wp.cut).map((i) => o.q[i]), lo, hi, bins);
  const sub = bg.filter((_, k) => k % Math.max(1, Math.ceil(bg.length / 2000)) === 0); // dCorr is O(n^2)
  const dCorr = Math.sqrt(Math.max(0, distanceCorrelationSquared(sub.map((i) => o.scores[i]), sub.map((i) => o.q[i]))));
  const jsd = jensenShannon(before, after);
  const centres = Array.from({ length: bins }, (_, k) => lo + ((k + 0.5) * (hi - lo)) / bins);
  const setup = `DisCo strength ${o.lambda} against ${o.against}; ${o.labels.length} training rows (in-sample: use \`jetlens uncertainty decorrelate\` for held-out numbers)`;
  const ep = o.history.map((h) => h.epoch);
  return [
    {
      type: 'line', title: 'Training loss per epoch', x: 'epoch', y: 'mean over batches',
      series: [
        { label: 'BCE', x: ep, y: o.history.map((h) => h.bce) },
        { label: `dCorr^2(score, ${o.against} | background)`, x: ep, y: o.history.map((h) => h.penalty) },
      ],
      caption: `${setup}. Loss = BCE + ${o.lambda} x dCorr^2, both per batch.`,
    },
    {
      type: 'histogram', title: `Background ${o.against} before and after the cut (training rows)`, x: o.against, bins, range: hi > lo ? [lo, hi] : [lo - 0.5, hi + 0.5], density: true,
      series: [
        { label: 'all background', values: centres, weights: Array.from(before) },
        { label: `score >= cut (${(100 * wp.effBackground).toFixed(1)}% of background)`, values: centres, weights: Array.from(after) },
      ],
      caption: `${setup}. Normalised shapes; JSD ${jsd.toFixed(4)}, dCorr ${dCorr.toFixed(4)}, AUC ${auc(o.scores, o.labels).auc.toFixed(4)}, signal efficiency ${wp.effSignal.toFixed(4)} at background efficiency ${effB}.`,
    },
  ];
}
