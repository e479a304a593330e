// Smeared likelihood on a toy with a known answer: the classes differ only by a split of one prong at angle
// delta (below it they separate, above it balls hold both classes in equal measure); LOO and empty balls.
import t from 'tap';
import { smearSections } from '../src/studies/smearing/figures.js';
import { JetBatch } from '../src/jets/batch.js';
import { semdMatrix } from '../src/semd/distance.js';
import { smearedLikelihood } from '../src/studies/smearing/smear.js';
import { Rng } from '../src/util/rng.js';

const DELTA = 0.02;

/** A template: three prongs (pt fraction, dy, dphi). Signal splits prong 0 in two at angle DELTA. */
function templates(seed: number, n: number): number[][][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => [0, 1, 2].map(() => [rng.range(10, 100), rng.range(-0.6, 0.6), rng.range(-0.6, 0.6)]));
}

function toyJet(tpl: number[][], signal: boolean, rng: Rng): number[][] {
  const y0 = rng.range(-1.5, 1.5), phi0 = rng.range(-Math.PI, Math.PI);
  const wrap = (p: number) => Math.atan2(Math.sin(p), Math.cos(p));
  const [p0, ...rest] = tpl;
  const half = signal ? DELTA / 2 : 0;
  return [
    [p0[0] / 2, y0 + p0[1] + half, wrap(phi0 + p0[2]), 0],
    [p0[0] / 2, y0 + p0[1] - half, wrap(phi0 + p0[2]), 0],
    ...rest.map(([pt, dy, dp]) => [pt, y0 + dy, wrap(phi0 + dp), 0]),
  ];
}

/** balanced: each template holds the same number of signal and background events (else drawn at random). */
function toySample(seed: number, tpls: number[][][], perClass: number, balanced = false): JetBatch {
  const rng = new Rng(seed);
  const jets: number[][][] = [];
  const labels: number[] = [];
  for (let i = 0; i < 2 * perClass; i++) {
    const s = i % 2 === 0;
    jets.push(toyJet(tpls[balanced ? Math.floor(i / 2) % tpls.length : rng.int(tpls.length)], s, rng));
    labels.push(s ? 1 : 0);
  }
  return JetBatch.fromNested(jets, { labels });
}

t.test('toy with a known scale: AUC 1 below the class difference, 1/2 above it', async (t) => {
  const tpls = templates(5, 10);
  // Scale of the class difference per template, and the smallest distance between different templates.
  const probe = JetBatch.fromNested(tpls.flatMap((tp) => [toyJet(tp, true, new Rng(1)), toyJet(tp, false, new Rng(2))]));
  const d = (await semdMatrix(probe)).data;
  const n = probe.length;
  let dMin = Infinity, dMax = 0, across = Infinity;
  for (let a = 0; a < tpls.length; a++) {
    dMin = Math.min(dMin, d[2 * a * n + 2 * a + 1]);
    dMax = Math.max(dMax, d[2 * a * n + 2 * a + 1]);
    for (let b = 0; b < tpls.length; b++) if (a !== b) for (const i of [0, 1]) for (const j of [0, 1]) across = Math.min(across, d[(2 * a + i) * n + 2 * b + j]);
  }
  t.ok(dMin > 1e-4 && 2 * dMax < across, `class difference in [${dMin.toFixed(4)}, ${dMax.toFixed(4)}], templates ${across.toFixed(3)} apart`);
  const ref = toySample(11, tpls, 300, true);
  const test = toySample(12, tpls, 150, true);
  const eps = [dMin / 2, dMin / 10, 1.5 * dMax, Math.sqrt(1.5 * dMax * across), 0.9 * across];
  const r = await smearedLikelihood(ref, { test, eps, bootstrap: 50 });
  t.same(r.results.map((x) => x.eps), eps, 'eps kept in the given order');
  t.equal(r.results[0].auc, 1, 'below the scale: perfect separation');
  t.equal(r.results[1].auc, 1);
  for (const k of [2, 3, 4]) t.equal(r.results[k].auc, 0.5, `above the scale (eps = ${eps[k].toFixed(4)}): no separation`);
  t.ok(r.results.every((x) => x.empty_fraction === 0), 'no empty balls (every template is populated)');
  t.ok(r.results[2].auc_err < 1e-12 && r.results[0].auc_err < 1e-12, 'bootstrap error of an all-or-nothing AUC is 0');
  // Leave-one-out on a sample with random class counts per template (balanced clusters of identical events are
  // the estimator's worst case: x's own class is one short in its own cluster, so LOO would rank it last).
  const loo = await smearedLikelihood(toySample(13, tpls, 300), { eps: [dMin / 2, 1.5 * dMax], bootstrap: 20, backend: 'reference' });
  t.equal(loo.results[0].auc, 1, 'leave-one-out: perfect below the scale too');
  t.equal(loo.settings.evaluation, 'leave-one-out');
  t.ok(Math.abs(loo.results[1].auc - 0.5) < 0.15, `leave-one-out above the scale: near 1/2 (${loo.results[1].auc.toFixed(3)}; LOO biases small clusters)`);
});

t.test('leave-one-out never counts x; empty balls score 1/2', async (t) => {
  // Far-apart distinct jets: every ball of radius below their separation is empty once x is excluded.
  const rng = new Rng(3);
  const jets = Array.from({ length: 40 }, (_, i) => [[10, 0, 0], [10 * (1 + i / 40), 0.05 + 0.02 * i, 0.1 * rng.uniform()]]);
  const labels = jets.map((_, i) => i % 2);
  const b = JetBatch.fromNested(jets, { labels });
  const loo = await smearedLikelihood(b, { eps: [0, 1e-6], bootstrap: 10 });
  t.ok(loo.results.every((x) => x.empty_fraction === 1 && x.auc === 0.5), 'every ball empty: score 1/2, AUC 1/2');
  const self = await smearedLikelihood(b, { eps: [0, 1e-6], test: b, bootstrap: 10 });
  t.ok(self.results.every((x) => x.empty_fraction === 0 && x.auc === 1), 'as a separate test set each x finds itself');
  await t.rejects(smearedLikelihood(JetBatch.fromNested(jets), { eps: [1] }), /labels are required/);
  await t.rejects(smearedLikelihood(b, { eps: [-1] }), /eps/);
});

t.test('empty balls: fraction per eps, resolved fraction, flagged above the threshold', async (t) => {
  // 30 distinct jets far apart, the first 10 duplicated: at eps ~ 0 (leave-one-out) the 20 twins find each other
  // and the 20 single jets see an empty ball, so exactly half the balls are empty; at a large eps none is.
  const rng = new Rng(4);
  const base = Array.from({ length: 30 }, (_, i) => [[10, 0, 0], [10 * (1 + i / 30), 0.05 + 0.02 * i, 0.1 * rng.uniform()]]);
  const jets = [...base, ...base.slice(0, 10)];
  const b = JetBatch.fromNested(jets, { labels: jets.map((_, i) => i % 2) });
  const r = await smearedLikelihood(b, { eps: [1e-9, 100], bootstrap: 5 });
  t.equal(r.settings.empty_threshold, 0.05);
  t.equal(r.results[0].empty_fraction, 0.5);
  t.equal(r.results[0].resolved_fraction, 0.5);
  t.equal(r.results[0].flagged, true, '50% empty > 5%: flagged');
  t.equal(r.results[1].empty_fraction, 0);
  t.equal(r.results[1].flagged, false);
  const loose = await smearedLikelihood(b, { eps: [1e-9], bootstrap: 5, emptyThreshold: 0.6 });
  t.equal(loose.results[0].flagged, false, '50% empty <= 60%: not flagged');
  await t.rejects(smearedLikelihood(b, { eps: [1], emptyThreshold: 2 }), /empty threshold/);
  // The figure: flagged points in their own dashed series.
  const [auc, empty] = smearSections(r);
  // The curve's own series (the multiplicity and mass reference lines follow them).
  const series = (auc as { series: { label: string; dashed?: boolean; x: number[] }[] }).series.filter((s) => s.label.startsWith('smeared'));
  t.same(series.map((s) => [s.x, !!s.dashed]), [[[100], false], [[1e-9], true]]);
  t.match(series[1].label, /empty balls > 5%/);
  t.equal((empty as { series: unknown[] }).series.length, 3, 'empty, resolved, threshold');
});

t.test('default eps grid: 24 log-spaced values', async (t) => {
  const tpls = templates(9, 6);
  const ref = toySample(21, tpls, 60);
  const r = await smearedLikelihood(ref, { bootstrap: 5 });
  t.equal(r.results.length, 24);
  t.equal(r.settings.eps_source, 'default');
  const ratios = r.results.slice(1).map((x, i) => x.eps / r.results[i].eps);
  t.ok(ratios.every((q) => Math.abs(q - ratios[0]) < 1e-9 * ratios[0] && q > 1), 'constant ratio');
});
