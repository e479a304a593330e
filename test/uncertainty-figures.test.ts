import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { generateMixture } from '../src/jets/generator/index.js';
import { createModel, efnInputs, initTf, tableInputs } from '../src/models/index.js';
import { histogram, renderReport, validateSection, writeReportJson, type Section } from '../src/report/index.js';
import { bootstrapPredictionSections, bootstrapTrainingSections, decorrelationSections, histogramSection, scanSections, tprAt, worstCaseSections } from '../src/studies/uncertainty/figures.js';
import { adversarialShift, bootstrapPrediction, bootstrapTraining, decorrelationScan, scanConfigurations, workingPoint } from '../src/studies/uncertainty/index.js';
import { Rng } from '../src/util/rng.js';

const dir = mkdtempSync(join(tmpdir(), 'jetlens-unc-fig-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** Two gaussian features, signal shifted in both, and a mass-like column q tied to the first one on background. */
function toy(n: number, seed: number) {
  const rng = new Rng(seed);
  const y = Float64Array.from({ length: n }, (_, i) => i % 2);
  const a = Float64Array.from(y, (v) => rng.normal() + 0.8 * v);
  const b = Float64Array.from(y, (v) => rng.normal() - 0.5 * v);
  const q = Float64Array.from(a, (v) => v + 0.3 * rng.normal());
  return { data: tableInputs({ a, b }, ['a', 'b'], y), q, y };
}

const byType = <T extends Section['type']>(s: Section[], type: T) => s.filter((x): x is Extract<Section, { type: T }> => x.type === type);
const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);

/** Every section passes the schema; the whole report renders (SVG only, to stay fast). */
async function renders(t: Test, name: string, sections: Section[]) {
  sections.forEach((s, i) => t.doesNotThrow(() => validateSection(JSON.parse(JSON.stringify(s)), i), `${name}: section ${i} '${s.title}' is valid`));
  const out = join(dir, name);
  await writeReportJson(out, sections);
  const r = await renderReport(out, { png: false });
  t.ok(existsSync(r.index), `${name}: index.html`);
  t.equal(r.figures.length, sections.filter((s) => s.type !== 'table' && s.type !== 'text').length, `${name}: one SVG per figure`);
}

t.before(async () => {
  await initTf({ log: () => {} });
});

t.test('tprAt: signal efficiency at fixed background efficiencies', async (t) => {
  const s = [0.1, 0.2, 0.3, 0.4, 0.9, 0.8, 0.7, 0.35];
  const y = [0, 0, 0, 0, 1, 1, 1, 1];
  t.same(tprAt(s, y, [0.25, 0.5, 1]), [0.75, 1, 1]); // cuts 0.4, 0.3, 0.1
  const wp = workingPoint(s, y, 0.25);
  t.equal(tprAt(s, y, [0.25])[0], wp.effSignal, 'the same cut as workingPoint');
});

t.test('histogramSection: long samples are stored binned, and draw the same histogram', async (t) => {
  const rng = new Rng(8);
  const a = Array.from({ length: 3000 }, () => rng.normal());
  const b = Array.from({ length: 500 }, () => 2 + rng.normal());
  const h = histogramSection({ title: 'x', x: 'x', bins: 25, density: true }, [{ label: 'a', values: a }, { label: 'b', values: b }]);
  t.equal(h.series[0].values.length, 25, 'bin centres, not 3000 values');
  const lo = Math.min(...a, ...b), hi = Math.max(...a, ...b);
  t.same(h.range, [lo, hi]);
  for (const [k, raw] of [a, b].entries()) {
    const want = histogram(raw, undefined, 25, lo, hi, true).heights;
    const got = histogram(h.series[k].values, h.series[k].weights, 25, lo, hi, true).heights;
    got.forEach((g, i) => t.ok(Math.abs(g - want[i]) < 1e-12 * Math.max(1, want[i]), `series ${k} bin ${i}`));
  }
  const short = histogramSection({ title: 'x', x: 'x', bins: 5 }, [{ label: 'c', values: [1, 1, 1] }]);
  t.same(short.series[0].values, [1, 1, 1], 'short samples stay raw');
  t.same(short.range, [0.5, 1.5], 'a constant sample gets a unit-wide range');
  t.doesNotThrow(() => validateSection(h));
});

t.test('training bootstrap and configuration scan figures carry the summary numbers', async (t) => {
  const train = toy(300, 1), ev = toy(400, 2);
  const r = await bootstrapTraining({
    kind: 'dnn', modelOptions: { seed: 7, nFeatures: 2, hidden: [8] }, data: train.data, evalData: ev.data, resamples: 4, seed: 1,
    trainOptions: { epochs: 2, lr: 0.01 },
  });
  const sections = bootstrapTrainingSections(r, ev.y, { model: 'dnn', nTrain: 300, epochs: 2, effBackground: 0.1 });
  const [h] = byType(sections, 'histogram');
  t.same(h.series[0].values, Array.from(r.auc.values), 'AUC histogram: one value per resample');
  t.equal(sum(histogram(h.series[0].values, undefined, h.bins!, h.range![0], h.range![1], false).heights), 4, 'counts sum to B');
  t.same(h.fit!.x, [r.nominal.auc, r.nominal.auc], 'nominal AUC marked');
  const [roc] = byType(sections, 'roc');
  t.ok(roc.curves[0].band, 'ROC with a bootstrap band');
  t.equal(roc.curves[0].auc, r.nominal.auc);
  roc.curves[0].band!.tprLow.forEach((lo, k) => t.ok(lo <= roc.curves[0].band!.tprHigh[k]));
  const [table] = byType(sections, 'table');
  t.same(table.rows[0].slice(1), [r.nominal.auc, r.auc.mean, r.auc.std].map((x) => Number(x.toFixed(4))));
  t.same(table.rows[2].slice(2), [r.effSignalAtNominalCut.mean, r.effSignalAtNominalCut.std].map((x) => Number(x.toFixed(4))));
  const [spread] = byType(sections, 'line');
  t.same(spread.series.map((s) => s.label), ['signal', 'background']);
  await renders(t, 'boot', sections);

  const rows = await scanConfigurations(
    [{ name: 'small', kind: 'dnn', modelOptions: { seed: 1, nFeatures: 2, hidden: [4] }, trainOptions: { epochs: 2, lr: 0.01 } },
      { name: 'wide', kind: 'dnn', modelOptions: { seed: 1, nFeatures: 2, hidden: [16] }, trainOptions: { epochs: 2, lr: 0.01 } }],
    { data: train.data, evalData: ev.data },
  );
  const scan = scanSections(rows, ev.y, { effBackground: 0.1, resamples: 20 });
  const [line] = byType(scan, 'line');
  t.same(line.series[0].y, rows.map((x) => x.auc), 'one AUC per configuration');
  t.ok(line.series[0].yErr!.every((e) => e > 0), 'with bootstrap errors');
  t.same(byType(scan, 'table')[0].rows.map((x) => x[1]), ['small', 'wide']);
  await renders(t, 'scan', scan);
});

t.test('prediction bootstrap figures', async (t) => {
  const rng = new Rng(4);
  const y = Float64Array.from({ length: 500 }, (_, i) => i % 2);
  const s = Float64Array.from(y, (v) => rng.normal() + v);
  const r = bootstrapPrediction(s, y, { resamples: 30, seed: 2, effBackground: 0.2 });
  const sections = bootstrapPredictionSections(r, s, y, { seed: 2, effBackground: 0.2 });
  const [h] = byType(sections, 'histogram');
  t.same(h.series[0].values, Array.from(r.auc.values));
  t.equal(sum(histogram(h.series[0].values, undefined, h.bins!, h.range![0], h.range![1], false).heights), 30);
  const [table] = byType(sections, 'table');
  t.same(table.rows[1].slice(1), [r.workingPoint.effSignal, r.effSignal.mean, r.effSignal.std].map((x) => Number(x.toFixed(4))));
  await renders(t, 'prediction', sections);
});

t.test('decorrelation figures: one point per strength, sculpting histograms equal the summary', async (t) => {
  const train = toy(400, 5), ev = toy(300, 6);
  const { edges, rows } = await decorrelationScan([0, 5], {
    kind: 'dnn', modelOptions: { seed: 1, nFeatures: 2, hidden: [8] }, data: train.data, against: train.q, evalData: ev.data, evalAgainst: ev.q,
    train: { epochs: 2, lr: 0.01, batchSize: 100 }, bins: 8,
  });
  const sections = decorrelationSections(edges, rows, { against: 'q', features: ['a', 'b'], epochs: 2, effBackground: 0.1, nEval: 300 });
  const [trade] = byType(sections, 'line');
  const points = trade.series.filter((s) => s.mark === 'points');
  t.same(points.map((p) => p.label), ['lambda = 0', 'lambda = 5']);
  t.same(points.map((p) => [p.x[0], p.y[0]]), rows.map((r) => [r.dCorr, r.auc]), 'points are (dCorr, AUC) of the summary');
  const hists = byType(sections, 'histogram');
  t.equal(hists.length, 2, 'one before/after histogram per strength');
  hists.forEach((h, k) => {
    t.same(h.series[0].weights, Array.from(rows[k].before));
    t.same(h.series[1].weights, Array.from(rows[k].after));
    t.same(h.range, [edges[0], edges[edges.length - 1]]);
    t.equal(h.bins, 8);
    // Re-binned by the renderer, the counts land in the same bins.
    t.same(histogram(h.series[1].values, h.series[1].weights, 8, h.range![0], h.range![1], false).heights, Array.from(rows[k].after));
  });
  const [table] = byType(sections, 'table');
  t.same(table.rows.map((r) => r[0]), [0, 5]);
  t.same(table.rows.map((r) => r[3]), rows.map((r) => Number(r.jsd.toFixed(4))));
  await renders(t, 'disco', sections);
});

t.test('worst-case figures: before/after, history per epoch, perturbation size', async (t) => {
  const jets = generateMixture({ signal: 'w', background: 'qcd', n: 100, seed: 3 });
  const data = efnInputs(jets, { maxParticles: 12 });
  const model = createModel('efn', { seed: 1, latent: 4, phiSizes: [8], hidden: [8] });
  const r = await adversarialShift(model, data, { epochs: 3, lr: 1e-2, effBackground: 0.3, checkpoints: [1, 3] });
  model.net.dispose();
  t.equal(r.history.length, 3);
  t.same(r.checkpoints.map((c) => c.epoch), [1, 3]);
  t.equal(r.checkpoints[1].effSignalShift, r.effSignalShift, 'a checkpoint at the last epoch is the final result');
  const nBg = data.labels!.filter((y) => y !== 1).length;
  const sections = worstCaseSections(r, data.labels!, { lambdaCls: 100, lambdaObs: { mass: 100, pt: 100 }, epochs: 3, lr: 1e-2, seed: 0 });
  const [table] = byType(sections, 'table');
  t.same(table.rows[0].slice(1), [r.workingPoint.effSignal, r.perturbed.effSignal, r.effSignalShift].map((x) => Number(x.toFixed(4))));
  const obs = byType(sections, 'histogram').filter((h) => h.title.startsWith('Background'));
  t.same(obs.map((h) => h.title), ['Background mass before and after the perturbation', 'Background pt before and after the perturbation']);
  for (const h of obs) t.same(h.series.map((s) => s.values.length), [nBg, nBg], 'one value per background jet');
  const mass = r.backgroundObservables.mass;
  const meanAbs = mass.before.reduce((a, b, i) => a + Math.abs(b - mass.after[i]), 0) / nBg;
  t.ok(Math.abs(meanAbs - r.constraints.observables.mass.meanAbsDelta) < 1e-9, 'per-jet values reproduce the summary residual');
  const history = byType(sections, 'line');
  t.same(history[0].series[0].y, r.history.map((h) => h.loss));
  t.same(history[1].series[0].y, r.history.map((h) => h.effSignalShift));
  const size = byType(sections, 'histogram').filter((h) => h.title.startsWith('Perturbation size'));
  t.same(size.map((h) => h.series[0].values.length), [jets.length, jets.length], 'one size per jet');
  await renders(t, 'worst', sections);
});
