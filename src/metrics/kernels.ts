/**
 * The metric ops behind the dispatcher: 'reference' = the plain pair loops of reference.ts, 'native' = the C++
 * kernels of native/ado.cc (sort + sweep, Fenwick trees, CDQ divide and conquer), registered only when the addon
 * has them. Every kernel takes validated inputs (Float64Array scores, Uint8Array labels, optional weights).
 */
import { registerKernel } from '../backend/dispatch.js';
import { loadNative } from '../backend/native.js';
import { chunked, withControl, type RunOptions } from '../backend/control.js';
import type { Events } from './input.js';
import {
  adoDisagreeReference,
  adoReference,
  aucReference,
  type AdoDisagreeKernelResult,
  type AdoKernelResult,
  type AucKernelResult,
} from './reference.js';

export type AucKernel = (x: Float64Array, e: Events) => AucKernelResult;
export type AdoKernel = (f: Float64Array, g: Float64Array, e: Events) => AdoKernelResult;
export type AdoDisagreeKernel = (f: Float64Array, g: Float64Array, h: Float64Array, e: Events) => AdoDisagreeKernelResult;
/** candidates: K rows of N values, flattened row-major. */
export type AdoDisagreeBatchKernel = (
  candidates: Float64Array,
  k: number,
  g: Float64Array,
  h: Float64Array,
  e: Events,
  opts: RunOptions,
) => Promise<AdoDisagreeKernelResult[]>;

registerKernel('auc', 'reference', aucReference as AucKernel);
registerKernel('ado', 'reference', adoReference as AdoKernel);
registerKernel('adoDisagree', 'reference', adoDisagreeReference as AdoDisagreeKernel);
registerKernel('adoDisagreeBatch', 'reference', (async (cands, k, g, h, e, opts) => {
  const n = e.n;
  const out: AdoDisagreeKernelResult[] = [];
  await chunked(k, opts, (s, end) => {
    for (let c = s; c < end; c++) out.push(adoDisagreeReference(cands.subarray(c * n, (c + 1) * n), g, h, e));
  }, 1);
  return out;
}) as AdoDisagreeBatchKernel);

const native = loadNative();
if (native?.adoFull && native.aucSweep && native.adoDisagree && native.adoDisagreeBatch) {
  registerKernel('auc', 'native', ((x, e) => native.aucSweep({ scores: x, labels: e.labels, weights: e.weights })) as AucKernel);
  registerKernel('ado', 'native', ((f, g, e) => {
    const r = native.adoFull({ f, g, labels: e.labels, weights: e.weights }) as { sumST: number; wSignal: number; wBackground: number };
    const pairs = r.wSignal * r.wBackground;
    return { adoRaw: clamp01(0.5 + r.sumST / (2 * pairs)), pairs };
  }) as AdoKernel);
  // O(N log N) concordance sums (adoSubset) when the addon has them; the O(N log^2 N) CDQ kernel (adoDisagree)
  // stays in the addon as the tests' cross-check.
  const subset = Boolean(native.adoSubset && native.adoSubsetBatch);
  registerKernel('adoDisagree', 'native', ((f, g, h, e) => {
    const r = (subset
      ? native.adoSubset({ candidate: f, reference: g, current: h, labels: e.labels, weights: e.weights })
      : native.adoDisagree({ candidate: f, reference: g, current: h, labels: e.labels, weights: e.weights })) as { sumST: number; wD: number; wSignal: number; wBackground: number };
    return disagreeResult(r.sumST, r.wD, r.wSignal * r.wBackground);
  }) as AdoDisagreeKernel);
  registerKernel('adoDisagreeBatch', 'native', (async (cands, k, g, h, e, opts) => {
    const out = new Float64Array(2 * k);
    const r = (await withControl(k, opts, (control) =>
      subset
        ? native.adoSubsetBatch({ candidates: cands, k, reference: g, current: h, labels: e.labels, weights: e.weights, out, threads: opts.threads ?? 0, control })
        : native.adoDisagreeBatch({ candidates: cands, k, reference: g, current: h, labels: e.labels, weights: e.weights, out, threads: opts.threads ?? 0, control }),
    )) as { wSignal: number; wBackground: number };
    const pairs = r.wSignal * r.wBackground;
    return Array.from({ length: k }, (_, c) => disagreeResult(out[2 * c], out[2 * c + 1], pairs));
  }) as AdoDisagreeBatchKernel);
}

function disagreeResult(sumST: number, wD: number, pairs: number): AdoDisagreeKernelResult {
  return { adoRaw: wD > 0 ? clamp01(0.5 + sumST / (2 * wD)) : NaN, disagreePairs: wD, pairs };
}

/** Weighted sums can land a rounding error outside [0, 1] (e.g. 1 + 2e-16 for ADO(f, f)). */
function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
