/**
 * The generator's target table (docs/generator.md) as code: the numbers the tests check and `jetlens generate
 * --validate` prints. Single-observable AUCs are those of the 1-D optimal classifier on binned distributions (the
 * likelihood ratio of the two histograms), as in Faucett et al., not of a monotone cut.
 */
import type { RunOptions } from '../../backend/control.js';
import { observables } from '../../jss/observables.js';
import type { JetBatch } from '../batch.js';
import { generateAsync } from './generate.js';
import type { GenerateOptions } from './options.js';

/** Faucett, Thaler, Whiteson, PRD 103 (2021) 036020, table of single-observable AUCs (W vs QCD). */
export const PAPER_AUCS = { mass: 0.898, d2_b2: 0.807, d2_b1: 0.79, tau21_b1: 0.662, c2_b1: 0.66, c2_b2: 0.604 } as const;
export type HlName = keyof typeof PAPER_AUCS;
export const HL_COLUMNS = Object.keys(PAPER_AUCS) as HlName[];

/**
 * AUC of the binned likelihood ratio: `bins` equal-population bins of the pooled sample, each jet scored by its
 * bin's signal/background density ratio (ties within a bin count one half). Symmetric in which class is larger.
 */
export function binnedLrAuc(sig: ArrayLike<number>, bkg: ArrayLike<number>, bins = 50): number {
  const pooled = Float64Array.from([...Array.from(sig), ...Array.from(bkg)]).sort();
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const e = pooled[Math.floor((k * pooled.length) / bins)];
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  const nb = edges.length + 1;
  const hs = new Float64Array(nb), hb = new Float64Array(nb);
  const bin = (x: number) => {
    let lo = 0, hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x >= edges[mid]) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (let i = 0; i < sig.length; i++) hs[bin(sig[i])]++;
  for (let i = 0; i < bkg.length; i++) hb[bin(bkg[i])]++;
  // Order bins by ratio s/b (cross-multiplied: exact for counts), accumulate pairs.
  // Empty bins (possible with discrete values) carry no pairs and would tie with everything: left out.
  const order = Array.from({ length: nb }, (_, k) => k)
    .filter((k) => hs[k] + hb[k] > 0)
    .sort((a, b) => hs[a] * hb[b] - hs[b] * hb[a]);
  let pairs = 0, bBelow = 0;
  const used = order.length;
  for (let k = 0; k < used; ) {
    let s = 0, b = 0, e = k;
    while (e < used && hs[order[k]] * hb[order[e]] === hs[order[e]] * hb[order[k]]) {
      s += hs[order[e]];
      b += hb[order[e]];
      e++;
    }
    pairs += s * (bBelow + b / 2);
    bBelow += b;
    k = e;
  }
  return pairs / (sig.length * bkg.length);
}

export interface Summary {
  mean: number;
  sd: number;
}

function summary(x: ArrayLike<number>): Summary {
  let s = 0, s2 = 0;
  for (let i = 0; i < x.length; i++) {
    s += x[i];
    s2 += x[i] * x[i];
  }
  const mean = s / x.length;
  return { mean, sd: Math.sqrt(Math.max(0, s2 / x.length - mean * mean)) };
}

function multiplicities(b: JetBatch): Float64Array {
  return Float64Array.from({ length: b.length }, (_, j) => b.mult(j));
}

export interface QuarkGluonRow {
  n: number;
  quark: Summary;
  gluon: Summary;
  ratio: number;
  multiplicityAuc: number;
}

/** Quark vs gluon multiplicities (pT 500-550 GeV, R = 0.4 unless `extra` says otherwise). */
export async function validateQuarkGluon(n: number, seed: number, extra: Partial<GenerateOptions> = {}, ro: RunOptions = {}): Promise<QuarkGluonRow> {
  const q = multiplicities(await generateAsync({ ...extra, process: 'quark', n, seed }, ro));
  const g = multiplicities(await generateAsync({ ...extra, process: 'gluon', n, seed: seed + 1 }, ro));
  const quark = summary(q), gluon = summary(g);
  // Gluon = signal here only for the AUC's orientation (more particles); the AUC is symmetric.
  return { n, quark, gluon, ratio: gluon.mean / quark.mean, multiplicityAuc: binnedLrAuc(g, q) };
}

export interface WqcdRow {
  n: number;
  /** Centre of the most populated 2 GeV bin of the W jet mass (GeV). */
  wMassPeak: number;
  /** Fraction of W jets within +-12 GeV of the peak. */
  wMassWithin12: number;
  multiplicity: { w: Summary; qcd: Summary };
  aucs: Record<HlName, number>;
  /** The paper's ordering of the six AUCs is reproduced (pairs the paper separates by >= 0.01). */
  sameOrdering: boolean;
}

/** W vs QCD (pT 300-400 GeV, R = 1.0, default towers and trimming unless `extra` changes them). */
export async function validateWqcd(n: number, seed: number, extra: Partial<GenerateOptions> = {}, ro: RunOptions = {}): Promise<WqcdRow> {
  const w = await generateAsync({ ...extra, process: 'w', n, seed }, ro);
  const qcd = await generateAsync({ ...extra, process: 'qcd', n, seed: seed + 1 }, ro);
  const opts = { columns: [...HL_COLUMNS], threads: ro.threads };
  const ow = (await observables(w, opts)).values;
  const oq = (await observables(qcd, opts)).values;
  const aucs = {} as Record<HlName, number>;
  for (const c of HL_COLUMNS) aucs[c] = binnedLrAuc(ow[c], oq[c]);
  const peak = massPeak(ow.mass);
  let within = 0;
  for (const m of ow.mass) if (Math.abs(m - peak) <= 12) within++;
  return {
    n,
    wMassPeak: peak,
    wMassWithin12: within / n,
    multiplicity: { w: summary(multiplicities(w)), qcd: summary(multiplicities(qcd)) },
    aucs,
    sameOrdering: sameOrdering(aucs),
  };
}

/** Centre of the most populated 2 GeV bin in [40, 130) GeV, after a 3-bin running mean (stable at small n). */
export function massPeak(m: ArrayLike<number>): number {
  const h = new Float64Array(45);
  for (let i = 0; i < m.length; i++) {
    const k = Math.floor((m[i] - 40) / 2);
    if (k >= 0 && k < h.length) h[k]++;
  }
  let best = 1;
  const sm = (k: number) => h[k - 1] + h[k] + h[k + 1];
  for (let k = 2; k < h.length - 1; k++) if (sm(k) > sm(best)) best = k;
  return 40 + 2 * best + 1;
}

/** True when every pair of observables whose paper AUCs differ by >= 0.01 is ordered as in the paper. */
export function sameOrdering(aucs: Record<HlName, number>): boolean {
  for (const a of HL_COLUMNS) {
    for (const b of HL_COLUMNS) {
      if (PAPER_AUCS[a] - PAPER_AUCS[b] >= 0.01 && !(aucs[a] > aucs[b])) return false;
    }
  }
  return true;
}
