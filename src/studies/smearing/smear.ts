/**
 * The smeared likelihood (docs/semd.md section 4, arXiv:2501.07643): each class density at x is averaged over
 * the SEMD ball of radius eps; the ball volume cancels, so L(x | eps) = (n_s / N_s) / (n_b / N_b). Score =
 * (n_s/N_s) / (n_s/N_s + n_b/N_b); an empty ball scores 1/2 (counted in empty_fraction). Default evaluation is
 * leave-one-out (x never in its own ball, its own class one smaller). AUC per eps with a seeded bootstrap error.
 * Where more than `emptyThreshold` (default 5%) of the balls are empty, the AUC is pulled toward 1/2 by
 * construction rather than by the data: those points are flagged (JSON `flagged`, drawn dashed).
 */
import type { RunOptions } from '../../backend/control.js';
import { JetlensInputError } from '../../errors.js';
import type { JetBatch } from '../../jets/batch.js';
import { toJetBatch, type JetsLike } from '../../jets/input.js';
import { Rng } from '../../util/rng.js';
import { auc, aucBootstrap, quantileSorted } from '../../metrics/index.js';
import {
  ballCountsFromSpectra,
  checkScale,
  computeSpectra,
  selectSpectra,
  semdMatrixFromSpectra,
  spectraBackend,
  spectraCount,
  type Spectra,
  type SpectrumOptions,
} from '../../semd/index.js';
import { gevPerUnit, referenceAucs, type ReferenceAuc } from './references.js';

export interface SmearOptions extends SpectrumOptions, RunOptions {
  /** Ball radii in output units (SEMD times scale), used exactly as given. Default: the grid of defaultEpsGrid. */
  eps?: number[];
  /** Labelled events to evaluate against the reference (no exclusion). Default: leave-one-out on the reference. */
  test?: JetsLike;
  scale?: number;
  /** Bootstrap resamples for auc_err (default 200). */
  bootstrap?: number;
  seed?: number;
  cells?: number;
  /** Empty-ball fraction above which a point is flagged (default 0.05). */
  emptyThreshold?: number;
}

export interface SmearPoint {
  eps: number;
  /** eps in GeV: eps x settings.gev_per_unit (for normalised energies, eps x the median jet pT / scale). */
  eps_gev: number;
  auc: number;
  auc_err: number;
  /** Queries whose ball holds no reference jet (score 1/2 by construction). */
  empty_fraction: number;
  /** Queries whose ball holds at least one reference jet (score set by the data): 1 - empty_fraction. */
  resolved_fraction: number;
  /** empty_fraction > settings.empty_threshold: the AUC here reflects empty balls, not the classes. */
  flagged: boolean;
  /** Mean number of reference events in a ball (both classes). */
  mean_ball: number;
}

export interface SmearResult {
  settings: {
    energy: 'norm' | 'raw';
    beta: number;
    scale: number;
    evaluation: 'leave-one-out' | 'test';
    n_reference: number;
    n_signal: number;
    n_background: number;
    n_evaluated: number;
    bootstrap: number;
    seed: number;
    eps_source: 'given' | 'default';
    empty_threshold: number;
    /** GeV per unit of eps (references.ts: median scalar-sum jet pT / scale for --energy norm, 1 / scale for raw). */
    gev_per_unit: number;
    median_jet_pt: number;
  };
  results: SmearPoint[];
  /** The best simple discriminants on the evaluated jets (metrics-module AUC in the better direction, bootstrap error). */
  references: { multiplicity: ReferenceAuc; mass: ReferenceAuc };
}

function labelsOf(b: JetBatch, what: string): Uint8Array {
  if (!b.labels) throw new JetlensInputError(`${what}: labels are required (y, 1 = signal)`);
  return Uint8Array.from(b.labels);
}

/**
 * Default eps grid: 24 values log-spaced from the 1st percentile of nearest-neighbour distances to the median
 * pairwise distance, both within a seeded 1,000-jet subsample (in SEMD units before scale). A zero 1st
 * percentile (duplicate jets) is replaced by the smallest positive nearest-neighbour distance.
 */
export async function defaultEpsGrid(S: Spectra, seed: number, opts: RunOptions = {}, count = 24): Promise<number[]> {
  const n = spectraCount(S);
  const m = Math.min(n, 1000);
  if (m < 2) throw new JetlensInputError('cannot build a default eps grid from fewer than 2 jets: pass --eps');
  const pick = Array.from(new Rng(seed).permutation(n).subarray(0, m)).sort((a, b) => a - b);
  const sub = selectSpectra(S, pick);
  const d = await semdMatrixFromSpectra(sub, null, { ...opts, onProgress: undefined });
  const nn = new Float64Array(m).fill(Infinity);
  const pairs = new Float64Array((m * (m - 1)) / 2);
  let c = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) if (j !== i) nn[i] = Math.min(nn[i], d[i * m + j]);
    for (let j = i + 1; j < m; j++) pairs[c++] = d[i * m + j];
  }
  nn.sort();
  pairs.sort();
  let lo = quantileSorted(nn, 0.01);
  if (!(lo > 0)) lo = nn.find((v) => v > 0) ?? NaN;
  const hi = quantileSorted(pairs, 0.5);
  if (!(lo > 0) || !(hi > lo)) throw new JetlensInputError('cannot build a default eps grid (all jets identical?): pass --eps');
  return Array.from({ length: count }, (_, k) => lo * Math.pow(hi / lo, k / (count - 1)));
}

/** Smeared-likelihood scores for one eps column of the counts. */
export function smearScores(ns: Int32Array, nb: Int32Array, E: number, e: number, evalLabels: Uint8Array, Ns: number, Nb: number, loo: boolean): { scores: Float64Array; empty: number } {
  const n = evalLabels.length;
  const scores = new Float64Array(n);
  let empty = 0;
  for (let i = 0; i < n; i++) {
    const s = ns[i * E + e];
    const b = nb[i * E + e];
    if (s === 0 && b === 0) {
      scores[i] = 0.5;
      empty++;
      continue;
    }
    const Nsi = loo && evalLabels[i] === 1 ? Ns - 1 : Ns;
    const Nbi = loo && evalLabels[i] === 0 ? Nb - 1 : Nb;
    const ps = s / Nsi;
    const pb = b / Nbi;
    scores[i] = ps / (ps + pb);
  }
  return { scores, empty };
}

/** AUC of the smeared likelihood for every eps. */
export async function smearedLikelihood(reference: JetsLike, opts: SmearOptions = {}): Promise<SmearResult> {
  const ref = toJetBatch(reference);
  const labels = labelsOf(ref, 'reference');
  const Ns = labels.reduce((s, v) => s + v, 0);
  const Nb = labels.length - Ns;
  const loo = opts.test === undefined;
  if (Ns < (loo ? 2 : 1) || Nb < (loo ? 2 : 1)) throw new JetlensInputError(`the reference needs both classes (${Ns} signal, ${Nb} background)`);
  const scale = checkScale(opts.scale);
  const seed = opts.seed ?? 1;
  const bootstrap = opts.bootstrap ?? 200;
  const threshold = opts.emptyThreshold ?? 0.05;
  if (!(threshold >= 0 && threshold <= 1)) throw new JetlensInputError(`empty threshold: expected a fraction in [0, 1], got ${threshold}`);
  const spec: SpectrumOptions & RunOptions = { energy: opts.energy, beta: opts.beta, backend: opts.backend, threads: opts.threads, signal: opts.signal };
  const S = await computeSpectra(ref, { ...spec, backend: spectraBackend(spec.backend) });
  const testBatch = loo ? null : toJetBatch(opts.test!);
  const evalLabels = testBatch ? labelsOf(testBatch, 'test') : labels;
  const Q = testBatch ? await computeSpectra(testBatch, { ...spec, backend: spectraBackend(spec.backend) }) : null;
  const given = opts.eps !== undefined;
  const eps = given ? opts.eps!.slice() : (await defaultEpsGrid(S, seed, spec)).map((e) => e * scale);
  if (eps.length === 0 || eps.some((e) => !(e >= 0) || !Number.isFinite(e))) throw new JetlensInputError('eps: expected finite values >= 0');
  const order = eps.map((_, i) => i).sort((a, b) => eps[a] - eps[b]);
  const sorted = new Float64Array(order.map((i) => eps[i] / scale));
  const counts = await ballCountsFromSpectra(S, labels, Q, sorted, { ...spec, onProgress: opts.onProgress, cells: opts.cells });
  const E = sorted.length;
  const energy = opts.energy ?? 'norm';
  const gev = gevPerUnit(ref, energy, scale);
  const results: SmearPoint[] = new Array(E);
  for (let e = 0; e < E; e++) {
    const { scores, empty } = smearScores(counts.signal, counts.background, E, e, evalLabels, Ns, Nb, loo);
    let ball = 0;
    for (let i = 0; i < evalLabels.length; i++) ball += counts.signal[i * E + e] + counts.background[i * E + e];
    results[order[e]] = {
      eps: eps[order[e]],
      eps_gev: eps[order[e]] * gev.gev_per_unit,
      // Mann-Whitney with ties 1/2 and a seeded, class-stratified bootstrap, from the metrics module.
      auc: auc(scores, evalLabels).auc,
      auc_err: bootstrap >= 2 ? aucBootstrap(scores, evalLabels, null, { resamples: bootstrap, seed: seed + 7919 * (e + 1) }).std : NaN,
      empty_fraction: empty / evalLabels.length,
      resolved_fraction: 1 - empty / evalLabels.length,
      flagged: empty / evalLabels.length > threshold,
      mean_ball: ball / evalLabels.length,
    };
  }
  return {
    settings: {
      energy,
      beta: opts.beta ?? 1,
      scale,
      evaluation: loo ? 'leave-one-out' : 'test',
      n_reference: ref.length,
      n_signal: Ns,
      n_background: Nb,
      n_evaluated: evalLabels.length,
      bootstrap,
      seed,
      eps_source: given ? 'given' : 'default',
      empty_threshold: threshold,
      ...gev,
    },
    results,
    references: referenceAucs(testBatch ?? ref, evalLabels, bootstrap, seed),
  };
}
