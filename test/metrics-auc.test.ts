import t from 'tap';
import { auc, aucBootstrap, rocCurve } from '../src/metrics/index.js';
import { backendsFor } from '../src/backend/dispatch.js';
import { loadNative } from '../src/backend/native.js';
import { JetlensInputError } from '../src/errors.js';
import { sample, samples } from './fixtures/metrics-samples.js';
import { isClose, tolerance } from './fixtures/backends.js';

/** Default comparison: |a - b| <= 1e-12 max(1, |a|, |b|). */
const F64 = tolerance(1e-12);

const native = loadNative();

t.test('native AUC and DeLong error agree with the pair-loop reference to 1e-12', { skip: native ? false : 'native addon not built' }, async (t) => {
  t.same(backendsFor('auc'), ['native', 'reference']);
  for (const s of samples()) {
    for (const x of [s.f, s.g]) {
      const ref = auc(x, s.labels, s.weights, { backend: 'reference' });
      const nat = auc(x, s.labels, s.weights, { backend: 'native' });
      t.ok(isClose(nat.aucRaw, ref.aucRaw, F64), `${s.name}: auc ${nat.aucRaw} vs ${ref.aucRaw}`);
      t.ok(isClose(nat.stdDelong, ref.stdDelong, tolerance(1e-10)), `${s.name}: std ${nat.stdDelong} vs ${ref.stdDelong}`);
      t.equal(nat.nSignal, ref.nSignal);
      t.ok(isClose(nat.wBackground, ref.wBackground, F64));
    }
  }
});

t.test('AUC conventions: ties 1/2, direction flag, constant scores', async (t) => {
  // 2 signal (1, 2), 2 background (0, 1): pairs 1>0, 1=1 (1/2), 2>0, 2>1 -> 3.5 / 4
  const r = auc([1, 2, 0, 1], [1, 1, 0, 0]);
  t.equal(r.auc, 0.875);
  t.equal(r.direction, 1);
  t.equal(auc([1, 2, 0, 1], [1, 1, 0, 0], undefined, { direction: -1 }).auc, 0.125);
  const flipped = auc([-1, -2, 0, -1], [1, 1, 0, 0], undefined, { direction: 'auto' });
  t.equal(flipped.auc, 0.875);
  t.equal(flipped.direction, -1);
  t.equal(flipped.aucRaw, 0.125);
  t.equal(auc([3, 3, 3], [1, 0, 0]).auc, 0.5);
  // weights: pair weight = product; signal w 2 at 1, background w 1 at 0 and w 3 at 2 -> (2*1) / (2*4)
  t.equal(auc([1, 0, 2], [1, 0, 0], [2, 1, 3]).auc, 0.25);
  t.equal(auc(new Float32Array([0.5, 0.25]), [true, false]).auc, 1);
  t.equal(auc([0.5, 0.25], new BigInt64Array([1n, 0n])).auc, 1);
  for (const b of backendsFor('auc')) {
    t.equal(auc([0, -0], [1, 0], undefined, { backend: b }).auc, 0.5, `${b}: -0 ties +0`);
    t.equal(auc([Infinity, -Infinity, Infinity, 1], [1, 0, 0, 0], undefined, { backend: b }).auc, 5 / 6, `${b}: infinities order, Inf ties Inf`);
  }
});

t.test('bad input is a clear JetlensInputError', async (t) => {
  t.throws(() => auc([1, NaN, 2], [1, 0, 0]), new JetlensInputError('scores: NaN at index 1'));
  t.throws(() => auc([1, 2, 3], [1, 0, 2]), /labels: expected 0 \(background\) or 1 \(signal\), got 2 at index 2/);
  t.throws(() => auc([1, 2, 3], [1, 0, 0.5]), /got 0.5 at index 2/);
  t.throws(() => auc([1, 2], [1, 0, 0]), /scores: length 2 does not match the labels' length 3/);
  t.throws(() => auc([1, 2, 3], [1, 1, 1]), /at least one signal \(1\) and one background/);
  t.throws(() => auc([1, 2, 3], [1, 0, 0], [1, -1, 1]), /weights: expected finite values >= 0/);
  t.throws(() => auc([1, 2, 3], [1, 0, 0], [1, 1]), /weights: length 2/);
  t.throws(() => auc([1, 2, 3], [1, 0, 0], [0, 1, 1]), /must each sum to > 0/);
  for (const b of backendsFor('auc')) t.throws(() => auc([1, NaN], [1, 0], undefined, { backend: b }), JetlensInputError);
});

t.test('ROC curve: points, AUC by trapezoids (ties give the 1/2 rule), downsampling', async (t) => {
  const s = sample('roc', 11, 300, 400, 6, true);
  const roc = rocCurve(s.f, s.labels, s.weights);
  t.equal(roc.thresholds[0], Infinity);
  t.same([roc.fpr[0], roc.tpr[0]], [0, 0]);
  t.ok(isClose(roc.fpr[roc.fpr.length - 1], 1, F64) && isClose(roc.tpr[roc.tpr.length - 1], 1, F64));
  t.equal(roc.fpr.length, 7); // 6 distinct scores + the start
  // each point counts the weight with score >= threshold
  const k = 3;
  let ws = 0, wsSel = 0;
  for (let i = 0; i < s.labels.length; i++) if (s.labels[i]) {
      ws += s.weights![i];
      if (s.f[i] >= roc.thresholds[k]) wsSel += s.weights![i];
    }
  t.ok(isClose(roc.tpr[k], wsSel / ws, F64));
  let area = 0;
  for (let i = 1; i < roc.fpr.length; i++) area += ((roc.fpr[i] - roc.fpr[i - 1]) * (roc.tpr[i] + roc.tpr[i - 1])) / 2;
  t.ok(isClose(area, auc(s.f, s.labels, s.weights).auc, F64), 'trapezoid area = AUC with ties 1/2');
  const rev = rocCurve(s.f, s.labels, s.weights, { direction: -1 });
  t.equal(rev.thresholds[0], -Infinity);
  const c = sample('roc continuous', 12, 500, 500, 0, false);
  const full = rocCurve(c.f, c.labels);
  t.equal(full.fpr.length, 1001);
  const small = rocCurve(c.f, c.labels, undefined, { maxPoints: 50 });
  t.ok(small.fpr.length <= 50 && small.fpr.length >= 40, `${small.fpr.length} points`);
  t.same([small.fpr[0], small.tpr[0], small.fpr[small.fpr.length - 1], small.tpr[small.tpr.length - 1]], [0, 0, 1, 1]);
  for (let i = 1; i < small.fpr.length; i++) t.ok(small.fpr[i] >= small.fpr[i - 1] && small.tpr[i] >= small.tpr[i - 1]);
  t.throws(() => rocCurve(c.f, c.labels, undefined, { maxPoints: 1 }), /maxPoints/);
});

t.test('bootstrap: seeded, interval around the AUC, spread close to DeLong', async (t) => {
  const s = sample('boot', 13, 1000, 1200, 0, false);
  const a = auc(s.f, s.labels);
  const b1 = aucBootstrap(s.f, s.labels, undefined, { resamples: 100, seed: 7 });
  const b2 = aucBootstrap(s.f, s.labels, undefined, { resamples: 100, seed: 7 });
  t.same(Array.from(b1.samples), Array.from(b2.samples), 'same seed, same resamples');
  t.notSame(Array.from(aucBootstrap(s.f, s.labels, undefined, { resamples: 100, seed: 8 }).samples), Array.from(b1.samples));
  t.ok(b1.ciLow < a.auc && a.auc < b1.ciHigh, `${b1.ciLow} < ${a.auc} < ${b1.ciHigh}`);
  t.ok(Math.abs(b1.std / a.stdDelong - 1) < 0.3, `bootstrap std ${b1.std} vs DeLong ${a.stdDelong}`);
  const w = aucBootstrap(s.f, s.labels, s.f.map(() => 2), { resamples: 100, seed: 7 });
  t.same(Array.from(w.samples), Array.from(b1.samples), 'uniform weights do not change the resamples');
  const flip = aucBootstrap(s.f.map((v) => -v), s.labels, undefined, { resamples: 20, seed: 7, direction: 'auto' });
  t.equal(flip.direction, -1);
  t.ok(flip.ciLow > 0.5);
  if (native) {
    const r = aucBootstrap(s.f.subarray(0, 300), s.labels.subarray(0, 300), undefined, { resamples: 20, seed: 3, backend: 'reference' });
    const n = aucBootstrap(s.f.subarray(0, 300), s.labels.subarray(0, 300), undefined, { resamples: 20, seed: 3, backend: 'native' });
    for (let i = 0; i < 20; i++) t.ok(isClose(r.samples[i], n.samples[i], F64));
  }
});
