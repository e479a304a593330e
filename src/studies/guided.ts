/**
 * Guided iteration (Faucett, Thaler, Whiteson, PRD 103 (2021) 036020; ../shared/docs/ado.md section 2):
 * find the few human-readable observables (EFPs) that reproduce a black box's *decisions*.
 *
 * Pass n: train DNN(HL_n) on the training rows; on the evaluation rows form the pairs where DNN(HL_n) and the
 * guide G order differently; score every candidate by its exact ADO against G on those pairs; add the best.
 * Every pass is written to `state.json` as soon as it finishes, so an interrupted run resumes from there.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { JetlensAbortError, JetlensInputError } from '../errors.js';
import { writeNpy } from '../io/index.js';
import { readJsonFile, writeJsonAtomic } from '../util/atomic.js';
import { ado, adoOnDisagreementBatch, auc } from '../metrics/index.js';
import { createModel, initTf, predict, saveModel, tableInputs, train } from '../models/index.js';

export type GuideMode = 'black-box' | 'truth' | 'brute-force';

/** One candidate observable: a column of values for every jet, and what it is. */
export interface CandidateInfo {
  name: string; // e.g. 'efp[0-1,1-2](k=2,b=0.5)'
  edges: [number, number][];
  n: number; // vertices
  d: number; // edges
  chi: number; // chromatic number
  kappa: number | 'pf';
  beta: number;
}

export interface Candidates {
  info: CandidateInfo[];
  /** (K x N) row-major: candidate k's value on jet j at k * N + j. */
  values: Float64Array;
}

export interface GuideOptions {
  outDir: string;
  labels: Float64Array;
  /** The starting high-level features (name -> per-jet values). */
  hl: Record<string, Float64Array>;
  /** Black-box scores on every jet (the guide in black-box mode, and the reference of the reported ADO). */
  blackBox: Float64Array;
  candidates: Candidates;
  /** Rows the DNNs train on, and rows every ADO/AUC is evaluated on (disjoint). */
  split: { train: Uint32Array; test: Uint32Array };
  mode?: GuideMode; // default black-box
  passes?: number; // default 5
  /** Stop when ADO[DNN, black box] rises by less than this over a pass (default: never). */
  plateau?: number;
  /** Stop when AUC[DNN] is within this of AUC[black box] (default: never). */
  aucTolerance?: number;
  /** brute-force: candidates tried per pass (the best by single-observable AUC), default 20. */
  bruteForceCap?: number;
  seed?: number;
  dnn?: { epochs?: number; batchSize?: number; lr?: number; hidden?: number[] };
  threads?: number;
  signal?: AbortSignal;
  log?: (msg: string) => void;
}

/** One row of the guided-iteration table. Pass 0 is the starting set (no EFP). */
export interface PassResult {
  pass: number;
  features: string[];
  chosen?: CandidateInfo & { index: number; adoSubset: number; direction: number; aucEfp: number; disagreeFraction: number };
  aucDnn: number;
  adoDnnBlackBox: number;
  seconds: number;
}

export interface GuideResult {
  mode: GuideMode;
  aucBlackBox: number;
  passes: PassResult[];
  stopReason: string;
}

interface State {
  version: 1;
  mode: GuideMode;
  candidates: number;
  passes: PassResult[];
}

const take = (v: Float64Array, idx: Uint32Array) => Float64Array.from(idx, (i) => v[i]);

/**
 * A monotone map of an EFP to a scale a DNN trains well on: log10, zeros sent just below the smallest positive
 * value. Decision ordering is invariant under monotone maps, so ADOs do not change.
 */
export function logFeature(v: Float64Array): Float64Array {
  let minPos = Infinity;
  for (const x of v) if (x > 0 && x < minPos) minPos = x;
  const floor = Number.isFinite(minPos) ? Math.log10(minPos) - 1 : 0;
  return v.map((x) => (x > 0 ? Math.log10(x) : floor));
}

export async function guide(o: GuideOptions): Promise<GuideResult> {
  const mode = o.mode ?? 'black-box';
  const passes = o.passes ?? 5;
  const N = o.labels.length;
  const K = o.candidates.info.length;
  const log = o.log ?? (() => {});
  if (o.candidates.values.length !== K * N) throw new JetlensInputError(`candidates: expected ${K} x ${N} values, got ${o.candidates.values.length}`);
  if (o.blackBox.length !== N) throw new JetlensInputError(`black-box scores: ${o.blackBox.length} values for ${N} jets`);
  mkdirSync(o.outDir, { recursive: true });

  const test = o.split.test;
  const yTest = take(o.labels, test);
  const gTest = take(o.blackBox, test);
  const guideTest = mode === 'truth' ? yTest : gTest;
  const candTest = new Float64Array(K * test.length);
  for (let k = 0; k < K; k++) for (let r = 0; r < test.length; r++) candTest[k * test.length + r] = o.candidates.values[k * N + test[r]];
  const aucBlackBox = auc(gTest, yTest).auc;

  const statePath = join(o.outDir, 'state.json');
  const state = loadState(statePath, mode, K);
  if (state.passes.length) log(`resuming after pass ${state.passes.length - 1}`);
  const features: Record<string, Float64Array> = { ...o.hl };
  for (const p of state.passes) if (p.chosen) features[p.chosen.name] = logFeature(candidateColumn(o.candidates, p.chosen.index, N));

  let stopReason = `${passes} passes done`;
  let h = state.passes.length ? await loadScores(o.outDir, state.passes.length - 1, test.length) : undefined;
  for (let pass = state.passes.length; pass <= passes; pass++) {
    if (o.signal?.aborted) throw new JetlensAbortError('guided iteration');
    const t0 = performance.now();
    let chosen: PassResult['chosen'];
    if (pass > 0) {
      const used = new Set(state.passes.map((p) => p.chosen?.index).filter((i) => i !== undefined));
      chosen = mode === 'brute-force'
        ? await pickBruteForce(o, features, used, yTest)
        : await pickByAdo(o, candTest, guideTest, h!, yTest, used);
      features[chosen.name] = logFeature(candidateColumn(o.candidates, chosen.index, N));
      await writeNpy(join(o.outDir, `pass-${pass}-efp.npy`), { data: candidateColumn(o.candidates, chosen.index, N), shape: [N] });
    }
    const names = Object.keys(features);
    h = await trainDnn(o, features, names, `pass-${pass}-dnn`);
    await writeNpy(join(o.outDir, `pass-${pass}-dnn-scores.npy`), { data: h, shape: [h.length] });
    const row: PassResult = {
      pass, features: names, chosen,
      aucDnn: auc(h, yTest).auc,
      adoDnnBlackBox: ado(h, gTest, yTest).ado,
      seconds: (performance.now() - t0) / 1000,
    };
    state.passes.push(row);
    await writeJsonAtomic(statePath, state);
    log(describe(row));
    const prev = state.passes[state.passes.length - 2];
    if (o.plateau !== undefined && prev && row.adoDnnBlackBox - prev.adoDnnBlackBox < o.plateau) {
      stopReason = `ADO[DNN, black box] rose by less than ${o.plateau}`;
      break;
    }
    if (o.aucTolerance !== undefined && Math.abs(row.aucDnn - aucBlackBox) <= o.aucTolerance) {
      stopReason = `AUC[DNN] within ${o.aucTolerance} of the black box`;
      break;
    }
    if (state.passes.length - 1 >= K) {
      stopReason = 'no candidates left';
      break;
    }
  }
  return { mode, aucBlackBox, passes: state.passes, stopReason };
}

function candidateColumn(c: Candidates, k: number, n: number): Float64Array {
  return c.values.slice(k * n, (k + 1) * n);
}

function loadState(path: string, mode: GuideMode, K: number): State {
  if (!existsSync(path)) return { version: 1, mode, candidates: K, passes: [] };
  const s = readJsonFile<State>(path);
  if (s.mode !== mode || s.candidates !== K) {
    throw new JetlensInputError(`${path} is from a run with mode ${s.mode} and ${s.candidates} candidates; use a new --out or remove it`);
  }
  return s;
}

async function loadScores(dir: string, pass: number, n: number): Promise<Float64Array> {
  const { readArray } = await import('../io/index.js');
  const a = await readArray(join(dir, `pass-${pass}-dnn-scores.npy`));
  if (a.data.length !== n) throw new JetlensInputError(`pass ${pass} scores have ${a.data.length} rows, expected ${n}`);
  return Float64Array.from(a.data as Float64Array);
}

/** Trains DNN(features) on the training rows (seeded, same architecture every pass); scores the test rows. */
async function trainDnn(o: GuideOptions, cols: Record<string, Float64Array>, names: string[], saveAs?: string): Promise<Float64Array> {
  const seed = o.seed ?? 1;
  await initTf(); // weights must be created on the chosen backend
  const sub = (idx: Uint32Array) => Object.fromEntries(names.map((k) => [k, take(cols[k], idx)]));
  const model = createModel('dnn', { nFeatures: names.length, featureNames: names, seed, hidden: o.dnn?.hidden });
  await train(model, tableInputs(sub(o.split.train), names, take(o.labels, o.split.train)), {
    seed, epochs: o.dnn?.epochs ?? 20, batchSize: o.dnn?.batchSize ?? 256, lr: o.dnn?.lr, split: [0.85, 0.15, 0], patience: 4, signal: o.signal,
  });
  if (saveAs) await saveModel(model, join(o.outDir, saveAs));
  const h = await predict(model, tableInputs(sub(o.split.test), names));
  model.net.dispose();
  return h;
}

async function pickByAdo(o: GuideOptions, candTest: Float64Array, g: Float64Array, h: Float64Array, y: Float64Array, used: Set<number | undefined>) {
  const rs = await adoOnDisagreementBatch({ data: candTest, shape: [o.candidates.info.length, y.length] }, g, h, y, { threads: o.threads, signal: o.signal });
  let best = -1;
  for (let k = 0; k < rs.length; k++) {
    if (used.has(k) || !Number.isFinite(rs[k].ado)) continue;
    if (best < 0 || rs[k].ado > rs[best].ado) best = k;
  }
  if (best < 0) throw new JetlensInputError('no candidate has a defined ADO on the disagreement set');
  const col = candTest.subarray(best * y.length, (best + 1) * y.length);
  const a = auc(col, y);
  return {
    ...o.candidates.info[best], index: best, adoSubset: rs[best].ado, direction: rs[best].direction,
    aucEfp: Math.max(a.auc, 1 - a.auc), disagreeFraction: rs[best].disagreeFraction,
  };
}

/** Adds whichever of the top candidates (by single AUC) most improves the DNN's AUC on the evaluation rows. */
async function pickBruteForce(o: GuideOptions, features: Record<string, Float64Array>, used: Set<number | undefined>, y: Float64Array) {
  const N = o.labels.length;
  const K = o.candidates.info.length;
  const single = Array.from({ length: K }, (_, k) => {
    const a = auc(take(candidateColumn(o.candidates, k, N), o.split.test), y).auc;
    return { k, auc: Math.max(a, 1 - a) };
  }).filter((c) => !used.has(c.k)).sort((a, b) => b.auc - a.auc).slice(0, o.bruteForceCap ?? 20);
  let best = { k: -1, aucDnn: -Infinity, aucEfp: 0 };
  for (const c of single) {
    const cols = { ...features, [o.candidates.info[c.k].name]: logFeature(candidateColumn(o.candidates, c.k, N)) };
    const h = await trainDnn(o, cols, Object.keys(cols));
    const a = auc(h, y).auc;
    if (a > best.aucDnn) best = { k: c.k, aucDnn: a, aucEfp: c.auc };
  }
  return { ...o.candidates.info[best.k], index: best.k, adoSubset: NaN, direction: 1, aucEfp: best.aucEfp, disagreeFraction: NaN };
}

function describe(r: PassResult): string {
  const c = r.chosen;
  const what = c ? `+ ${c.name} (ADO on D ${c.adoSubset.toFixed(4)}, AUC ${c.aucEfp.toFixed(4)})` : 'start';
  return `pass ${r.pass}: ${what}; AUC[DNN] ${r.aucDnn.toFixed(4)}, ADO[DNN, black box] ${r.adoDnnBlackBox.toFixed(4)} (${r.seconds.toFixed(1)} s)`;
}
