import { join } from 'node:path';
import { readArray, type NdArray } from '../io/index.js';
import type { JetBatch } from '../jets/batch.js';
import { auc, rocCurve } from '../metrics/index.js';
import type { Section } from '../report/schema.js';
import { efpTitle, renderReport, writeReportJson } from '../report/index.js';
import { Rng } from '../util/rng.js';
import { logFeature, type Candidates, type GuideMode, type GuideResult } from './guided.js';
import type { Premise } from './premise.js';
import { STUDY_IMAGES } from './study-cnn.js';

export interface ModeRun {
  mode: GuideMode;
  dir: string;
  result: GuideResult;
}

/** One line per mode for the side-by-side table. */
export function summary(g: GuideResult) {
  const last = g.passes[g.passes.length - 1];
  return {
    seconds: g.seconds, passes: g.passes.length - 1, aucDnn: last.aucDnn, aucDnnSd: last.aucDnnSd, adoDnnBlackBox: last.adoDnnBlackBox,
    adoDnnBlackBoxSd: last.adoDnnBlackBoxSd, picks: g.passes.filter((p) => p.chosen).map((p) => p.chosen!.name), stopReason: g.stopReason,
    dnnTrainings: g.passes.reduce((s, p) => s + p.members.auc.length + (p.tried ?? 0), 0),
  };
}

export interface StudyArtefacts {
  jets: JetBatch;
  labels: Float64Array;
  obs: Record<string, Float64Array>;
  /** Jet images (absent when the black box was given as scores). */
  images?: NdArray;
  cnnScores: Float64Array;
  split: { train: Uint32Array; test: Uint32Array };
  guide: GuideResult;
  candidates: Candidates;
  hlNames: string[];
  premise?: Premise;
  modes?: ModeRun[];
  /** 'CNN' when the study trained it, else 'black box'. */
  blackBoxName?: string;
  classNames?: [string, string];
  generated?: boolean;
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

const pm = (v: number, e: number | undefined) => (Number.isFinite(v) ? (e !== undefined && Number.isFinite(e) ? `${v.toFixed(4)} ± ${e.toFixed(4)}` : v.toFixed(4)) : null);

/** Writes report.json and renders index.html + figures for a finished study. */
export async function studyReport(dir: string, a: StudyArtefacts): Promise<string> {
  const test = a.split.test;
  const y = take(a.labels, test);
  const g = a.guide;
  const bb = a.blackBoxName ?? 'CNN';
  const [sigName, bkgName] = a.classNames ?? ['W', 'QCD'];
  const last = g.passes[g.passes.length - 1];
  const dnnScores = async (pass: number) => Float64Array.from((await readArray(join(dir, 'guided', `pass-${pass}-dnn-scores.npy`))).data as Float64Array);
  const chosen = g.passes.filter((p) => p.chosen);
  const members = `${g.ensemble.members} DNNs (${g.ensemble.resample === 'seeds' ? 'different seeds' : 'bootstrap resamples of the training jets'})`;
  const sections: Section[] = [
    {
      type: 'text', title: 'Summary',
      markdown: [
        `${a.jets.length} ${a.generated === false ? '' : 'generated '}jets (${sigName} signal vs ${bkgName} background), ${test.length} held out for every number below.`,
        ...(a.premise ? [`**Premise.** ${a.premise.verdict}`] : []),
        `Black box: ${bb === 'CNN' ? `CNN on ${STUDY_IMAGES.npix}x${STUDY_IMAGES.npix} jet images (pT and occupancy channels)` : 'the given scores'}, AUC ${pm(g.aucBlackBox, g.aucBlackBoxErr)} (bootstrap). Guided iteration (${g.mode}) over ${a.candidates.info.length} EFP candidates from the start set {${a.hlNames.join(', ')}}; every pass trains ${members}; numbers are mean ± sd over the ensemble.`,
        `DNN(HL) AUC ${pm(g.passes[0].aucDnn, g.passes[0].aucDnnSd)} -> ${pm(last.aucDnn, last.aucDnnSd)}; ADO[DNN, ${bb}] ${pm(g.passes[0].adoDnnBlackBox, g.passes[0].adoDnnBlackBoxSd)} -> ${pm(last.adoDnnBlackBox, last.adoDnnBlackBoxSd)} after ${g.passes.length - 1} passes. Stopped: ${g.stopReason}.`,
        `${g.removedTotal} candidates were removed as redundant (products of chosen EFPs, or rank correlation exactly ±1 with a feature in the set).`,
      ].join('\n\n'),
    },
    ...(a.premise ? [premiseTable(a.premise)] : []),
    {
      type: 'table', title: 'Guided iteration: the EFP added in each pass',
      caption: `ADO on D: ADO[EFP, ${g.mode === 'truth' ? 'truth' : bb}] over the pairs where DNN(HL) and the guide decide differently (exact, all pairs; mean ± sd over the ensemble). Wins: members whose own best candidate it is. Gain: rise of ADO[DNN, ${bb}] over the previous pass ± its standard error. IRC safe: kappa = 1.`,
      columns: ['pass', 'graph', 'n', 'd', 'kappa', 'beta', 'chromatic', 'IRC safe', 'ADO on D', 'wins', 'AUC[EFP]', 'AUC[DNN]', `ADO[DNN, ${bb}]`, 'ADO gain', 'removed'],
      graphs: { column: 'graph' },
      rows: g.passes.map((p) => {
        const c = p.chosen;
        return [p.pass, c ? (c.edges as unknown as never) : null, c?.n ?? null, c?.d ?? null, c?.kappa ?? null, c && Number.isFinite(c.beta) ? c.beta : null,
          c?.chi ?? null, c ? (c.kappa === 1 ? 'yes' : 'no') : null, c ? pm(c.adoSubset, c.adoSubsetSd) : null, c && g.mode !== 'brute-force' ? `${c.wins}/${p.members.auc.length}` : null,
          c ? r4(c.aucEfp) : null, pm(p.aucDnn, p.aucDnnSd), pm(p.adoDnnBlackBox, p.adoDnnBlackBoxSd),
          p.adoGain === undefined ? null : `${pm(p.adoGain, p.adoGainErr)}${p.significant ? '' : ' (n.s.)'}`, p.removed?.total ?? null];
      }),
    },
    {
      type: 'table', title: 'Runners-up in each pass',
      caption: g.mode === 'brute-force' ? 'Score: AUC of the DNN retrained with the candidate.' : 'Score: ADO on D, mean ± sd over the ensemble; wins: how often it was a member\'s best.',
      columns: ['pass', 'rank', 'candidate', 'score', 'wins'],
      rows: chosen.flatMap((p) => (p.top ?? []).map((c, i) => [p.pass, i + 1, c.name, pm(c.score, c.sd), g.mode === 'brute-force' ? null : `${c.wins}/${p.members.auc.length}`])),
    },
    ...(a.modes && a.modes.length > 1 ? [modesTable(a.modes, bb)] : []),
    {
      type: 'line', title: 'AUC and ADO per pass (ensemble mean ± sd)', x: 'guided-iteration pass', y: 'AUC, ADO',
      series: [
        { label: 'AUC[DNN(HL_n)]', x: g.passes.map((p) => p.pass), y: g.passes.map((p) => p.aucDnn), yErr: g.passes.map((p) => p.aucDnnSd), mark: 'linepoints' },
        { label: `ADO[DNN(HL_n), ${bb}]`, x: g.passes.map((p) => p.pass), y: g.passes.map((p) => p.adoDnnBlackBox), yErr: g.passes.map((p) => p.adoDnnBlackBoxSd), mark: 'linepoints' },
        { label: `AUC[${bb}]`, x: [0, Math.max(1, last.pass)], y: [g.aucBlackBox, g.aucBlackBox], dashed: true },
      ],
    },
    {
      type: 'roc', title: 'ROC curves (held-out jets)', rejection: true,
      caption: 'Bands: 68% of 40 bootstrap resamples of the held-out jets.',
      curves: [
        roc(`${bb} (black box)`, take(a.cnnScores, test), y),
        roc(`DNN(${a.hlNames.join(', ')})`, await dnnScores(0), y),
        ...(last.pass > 0 ? [roc(`DNN(HL_${last.pass})`, await dnnScores(last.pass), y)] : []),
        roc('jet mass', take(a.obs.mass, test), y),
      ],
    },
    histogram('Jet mass', 'mass [GeV]', a.obs.mass, a.labels, sigName, bkgName),
    ...chosen.map((p) => histogram(`Pass ${p.pass}: ${efpTitle(p.chosen!.edges as [number, number][], p.chosen!.kappa, Number.isFinite(p.chosen!.beta) ? p.chosen!.beta : undefined)}`, 'log10 EFP value',
      logFeature(a.candidates.values.subarray(p.chosen!.index * a.labels.length, (p.chosen!.index + 1) * a.labels.length).slice()), a.labels, sigName, bkgName)),
    ...(a.images ? [averageImages(a.images, a.labels, sigName, bkgName)] : []),
  ];
  await writeReportJson(dir, sections, { title: `jetlens study: which EFPs reproduce the ${bb}?` });
  const r = await renderReport(dir);
  return r.index;
}

function premiseTable(pr: Premise): Section {
  return {
    type: 'table', title: 'The premise: is the black box better than the observables?',
    caption: `Same held-out jets. Error = bootstrap of the held-out jets (200 resamples) and, for DNNs, the sd over the ensemble, in quadrature. Differences use a paired bootstrap; "beyond errors" = more than ${pr.z} errors.`,
    columns: ['classifier', 'inputs', 'AUC', 'bootstrap sd', 'ensemble sd', 'next: difference', 'beyond errors'],
    rows: pr.entries.map((e, i) => {
      const c = pr.comparisons[i];
      return [e.name, e.features?.join(', ') ?? '-', pm(e.auc, e.err), r4(e.bootstrapStd), r4(e.ensembleSd), c ? `${pm(c.diff, c.err)} vs ${c.worse}` : null, c ? (c.beyondErrors ? 'yes' : 'NO') : null];
    }),
  };
}

function modesTable(modes: ModeRun[], bb: string): Section {
  return {
    type: 'table', title: 'The three modes side by side (same jets, same candidates)',
    caption: 'Wall time of the guided iteration alone (the shared steps, jets to candidates, are not counted). DNN trainings: ensemble members plus brute-force retrainings.',
    columns: ['mode', 'wall time [s]', 'passes', 'DNN trainings', 'AUC[DNN] at the end', `ADO[DNN, ${bb}] at the end`, 'picks', 'stopped'],
    rows: modes.map((m) => {
      const s = summary(m.result);
      return [m.mode, Math.round(s.seconds), s.passes, s.dnnTrainings, pm(s.aucDnn, s.aucDnnSd), pm(s.adoDnnBlackBox, s.adoDnnBlackBoxSd), s.picks.join('; '), s.stopReason];
    }),
  };
}

function histogram(title: string, x: string, v: Float64Array, labels: Float64Array, sigName: string, bkgName: string): Section {
  const sig: number[] = [];
  const bkg: number[] = [];
  v.forEach((val, i) => (labels[i] === 1 ? sig : bkg).push(val));
  return { type: 'histogram', title, x, bins: 40, density: true, series: [{ label: `${sigName} (signal)`, values: sig }, { label: `${bkgName} (background)`, values: bkg }] };
}

function averageImages(images: NdArray, labels: Float64Array, sigName: string, bkgName: string): Section {
  const [n, npix] = images.shape;
  const px = npix * npix;
  const w = STUDY_IMAGES.width;
  const avg = [new Float64Array(px), new Float64Array(px)];
  const count = [0, 0];
  for (let j = 0; j < n; j++) {
    const c = labels[j] === 1 ? 0 : 1;
    count[c]++;
    for (let k = 0; k < px; k++) avg[c][k] += Number(images.data[j * px + k]);
  }
  return {
    type: 'image', title: 'Average jet images (centred, rotated, flipped; pixel pT in GeV)', logScale: true,
    images: [
      { label: `${sigName} (signal)`, npix, data: Array.from(avg[0], (v) => v / Math.max(1, count[0])), extent: [-w, w, -w, w] },
      { label: `${bkgName} (background)`, npix, data: Array.from(avg[1], (v) => v / Math.max(1, count[1])), extent: [-w, w, -w, w] },
    ],
  };
}
