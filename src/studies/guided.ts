/**
 * Guided iteration (Faucett, Thaler, Whiteson, PRD 103 (2021) 036020; docs/guided.md):
 * find the few human-readable observables (EFPs) that reproduce a black box's *decisions*.
 *
 * Pass n: train an ensemble of DNN(HL_n) on the training rows; on the evaluation rows, for each member, form the
 * pairs where that DNN and the guide G order differently and score every candidate by its exact ADO against G on
 * those pairs; add the candidate with the best ensemble-mean score. Candidates that are monotone functions of the
 * current set are removed first. Each pass reports mean +- sd over the ensemble of AUC[DNN] and ADO[DNN, black
 * box]; the iteration stops when AUC[DNN] matches the black box within errors or ADO stops rising beyond errors.
 * Every pass is written to `state.json` as soon as it finishes, so an interrupted run resumes from there.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { JetlensAbortError, JetlensInputError } from '../errors.js';
import { readArray, writeNpy } from '../io/index.js';
import { ado, auc } from '../metrics/index.js';
import { readJsonFile, writeJsonAtomic } from '../util/atomic.js';
import { adoDiffBootstrap, diffError, meanSd, pairedBootstrap, rankTarget, trainEnsemble, type DnnSettings, type EnsembleResample, type MeanSd } from './ensemble.js';
import { findRedundant, type Removal } from './redundancy.js';
import { pickBruteForce, pickByAdo, type Pick } from './select.js';

export type GuideMode = 'black-box' | 'truth' | 'brute-force';
export const GUIDE_MODES: GuideMode[] = ['black-box', 'truth', 'brute-force'];

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
  /** Apply the stopping rule (default true): stop when AUC[DNN] matches the black box within errors, or ADO does not rise beyond errors. */
  stop?: boolean;
  /** "Beyond errors" means more than z standard errors (default 2). */
  z?: number;
  /** Ensemble of DNNs per pass (default 3 members, different seeds). */
  ensemble?: { members?: number; resample?: EnsembleResample };
  /**
   * Which DNN defines the disagreement pairs D in black-box mode: 'mimic' (default) an ensemble trained to
   * reproduce the black box's decisions from HL_n (distilled on its ranks), so D holds the pairs that need
   * information outside HL_n, not pairs where two networks use the same features differently; 'truth-dnn' the
   * DNN(HL_n) trained on the labels, as in the paper. The reported AUC and ADO are always the truth-trained DNN's.
   */
  pairsFrom?: 'mimic' | 'truth-dnn';
  /** brute-force: refuse candidate spaces larger than this (default 100): it retrains a DNN on every candidate. */
  bruteForceMax?: number;
  seed?: number;
  dnn?: DnnSettings;
  threads?: number;
  signal?: AbortSignal;
  log?: (msg: string) => void;
}

/** A candidate near the top of a pass's ranking: its ensemble-mean score and how often it won across members. */
export interface TopCandidate {
  index: number;
  name: string;
  score: number; // ADO on D (black-box/truth) or AUC[DNN with it] (brute force), ensemble mean
  sd: number;
  wins: number; // members whose best candidate it is
}

/** One row of the guided-iteration table. Pass 0 is the starting set (no EFP). */
export interface PassResult {
  pass: number;
  features: string[];
  chosen?: CandidateInfo & { index: number; adoSubset: number; adoSubsetSd: number; direction: number; aucEfp: number; disagreeFraction: number; wins: number };
  /** Ensemble mean and sd of AUC[DNN(HL_n)] and ADO[DNN(HL_n), black box] on the evaluation rows. */
  aucDnn: number;
  aucDnnSd: number;
  adoDnnBlackBox: number;
  adoDnnBlackBoxSd: number;
  members: { auc: number[]; ado: number[] };
  /** AUC[black box] - AUC[DNN] and its error (ensemble spread and paired bootstrap of the evaluation jets). */
  aucGap: number;
  aucGapErr: number;
  /**
   * Black-box mode with mimic pairs: ADO[mimic DNN(HL_n), black box], how well HL_n can reproduce the black box's
   * decisions (ensemble mean and sd). The gain below is measured on it when present, else on ADO[DNN, black box].
   */
  adoMimic?: number;
  adoMimicSd?: number;
  /** The ADO gained over the previous pass, its error (members' spread and the jets' bootstrap), and whether it exceeds z errors. */
  adoGain?: number;
  adoGainErr?: number;
  significant?: boolean;
  top?: TopCandidate[];
  /** Candidates removed before this pass's selection as monotone functions of the set (cumulative count). */
  removed?: { thisPass: number; total: number; examples: Removal[] };
  /** brute force: DNNs trained to choose this pass's candidate. */
  tried?: number;
  seconds: number;
}

export interface GuideResult {
  mode: GuideMode;
  aucBlackBox: number;
  aucBlackBoxErr: number;
  ensemble: { members: number; resample: EnsembleResample };
  passes: PassResult[];
  stopReason: string;
  removedTotal: number;
  seconds: number;
}

interface State {
  version: 2;
  mode: GuideMode;
  candidates: number;
  passes: PassResult[];
  removed: number[];
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

export function candidateColumn(c: Candidates, k: number, n: number): Float64Array {
  return c.values.slice(k * n, (k + 1) * n);
}

/** What every pass needs on the evaluation rows. */
export interface EvalSet {
  y: Float64Array;
  g: Float64Array; // black box
  guide: Float64Array; // g, or y in truth mode
  cand: Float64Array; // K x nTest
  n: number;
}

function evalSet(o: GuideOptions, mode: GuideMode): EvalSet {
  const N = o.labels.length;
  const K = o.candidates.info.length;
  const test = o.split.test;
  const y = take(o.labels, test);
  const g = take(o.blackBox, test);
  const cand = new Float64Array(K * test.length);
  for (let k = 0; k < K; k++) for (let r = 0; r < test.length; r++) cand[k * test.length + r] = o.candidates.values[k * N + test[r]];
  return { y, g, guide: mode === 'truth' ? y : g, cand, n: test.length };
}

export async function guide(o: GuideOptions): Promise<GuideResult> {
  const t00 = performance.now();
  const mode = o.mode ?? 'black-box';
  const passes = o.passes ?? 5;
  const N = o.labels.length;
  const K = o.candidates.info.length;
  const z = o.z ?? 2;
  const log = o.log ?? (() => {});
  const members = o.ensemble?.members ?? 3;
  const resample = o.ensemble?.resample ?? 'seeds';
  if (!GUIDE_MODES.includes(mode)) throw new JetlensInputError(`mode: expected one of ${GUIDE_MODES.join(', ')}, got '${mode}'`);
  if (o.candidates.values.length !== K * N) throw new JetlensInputError(`candidates: expected ${K} x ${N} values, got ${o.candidates.values.length}`);
  if (o.blackBox.length !== N) throw new JetlensInputError(`black-box scores: ${o.blackBox.length} values for ${N} jets`);
  if (!(Number.isInteger(members) && members >= 1)) throw new JetlensInputError(`ensemble members: expected an integer >= 1, got ${members}`);
  mkdirSync(o.outDir, { recursive: true });

  const ev = evalSet(o, mode);
  const aucBlackBox = auc(ev.g, ev.y).auc;
  const aucBlackBoxErr = pairedBootstrap([ev.g], ev.y, 100, (o.seed ?? 1) + 17).std[0];

  const statePath = join(o.outDir, 'state.json');
  const state = loadState(statePath, mode, K);
  if (state.passes.length) log(`resuming after pass ${state.passes.length - 1}`);
  const features: Record<string, Float64Array> = { ...o.hl };
  for (const p of state.passes) if (p.chosen) features[p.chosen.name] = logFeature(candidateColumn(o.candidates, p.chosen.index, N));
  const removed = new Set(state.removed);
  const spec = { members, resample, seed: o.seed ?? 1, dnn: o.dnn, signal: o.signal };

  let stopReason = `${passes} passes done`;
  const mimic = mode === 'black-box' && (o.pairsFrom ?? 'mimic') === 'mimic';
  const target = mimic ? rankTarget(o.blackBox) : undefined;
  const last = state.passes.length - 1;
  let sel = state.passes.length ? await loadScores(o.outDir, last, members, ev.n, mimic ? 'mimic' : 'dnn') : undefined;
  for (let pass = state.passes.length; pass <= passes; pass++) {
    if (o.signal?.aborted) throw new JetlensAbortError('guided iteration');
    const t0 = performance.now();
    let pick: Pick | undefined;
    let removal: PassResult['removed'];
    if (pass > 0) {
      const used = state.passes.map((p) => p.chosen?.index).filter((i): i is number => i !== undefined);
      const newly = findRedundant({
        info: o.candidates.info, valuesTest: ev.cand, nTest: ev.n, chosen: used,
        features: Object.fromEntries(Object.entries(features).map(([k, v]) => [k, take(v, o.split.test)])),
        pool: Array.from({ length: K }, (_, k) => k).filter((k) => !removed.has(k) && !used.includes(k)),
      });
      for (const r of newly) removed.add(r.index);
      removal = { thisPass: newly.length, total: removed.size, examples: newly.slice(0, 5) };
      if (newly.length) log(`  removed ${newly.length} redundant candidates (monotone functions of the set), ${removed.size} in all`);
      const pool = Array.from({ length: K }, (_, k) => k).filter((k) => !removed.has(k) && !used.includes(k));
      if (pool.length === 0) {
        stopReason = 'no candidates left';
        break;
      }
      pick = mode === 'brute-force'
        ? await pickBruteForce({ ...o, features, pool, ev, spec, max: o.bruteForceMax ?? 100, log })
        : await pickByAdo({ ev, hs: sel!, pool, info: o.candidates.info, threads: o.threads, signal: o.signal });
      features[pick.chosen.name] = logFeature(candidateColumn(o.candidates, pick.chosen.index, N));
      await writeNpy(join(o.outDir, `pass-${pass}-efp.npy`), { data: candidateColumn(o.candidates, pick.chosen.index, N), shape: [N] });
    }
    const names = Object.keys(features);
    const prevSel = sel?.[0];
    const hs = await trainEnsemble(features, names, o.labels, o.split, spec, join(o.outDir, `pass-${pass}-dnn`));
    await saveScores(o.outDir, pass, hs, 'dnn');
    sel = hs;
    if (mimic) {
      sel = await trainEnsemble(features, names, o.labels, o.split, { ...spec, target });
      await saveScores(o.outDir, pass, sel, 'mimic');
    }
    const boot = prevSel ? adoDiffBootstrap(sel[0], prevSel, ev.g, ev.y, 50, 2000 + pass) : 0;
    const row = passRow(pass, names, pick, removal, hs, mimic ? sel : undefined, ev, aucBlackBox, state.passes[state.passes.length - 1], z, boot, (performance.now() - t0) / 1000);
    state.passes.push(row);
    state.removed = [...removed];
    await writeJsonAtomic(statePath, state);
    log(describe(row));
    if (o.stop === false || pass === 0) continue;
    if (!row.significant) {
      stopReason = `ADO[${mimic ? 'mimic DNN' : 'DNN'}, black box] did not rise beyond errors in pass ${pass} (gain ${fmtPm(row.adoGain!, row.adoGainErr!)}, z = ${z})`;
      break;
    }
    if (row.aucGap <= z * row.aucGapErr) {
      // Within errors of the black box, or above it: there is no gap left to close.
      stopReason = `AUC[DNN] matches or exceeds the black box within errors after pass ${pass} (AUC[black box] - AUC[DNN] = ${fmtPm(row.aucGap, row.aucGapErr)})`;
      break;
    }
  }
  return {
    mode, aucBlackBox, aucBlackBoxErr, ensemble: { members, resample }, passes: state.passes, stopReason,
    removedTotal: removed.size, seconds: (performance.now() - t00) / 1000,
  };
}

const fmtPm = (v: number, e: number) => `${v.toFixed(4)} +- ${e.toFixed(4)}`;

function passRow(
  pass: number, names: string[], pick: Pick | undefined, removed: PassResult['removed'], hs: Float64Array[], ms: Float64Array[] | undefined, ev: EvalSet,
  aucBlackBox: number, prev: PassResult | undefined, z: number, bootSd: number, seconds: number,
): PassResult {
  const aucs = hs.map((h) => auc(h, ev.y).auc);
  const ados = hs.map((h) => ado(h, ev.g, ev.y).ado);
  const a = meanSd(aucs);
  const d = meanSd(ados);
  const boot = pairedBootstrap([ev.g, hs[0]], ev.y, 60, 1000 + pass);
  const row: PassResult = {
    pass, features: names, chosen: pick?.chosen,
    aucDnn: a.mean, aucDnnSd: a.sd, adoDnnBlackBox: d.mean, adoDnnBlackBoxSd: d.sd, members: { auc: aucs, ado: ados },
    aucGap: aucBlackBox - a.mean, aucGapErr: Math.hypot(a.sd / Math.sqrt(a.n), boot.diffStd(0, 1)),
    top: pick?.top, removed, tried: pick?.tried, seconds,
  };
  const m = ms ? meanSd(ms.map((h) => ado(h, ev.g, ev.y).ado)) : undefined;
  if (m) [row.adoMimic, row.adoMimicSd] = [m.mean, m.sd];
  if (prev) {
    const now = m ?? d;
    const p: MeanSd = m ? { mean: prev.adoMimic!, sd: prev.adoMimicSd!, n: m.n } : { mean: prev.adoDnnBlackBox, sd: prev.adoDnnBlackBoxSd, n: prev.members.ado.length };
    row.adoGain = now.mean - p.mean;
    row.adoGainErr = diffError(now, p, bootSd);
    row.significant = row.adoGain > z * row.adoGainErr;
  }
  return row;
}

function loadState(path: string, mode: GuideMode, K: number): State {
  if (!existsSync(path)) return { version: 2, mode, candidates: K, passes: [], removed: [] };
  const s = readJsonFile<State>(path);
  if (s.version !== 2 || s.mode !== mode || s.candidates !== K) {
    throw new JetlensInputError(`${path} is from a run with mode ${s.mode} and ${s.candidates} candidates (state version ${s.version}); use a new --out or remove it`);
  }
  return s;
}

async function saveScores(dir: string, pass: number, hs: Float64Array[], kind: 'dnn' | 'mimic'): Promise<void> {
  const n = hs[0].length;
  const all = new Float64Array(hs.length * n);
  hs.forEach((h, e) => all.set(h, e * n));
  await writeNpy(join(dir, `pass-${pass}-${kind}-members.npy`), { data: all, shape: [hs.length, n] });
  if (kind === 'dnn') await writeNpy(join(dir, `pass-${pass}-dnn-scores.npy`), { data: hs[0], shape: [n] });
}

async function loadScores(dir: string, pass: number, members: number, n: number, kind: 'dnn' | 'mimic'): Promise<Float64Array[]> {
  const a = await readArray(join(dir, `pass-${pass}-${kind}-members.npy`));
  if (a.shape[0] !== members || a.shape[1] !== n) throw new JetlensInputError(`pass ${pass} scores have shape (${a.shape.join(', ')}), expected (${members}, ${n})`);
  const v = Float64Array.from(a.data as Float64Array);
  return Array.from({ length: members }, (_, e) => v.slice(e * n, (e + 1) * n));
}

function describe(r: PassResult): string {
  const c = r.chosen;
  const how = r.tried !== undefined ? `best of ${r.tried} retrainings` : `ADO on D ${c?.adoSubset.toFixed(4)}, won ${c?.wins}/${r.members.auc.length}`;
  const what = c ? `+ ${c.name} (${how}, AUC ${c.aucEfp.toFixed(4)})` : 'start';
  const mim = r.adoMimic === undefined ? '' : `, ADO[mimic, black box] ${fmtPm(r.adoMimic, r.adoMimicSd!)}`;
  const gain = r.adoGain === undefined ? '' : `; ADO gain ${fmtPm(r.adoGain, r.adoGainErr!)}${r.significant ? '' : ' (not significant)'}`;
  return `pass ${r.pass}: ${what}; AUC[DNN] ${fmtPm(r.aucDnn, r.aucDnnSd)}, ADO[DNN, black box] ${fmtPm(r.adoDnnBlackBox, r.adoDnnBlackBoxSd)}${mim}${gain} (${r.seconds.toFixed(1)} s)`;
}
