import { join } from 'node:path';
import { readArray, type NdArray } from '../io/index.js';
import type { JetBatch } from '../jets/batch.js';
import { auc, rocCurve } from '../metrics/index.js';
import type { Section } from '../report/schema.js';
import { efpTitle, renderReport, writeReportJson } from '../report/index.js';
import { Rng } from '../util/rng.js';
import { logFeature, type Candidates, type GuideResult } from './guided.js';

export interface StudyArtefacts {
  jets: JetBatch;
  labels: Float64Array;
  obs: Record<string, Float64Array>;
  images: NdArray;
  cnnScores: Float64Array;
  split: { train: Uint32Array; test: Uint32Array };
  guide: GuideResult;
  candidates: Candidates;
  hlNames: string[];
}

const take = (v: ArrayLike<number>, idx: Uint32Array) => Float64Array.from(idx, (i) => v[i]);
const r4 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : null);

/** The best TPR at FPR <= f for every f in fprs, in one merged walk over the curve (a resample has up to N points). */
function tprAtAll(c: { fpr: Float64Array; tpr: Float64Array }, fprs: number[]): number[] {
  const order = fprs.map((_, k) => k).sort((a, b) => fprs[a] - fprs[b]); // both walks ascending
  const out = new Array<number>(fprs.length);
  let best = 0;
  let i = 0;
  for (const k of order) {
    for (; i < c.fpr.length && c.fpr[i] <= fprs[k]; i++) best = Math.max(best, c.tpr[i]);
    out[k] = best;
  }
  return out;
}

/**
 * ROC curve with a 68% bootstrap band: B resamples of the events (within each class, seeded), TPR read at the
 * curve's own FPR points (so the band follows the curve out to high rejection), the 16th and 84th percentiles.
 */
function roc(label: string, scores: Float64Array, y: Float64Array, B = 40, seed = 1) {
  const a = auc(scores, y, null, { direction: 'auto' });
  const c = rocCurve(scores, y, null, { direction: a.direction, maxPoints: 400 });
  const grid = Array.from(c.fpr);
  const sig = Array.from(y.keys()).filter((i) => y[i] === 1);
  const bkg = Array.from(y.keys()).filter((i) => y[i] !== 1);
  const rng = new Rng(seed);
  const samples = grid.map(() => [] as number[]);
  for (let b = 0; b < B; b++) {
    const idx = [...sig.map(() => sig[rng.int(sig.length)]), ...bkg.map(() => bkg[rng.int(bkg.length)])];
    const rc = rocCurve(Float64Array.from(idx, (i) => scores[i]), Float64Array.from(idx, (i) => y[i]), null, { direction: a.direction });
    tprAtAll(rc, grid).forEach((v, k) => samples[k].push(v));
  }
  const pct = (v: number[], q: number) => v.sort((p, r) => p - r)[Math.min(v.length - 1, Math.floor(q * v.length))];
  const band = { fpr: grid, tprLow: samples.map((v) => pct(v, 0.16)), tprHigh: samples.map((v) => pct(v, 0.84)) };
  return { label, fpr: Array.from(c.fpr), tpr: Array.from(c.tpr), auc: a.auc, band };
}

/** Writes report.json and renders index.html + figures for a finished study. */
export async function studyReport(dir: string, a: StudyArtefacts): Promise<string> {
  const test = a.split.test;
  const y = take(a.labels, test);
  const g = a.guide;
  const last = g.passes[g.passes.length - 1];
  const dnnScores = async (pass: number) => Float64Array.from((await readArray(join(dir, 'guided', `pass-${pass}-dnn-scores.npy`))).data as Float64Array);
  const chosen = g.passes.filter((p) => p.chosen);
  const sections: Section[] = [
    {
      type: 'text', title: 'Summary',
      markdown: [
        `${a.jets.length} generated jets (W signal vs QCD background), ${test.length} held out for every number below.`,
        `Black box: CNN on 33x33 jet images, AUC ${g.aucBlackBox.toFixed(4)}. Guided iteration (${g.mode}) over ${a.candidates.info.length} EFP candidates from the start set {${a.hlNames.join(', ')}}.`,
        `DNN(HL) AUC ${g.passes[0].aucDnn.toFixed(4)} -> ${last.aucDnn.toFixed(4)}; ADO[DNN, CNN] ${g.passes[0].adoDnnBlackBox.toFixed(4)} -> ${last.adoDnnBlackBox.toFixed(4)} after ${g.passes.length - 1} passes (${g.stopReason}).`,
      ].join('\n\n'),
    },
    {
      type: 'table', title: 'Guided iteration: the EFP added in each pass',
      caption: 'ADO on D: ADO[EFP, CNN] over the pairs where DNN(HL) and the CNN decide differently (exact, all pairs). IRC safe: kappa = 1.',
      columns: ['pass', 'graph', 'n', 'd', 'kappa', 'beta', 'chromatic', 'IRC safe', 'ADO on D', 'AUC[EFP]', 'AUC[DNN]', 'ADO[DNN, CNN]'],
      graphs: { column: 'graph' },
      rows: g.passes.map((p) => {
        const c = p.chosen;
        return [p.pass, c ? (c.edges as unknown as never) : null, c?.n ?? null, c?.d ?? null, c?.kappa ?? null, c && Number.isFinite(c.beta) ? c.beta : null,
          c?.chi ?? null, c ? (c.kappa === 1 ? 'yes' : 'no') : null, c ? r4(c.adoSubset) : null, c ? r4(c.aucEfp) : null, r4(p.aucDnn), r4(p.adoDnnBlackBox)];
      }),
    },
    {
      type: 'line', title: 'AUC and ADO per pass', x: 'guided-iteration pass', y: 'AUC, ADO',
      series: [
        { label: 'AUC[DNN(HL_n)]', x: g.passes.map((p) => p.pass), y: g.passes.map((p) => p.aucDnn), mark: 'linepoints' },
        { label: 'ADO[DNN(HL_n), CNN]', x: g.passes.map((p) => p.pass), y: g.passes.map((p) => p.adoDnnBlackBox), mark: 'linepoints' },
        { label: 'AUC[CNN]', x: [0, Math.max(1, last.pass)], y: [g.aucBlackBox, g.aucBlackBox], dashed: true },
      ],
    },
    {
      type: 'roc', title: 'ROC curves (held-out jets)', rejection: true,
      caption: 'Bands: 68% of 40 bootstrap resamples of the held-out jets.',
      curves: [
        roc('CNN (black box)', take(a.cnnScores, test), y),
        roc(`DNN(${a.hlNames.join(', ')})`, await dnnScores(0), y),
        ...(last.pass > 0 ? [roc(`DNN(HL_${last.pass})`, await dnnScores(last.pass), y)] : []),
        roc('jet mass', take(a.obs.mass, test), y),
      ],
    },
    histogram('Jet mass', 'mass [GeV]', a.obs.mass, a.labels),
    ...chosen.map((p) => histogram(`Pass ${p.pass}: ${efpTitle(p.chosen!.edges as [number, number][], p.chosen!.kappa, Number.isFinite(p.chosen!.beta) ? p.chosen!.beta : undefined)}`, 'log10 EFP value',
      logFeature(a.candidates.values.subarray(p.chosen!.index * a.labels.length, (p.chosen!.index + 1) * a.labels.length).slice()), a.labels)),
    averageImages(a.images, a.labels),
  ];
  await writeReportJson(dir, sections, { title: 'jetlens study: which EFPs reproduce the CNN?' });
  const r = await renderReport(dir);
  return r.index;
}

function histogram(title: string, x: string, v: Float64Array, labels: Float64Array): Section {
  const sig: number[] = [];
  const bkg: number[] = [];
  v.forEach((val, i) => (labels[i] === 1 ? sig : bkg).push(val));
  return { type: 'histogram', title, x, bins: 40, density: true, series: [{ label: 'W (signal)', values: sig }, { label: 'QCD (background)', values: bkg }] };
}

function averageImages(images: NdArray, labels: Float64Array): Section {
  const [n, npix] = images.shape;
  const px = npix * npix;
  const avg = [new Float64Array(px), new Float64Array(px)];
  const count = [0, 0];
  for (let j = 0; j < n; j++) {
    const c = labels[j] === 1 ? 0 : 1;
    count[c]++;
    for (let k = 0; k < px; k++) avg[c][k] += Number(images.data[j * px + k]);
  }
  return {
    type: 'image', title: 'Average jet images (centred, rotated, flipped, normalised)', logScale: true,
    images: [
      { label: 'W (signal)', npix, data: Array.from(avg[0], (v) => v / Math.max(1, count[0])), extent: [-1, 1, -1, 1] },
      { label: 'QCD (background)', npix, data: Array.from(avg[1], (v) => v / Math.max(1, count[1])), extent: [-1, 1, -1, 1] },
    ],
  };
}
