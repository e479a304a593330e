// Subset ADO in O(N log N) (issue #20.5): the concordance-sum kernel (native adoSubset and its TypeScript twin)
// against the brute-force pair loop and the O(N log^2 N) CDQ kernel, on random inputs with many ties and weights.
import t from 'tap';
import { loadNative } from '../src/backend/native.js';
import { adoOnDisagreement, adoOnDisagreementBatch } from '../src/metrics/ado.js';
import { toEvents } from '../src/metrics/input.js';
import { adoDisagreeReference } from '../src/metrics/reference.js';
import { adoSubsetSweep, subsetShared } from '../src/metrics/subset.js';
import { Rng } from '../src/util/rng.js';
import { isClose, tolerance } from './fixtures/backends.js';

const native = loadNative();
const noNative = native?.adoSubset ? false : 'native addon without adoSubset (npm run build)';

function sample(rng: Rng, n: number, levels: number, weighted: boolean) {
  const q = (x: number) => (levels ? Math.floor(x * levels) / levels : x);
  const f = Float64Array.from({ length: n }, () => q(rng.uniform()));
  const g = Float64Array.from({ length: n }, () => q(rng.uniform()));
  const h = Float64Array.from({ length: n }, () => q(rng.uniform()));
  const labels = Uint8Array.from({ length: n }, (_, i) => (i === 0 ? 1 : i === 1 ? 0 : rng.uniform() < 0.5 ? 1 : 0));
  const weights = weighted ? Float64Array.from({ length: n }, () => (rng.uniform() < 0.1 ? 0 : rng.range(0.1, 3))) : undefined;
  return { f, g, h, labels, weights };
}

/** |a - b| <= 1e-12 max(1, |a|, |b|). */
const F64 = tolerance(1e-12);

t.test('TypeScript sweep = pair loop (ties, weights, empty D)', async (t) => {
  const rng = new Rng(11);
  let bad = 0;
  for (let trial = 0; trial < 200; trial++) {
    const { f, g, h, labels, weights } = sample(rng, 2 + rng.int(50), [0, 1, 2, 3, 5, 8][trial % 6], trial % 3 === 0);
    const e = toEvents(labels, weights);
    const ref = adoDisagreeReference(f, g, h, e);
    const got = adoSubsetSweep(f, g, h, e);
    if (!isClose(got.adoRaw, ref.adoRaw, F64) || !isClose(got.disagreePairs, ref.disagreePairs, F64)) bad++;
  }
  t.equal(bad, 0, '200 random cases');
  const e = toEvents([1, 0, 1, 0]);
  const same = Float64Array.of(1, 2, 3, 4);
  t.ok(Number.isNaN(adoSubsetSweep(same, same, same, e).adoRaw), 'D empty when g = h: NaN');
});

t.test('native adoSubset = pair loop = CDQ kernel, exactly with unit weights', { skip: noNative }, async (t) => {
  const rng = new Rng(12);
  let bad = 0;
  let cdqBad = 0;
  for (let trial = 0; trial < 300; trial++) {
    const { f, g, h, labels, weights } = sample(rng, 2 + rng.int(80), [0, 1, 2, 3, 4, 7][trial % 6], trial % 2 === 1);
    const e = toEvents(labels, weights);
    const ref = adoDisagreeReference(f, g, h, e);
    const r = native!.adoSubset({ candidate: f, reference: g, current: h, labels: e.labels, weights: e.weights });
    const c = native!.adoDisagree(f, g, h, e.labels, e.weights);
    const adoRaw = r.wD > 0 ? Math.min(1, Math.max(0, 0.5 + r.sumST / (2 * r.wD))) : NaN;
    if (!isClose(adoRaw, ref.adoRaw, F64) || !isClose(r.wD, ref.disagreePairs, F64)) bad++;
    if (weights ? !isClose(r.sumST, c.sumST, F64) || !isClose(r.wD, c.wD, F64) : r.sumST !== c.sumST || r.wD !== c.wD) cdqBad++;
  }
  t.equal(bad, 0, 'against the pair loop');
  t.equal(cdqBad, 0, 'against the O(N log^2 N) kernel (integers equal with unit weights)');
});

t.test('larger inputs: native subset = CDQ; the batch = single calls; TS sweep agrees', { skip: noNative }, async (t) => {
  const rng = new Rng(13);
  for (const [n, levels] of [[20000, 0], [20000, 50], [5000, 3]] as const) {
    const { g, h, labels } = sample(rng, n, levels, false);
    const cands = Array.from({ length: 3 }, () => sample(rng, n, levels, false).f);
    const e = toEvents(labels);
    const batch = await adoOnDisagreementBatch(cands, g, h, labels, { threads: 2 });
    const shared = subsetShared(g, h, e);
    for (const [k, f] of cands.entries()) {
      const c = native!.adoDisagree(f, g, h, e.labels);
      const single = adoOnDisagreement(f, g, h, labels);
      t.equal(single.disagreePairs, c.wD, `n ${n} levels ${levels} cand ${k}: |D|`);
      t.equal(single.adoRaw, Math.min(1, Math.max(0, 0.5 + c.sumST / (2 * c.wD))), 'ADO_D equals the CDQ kernel');
      t.equal(batch[k].adoRaw, single.adoRaw, 'batch = single');
      if (n <= 5000) t.ok(isClose(adoSubsetSweep(f, g, h, e, shared).adoRaw, single.adoRaw, F64), 'TS sweep');
    }
  }
});

t.test('bad input to the native entry points is an error, not a crash', { skip: noNative }, async (t) => {
  const f = Float64Array.of(1, 2, 3);
  const labels = Uint8Array.of(1, 0, 1);
  t.throws(() => native!.adoSubset({ candidate: f, reference: f, current: Float64Array.of(1, 2), labels }), /current: expected length 3/);
  t.throws(() => native!.adoSubset({ candidate: Float64Array.of(1, NaN, 2), reference: f, current: f, labels }), /NaN at index 1/);
  t.throws(() => native!.adoSubset({ candidate: f, reference: f, current: f, labels: Uint8Array.of(1, 1, 1) }), /at least one signal/);
  t.throws(() => native!.adoSubsetBatch({ candidates: new Float64Array(5), k: 2, reference: f, current: f, labels, out: new Float64Array(4) }), /K \* N/);
});

// The unit-weight kernel is a bit sweep (wavelet-style passes over packed rank words); the Fenwick-tree kernel of the
// weighted path stays selectable (method: 'fenwick') as its cross-check, next to the CDQ kernel and the pair loop.
t.test('native adoSubset: bit sweep = Fenwick trees = CDQ exactly (ties in f, g, h; big tied groups; tiny inputs)', { skip: noNative }, async (t) => {
  const rng = new Rng(14);
  let bad = 0;
  let cases = 0;
  const sizes = [2, 3, 5, 17, 64, 65, 300, 1000, 4097, 30000];
  for (const n of sizes) {
    for (const levels of [0, 2, 5, 40, 1000]) {
      const { f, g, h, labels } = sample(rng, n, levels, false);
      if (n > 1000 && levels === 2) f.fill(0.5, 0, n >> 1); // one f group of n/2 events: the sorted tie correction
      const args = { candidate: f, reference: g, current: h, labels };
      const bits = native!.adoSubset({ ...args, method: 'bits' });
      const fen = native!.adoSubset({ ...args, method: 'fenwick' });
      const auto = native!.adoSubset(args);
      const c = native!.adoDisagree(f, g, h, labels);
      cases++;
      if (bits.sumST !== fen.sumST || bits.wD !== fen.wD || bits.sumST !== c.sumST || bits.wD !== c.wD || auto.sumST !== bits.sumST) {
        bad++;
        t.comment(`n ${n} levels ${levels}: bits ${bits.sumST}/${bits.wD} fenwick ${fen.sumST}/${fen.wD} CDQ ${c.sumST}/${c.wD}`);
      }
      if (n <= 300) {
        const ref = adoDisagreeReference(f, g, h, toEvents(labels));
        const adoRaw = bits.wD > 0 ? Math.min(1, Math.max(0, 0.5 + bits.sumST / (2 * bits.wD))) : NaN;
        if (!isClose(adoRaw, ref.adoRaw, tolerance(1e-12)) || bits.wD !== ref.disagreePairs) bad++;
      }
    }
  }
  t.equal(bad, 0, `${cases} inputs`);
  t.throws(() => native!.adoSubset({ candidate: f3, reference: f3, current: f3, labels: Uint8Array.of(1, 0, 1), method: 'fast' }), /method: unknown value 'fast'/);
});
const f3 = Float64Array.of(1, 2, 3);
