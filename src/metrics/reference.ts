/**
 * Plain, obviously-correct O(N_S * N_B) pair loops: the test oracle for the fast kernels (and the fallback when
 * the native addon is missing). Conventions: H(0) = 1/2, pair weight w_S * w_B.
 */
import type { Events } from './input.js';

/** Neumaier-compensated sum, so the oracle is as accurate as the fast kernels. */
export class KahanSum {
  private s = 0;
  private c = 0;
  add(x: number): void {
    const t = this.s + x;
    this.c += Math.abs(this.s) >= Math.abs(x) ? this.s - t + x : x - t + this.s;
    this.s = t;
  }
  get value(): number {
    return this.s + this.c;
  }
}

/** Indices of signal and background events. */
export function classIndices(labels: Uint8Array): { sig: Uint32Array; bkg: Uint32Array } {
  let ns = 0;
  for (let i = 0; i < labels.length; i++) ns += labels[i];
  const sig = new Uint32Array(ns);
  const bkg = new Uint32Array(labels.length - ns);
  for (let i = 0, a = 0, b = 0; i < labels.length; i++) {
    if (labels[i]) sig[a++] = i;
    else bkg[b++] = i;
  }
  return { sig, bkg };
}

/** sign(a - b) by comparison (no overflow, underflow or Inf - Inf = NaN). */
export const cmp = (a: number, b: number): number => (a > b ? 1 : a < b ? -1 : 0);

/** H(a - b) with H(0) = 1/2. */
export const heaviside = (a: number, b: number): number => (a > b ? 1 : a < b ? 0 : 0.5);

export interface AucKernelResult {
  aucRaw: number;
  wSignal: number;
  wBackground: number;
  nSignal: number;
  nBackground: number;
  /** DeLong variance of the AUC (NaN with a single event in a class). */
  varDelong: number;
}

const weightOf = (e: Events, i: number): number => (e.weights ? e.weights[i] : 1);

function totals(e: Events, sig: Uint32Array, bkg: Uint32Array): { ws: number; wb: number } {
  const ws = new KahanSum();
  const wb = new KahanSum();
  for (const i of sig) ws.add(weightOf(e, i));
  for (const j of bkg) wb.add(weightOf(e, j));
  return { ws: ws.value, wb: wb.value };
}

/** AUC = sum_{S,B} w w' H(x_S - x_B) / W, with DeLong placements from the same pair loop. */
export function aucReference(x: Float64Array, e: Events): AucKernelResult {
  const { sig, bkg } = classIndices(e.labels);
  const { ws, wb } = totals(e, sig, bkg);
  const vSig = new Float64Array(sig.length); // weighted fraction of background below each signal event
  const vBkg = new Float64Array(bkg.length); // weighted fraction of signal above each background event
  const num = new KahanSum();
  for (let a = 0; a < sig.length; a++) {
    const i = sig[a];
    const row = new KahanSum();
    for (let b = 0; b < bkg.length; b++) {
      const j = bkg[b];
      const psi = heaviside(x[i], x[j]);
      row.add(weightOf(e, j) * psi);
      vBkg[b] += weightOf(e, i) * psi;
    }
    vSig[a] = row.value / wb;
    num.add(weightOf(e, i) * row.value);
  }
  const auc = num.value / (ws * wb);
  const spread = (v: Float64Array, idx: Uint32Array, norm: number, W: number) => {
    const s = new KahanSum();
    for (let k = 0; k < idx.length; k++) {
      const w = weightOf(e, idx[k]);
      s.add(w * w * (v[k] / norm - auc) ** 2);
    }
    return ((idx.length / (idx.length - 1)) * s.value) / (W * W);
  };
  const varDelong = sig.length > 1 && bkg.length > 1 ? spread(vSig, sig, 1, ws) + spread(vBkg, bkg, ws, wb) : NaN;
  return { aucRaw: auc, wSignal: ws, wBackground: wb, nSignal: sig.length, nBackground: bkg.length, varDelong };
}

export interface AdoKernelResult {
  adoRaw: number;
  /** Total pair weight (N_S * N_B with unit weights). */
  pairs: number;
}

/** ADO_raw(f, g) = sum_{S,B} w w' DO / W,  DO = H[(f_S - f_B)(g_S - g_B)] with ties 1/2. */
export function adoReference(f: Float64Array, g: Float64Array, e: Events): AdoKernelResult {
  const { sig, bkg } = classIndices(e.labels);
  const { ws, wb } = totals(e, sig, bkg);
  const num = new KahanSum();
  for (const i of sig) {
    const row = new KahanSum();
    for (const j of bkg) row.add(weightOf(e, j) * decisionOrdering(cmp(f[i], f[j]), cmp(g[i], g[j])));
    num.add(weightOf(e, i) * row.value);
  }
  return { adoRaw: Math.min(1, num.value / (ws * wb)), pairs: ws * wb };
}

/** DO for one pair from the signs s = sign(f_S - f_B), t = sign(g_S - g_B): 1 same order, 0 opposite, 1/2 tie. */
export function decisionOrdering(s0: number, t: number): number {
  const s = s0 * t;
  return s > 0 ? 1 : s < 0 ? 0 : 0.5;
}

export interface AdoDisagreeKernelResult {
  /** NaN when no pair is in D. */
  adoRaw: number;
  /** Weight (count with unit weights) of the pairs in D(H, G). */
  disagreePairs: number;
  pairs: number;
}

/** ADO of F against G over D(H, G) = {pairs with (h_S - h_B)(g_S - g_B) < 0}. */
export function adoDisagreeReference(f: Float64Array, g: Float64Array, h: Float64Array, e: Events): AdoDisagreeKernelResult {
  const { sig, bkg } = classIndices(e.labels);
  const { ws, wb } = totals(e, sig, bkg);
  const num = new KahanSum();
  const wd = new KahanSum();
  for (const i of sig) {
    const rowNum = new KahanSum();
    const rowW = new KahanSum();
    for (const j of bkg) {
      const t = cmp(g[i], g[j]);
      if (cmp(h[i], h[j]) * t >= 0) continue; // not in D: same order, or a tie in h or g
      rowNum.add(weightOf(e, j) * decisionOrdering(cmp(f[i], f[j]), t));
      rowW.add(weightOf(e, j));
    }
    num.add(weightOf(e, i) * rowNum.value);
    wd.add(weightOf(e, i) * rowW.value);
  }
  return { adoRaw: wd.value > 0 ? Math.min(1, num.value / wd.value) : NaN, disagreePairs: wd.value, pairs: ws * wb };
}
