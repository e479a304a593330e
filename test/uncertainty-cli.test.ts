import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runCli } from './fixtures/cli.js';
import { register as registerTrain } from '../src/cli/train.js';
import { register } from '../src/cli/uncertainty.js';
import { cliState } from '../src/cli/util.js';
import { parseNpy, writeJets, writeNpy, writeTable } from '../src/io/index.js';
import { auc } from '../src/metrics/index.js';
import { generateMixture } from '../src/jets/generator/index.js';
import { createModel, efnInputs, initTf, loadModel, predict, saveModel, tableInputs, train } from '../src/models/index.js';
import { distanceCorrelationSquared } from '../src/studies/uncertainty/index.js';
import { Rng } from '../src/util/rng.js';

const dir = mkdtempSync(join(tmpdir(), 'jetlens-unc-cli-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
cliState.quiet = true;

async function cli(...args: string[]): Promise<{ rc: number; out: string }> {
  const r = await runCli([register, registerTrain], args);
  return { rc: r.code, out: r.out + r.err };
}

const rng = new Rng(1);
const n = 600;
const y = Float64Array.from({ length: n }, (_, i) => i % 2);
const mass = Float64Array.from(y, (v) => (v ? 0.5 + 0.08 * rng.normal() : rng.uniform()));
const x = Float64Array.from(y, (v) => rng.normal() + v);
const table = join(dir, 'obs.csv');

t.before(() => writeTable(table, { mass, x, y }));

t.test('uncertainty bootstrap: files, summary, resume', async (t) => {
  const out = join(dir, 'boot');
  const args = ['uncertainty', 'bootstrap', '--model', 'dnn', '--in', table, '--out', out, '--resamples', '3', '--epochs', '3', '--hidden', '8,8', '--lr', '0.01', '--no-report'];
  const first = await cli(...args);
  t.equal(first.rc, 0, first.out);
  t.same(readdirSync(out).sort(), ['bootstrap.json', 'eval-labels.npy', 'nominal.npy', 'resample-0.npy', 'resample-1.npy', 'resample-2.npy', 'score-mean.npy', 'score-std.npy', 'summary.json']);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  t.equal(s.resamples, 3);
  t.equal(s.auc.values.length, 3);
  t.ok(s.auc.mean > 0.6 && s.auc.std > 0 && s.meanScoreStd > 0);
  const again = await cli(...args);
  t.equal(again.rc, 0);
  const s2 = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  t.equal(s2.reused, 4, 'resumed: nothing retrained');
  t.same(s2.auc, s.auc);
});

t.test('uncertainty prediction', async (t) => {
  await writeNpy(join(dir, 's.npy'), { data: x, shape: [n] });
  await writeNpy(join(dir, 'y.npy'), { data: y, shape: [n] });
  const r = await cli('uncertainty', 'prediction', '--scores', join(dir, 's.npy'), '--labels', join(dir, 'y.npy'), '--resamples', '50');
  t.equal(r.rc, 0, r.out);
  const j = JSON.parse(r.out);
  t.ok(j.auc.std > 0 && j.auc.mean > 0.6 && j.workingPoint.effBackground > 0);
  const out = join(dir, 'pred');
  const w = await cli('uncertainty', 'prediction', '--scores', join(dir, 's.npy'), '--labels', join(dir, 'y.npy'), '--resamples', '50', '--out', out);
  t.equal(w.rc, 0, w.out);
  t.same(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')), j, 'with --out: the same summary, written');
  t.ok(['auc-resamples.npy', 'report.json', 'index.html', 'figures'].every((f) => readdirSync(out).includes(f)));
});

t.test('uncertainty decorrelate', async (t) => {
  const out = join(dir, 'disco');
  const r = await cli('uncertainty', 'decorrelate', '--in', table, '--out', out, '--strength', '0,5', '--epochs', '2', '--hidden', '8', '--bins', '5');
  t.equal(r.rc, 0, r.out);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  t.same(s.rows.map((row: { lambda: number }) => row.lambda), [0, 5]);
  t.equal(s.edges.length, 6);
  t.equal(s.rows[0].before.length, 5);
  t.same(readdirSync(out).sort(), ['figures', 'index.html', 'report.json', 'scores-lambda-0.npy', 'scores-lambda-5.npy', 'summary.json'], 'the report by default');
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  const trade = report.sections[0];
  t.equal(trade.type, 'line');
  const points = trade.series.filter((x: { mark?: string }) => x.mark === 'points');
  t.same(points.map((p: { x: number[]; y: number[] }) => [p.x[0], p.y[0]]), s.rows.map((row: { dCorr: number; auc: number }) => [row.dCorr, row.auc]), 'trade-off points: the summary values');
  const figures = readdirSync(join(out, 'figures'));
  t.equal(figures.filter((f) => f.endsWith('.svg')).length, 4, 'trade-off, JSD, two sculpting histograms');
  t.equal(figures.filter((f) => f.endsWith('.png')).length, 4);
  t.match(readFileSync(join(out, 'index.html'), 'utf8'), /Trade-off: AUC versus residual dependence on mass/);
  const quiet = await cli('uncertainty', 'decorrelate', '--in', table, '--out', join(dir, 'disco-nr'), '--strength', '0', '--epochs', '1', '--hidden', '4', '--no-report');
  t.equal(quiet.rc, 0, quiet.out);
  t.same(readdirSync(join(dir, 'disco-nr')).sort(), ['scores-lambda-0.npy', 'summary.json'], '--no-report: no figures');
});

t.test('uncertainty worst-case on a saved EFN', async (t) => {
  await initTf({ log: () => {} });
  const jets = generateMixture({ signal: 'w', background: 'qcd', n: 100, seed: 4 });
  const jetsFile = join(dir, 'wq.npz');
  await writeJets(jetsFile, jets);
  const model = createModel('efn', { seed: 1, latent: 4, phiSizes: [8], hidden: [8] });
  model.meta.maxParticles = 12;
  await train(model, efnInputs(jets, { maxParticles: 12 }), { epochs: 2, split: [1, 0, 0], patience: 0 });
  await saveModel(model, join(dir, 'efn'));
  const out = join(dir, 'worst');
  const r = await cli('uncertainty', 'worst-case', '--model', join(dir, 'efn'), '--in', jetsFile, '--out', out, '--epochs', '2', '--lambda-obs', 'mass=5,pt=1', '--direction', 'down', '--checkpoints', '1,2');
  t.equal(r.rc, 0, r.out);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  t.equal(s.direction, 'down');
  t.same(Object.keys(s.constraints.observables).sort(), ['mass', 'pt']);
  t.ok(Number.isFinite(s.effSignalShift));
  t.same(readdirSync(out).sort(), ['figures', 'index.html', 'perturbed-scores.npy', 'report.json', 'scores.npy', 'summary.json']);
  t.same(s.history.map((h: { epoch: number }) => h.epoch), [1, 2], 'loss and shift per epoch');
  t.same(s.checkpoints.map((c: { epoch: number }) => c.epoch), [1, 2]);
  t.equal(s.checkpoints[1].effSignalShift, s.effSignalShift);
  const bad = await cli('uncertainty', 'worst-case', '--model', join(dir, 'efn'), '--in', jetsFile, '--out', out, '--lambda-obs', 'mass');
  t.equal(bad.rc, 2, 'usage error');
});

t.test('uncertainty scan: configurations side by side, deterministic, numbers equal the written scores', async (t) => {
  const configs = join(dir, 'configs.json');
  const list = [
    { name: 'small', model: 'dnn', hidden: [4], epochs: 3, lr: 0.01 },
    { name: 'small, seed 1', model: 'dnn', hidden: [4], seed: 1, epochs: 3, lr: 0.01 },
    { name: 'wide', model: 'dnn', hidden: [16, 16] },
  ];
  writeFileSync(configs, JSON.stringify(list));
  const out = join(dir, 'scan');
  const r = await cli('uncertainty', 'scan', '--configs', configs, '--in', table, '--out', out, '--epochs', '2', '--lr', '0.01');
  t.equal(r.rc, 0, r.out);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  t.same(s.rows.map((x: { name: string }) => x.name), list.map((c) => c.name));
  t.same(s.rows.map((x: { epochs: number; seed: number }) => [x.epochs, x.seed]), [[3, 0], [3, 1], [2, 0]], 'per-configuration settings, defaults from the flags');
  const labels = parseNpy(readFileSync(join(out, 'eval-labels.npy'))).data as Float64Array;
  for (const [k, row] of s.rows.entries()) {
    const scores = parseNpy(readFileSync(join(out, `scores-${k}.npy`))).data as Float64Array;
    t.ok(Math.abs(auc(scores, labels).auc - row.auc) < 1e-12, `${row.name}: AUC equals the written scores' AUC`);
    t.ok(row.auc > 0.6, `${row.name}: learned something (AUC ${row.auc})`);
  }
  t.not(s.rows[0].auc, s.rows[1].auc, 'the initialisation seed changes the result');
  t.ok(['report.json', 'index.html', 'figures'].every((f) => readdirSync(out).includes(f)), 'figures written');
  const again = await cli('uncertainty', 'scan', '--configs', configs, '--in', table, '--out', join(dir, 'scan2'), '--epochs', '2', '--lr', '0.01', '--no-report');
  t.equal(again.rc, 0, again.out);
  t.same(JSON.parse(readFileSync(join(dir, 'scan2', 'summary.json'), 'utf8')).rows, s.rows, 'same seeds, same numbers');
  const bad = async (list: unknown, re: RegExp) => {
    writeFileSync(configs, JSON.stringify(list));
    const b = await cli('uncertainty', 'scan', '--configs', configs, '--in', table, '--out', join(dir, 'scan-bad'));
    t.equal(b.rc, 1);
    t.match(b.out, re);
  };
  await bad([], /expected a non-empty JSON list/);
  await bad([{ model: 'dnn', hiden: [3] }], /configuration 0: unknown key\(s\) hiden/);
  await bad([{ model: 'cnn' }], /"model" must be one of dnn, efn/);
  await bad([{ name: 'a', model: 'dnn' }, { name: 'a', model: 'dnn' }], /configuration 1: name 'a' is used twice/);
  await bad([{ model: 'dnn', hidden: [0] }], /"hidden" must be a list of positive integers/);
  await bad([{ model: 'dnn' }, { model: 'efn' }], /all dnn \(a feature table\) or all particle models/);
  writeFileSync(configs, '{ not json');
  const nj = await cli('uncertainty', 'scan', '--configs', configs, '--in', table, '--out', join(dir, 'scan-bad'));
  t.match(nj.out, /configs.json: cannot read the configurations/);
});

t.test('bad input: one-line error, exit 1', async (t) => {
  const a = await cli('uncertainty', 'decorrelate', '--in', table, '--out', join(dir, 'x'), '--against', 'nope');
  t.equal(a.rc, 1);
  t.match(a.out, /no column 'nope'/);
  const b = await cli('uncertainty', 'bootstrap', '--model', 'dnn', '--in', table, '--out', join(dir, 'y'), '--resamples', '1');
  t.equal(b.rc, 2, '--resamples 1 is a usage error');
  const c = await cli('uncertainty', 'bootstrap', '--model', 'dnn', '--in', join(dir, 'missing.csv'), '--out', join(dir, 'z'));
  t.equal(c.rc, 1);
});

t.test('train --decorrelate mass --strength L: saves a dnn whose background score is less mass-dependent', async (t) => {
  // A feature that carries the mass (mz) and one that does not (x): without the penalty the dnn leans on mz.
  const r2 = new Rng(7);
  const mz = Float64Array.from(mass, (m) => m + 0.05 * r2.normal());
  const file = join(dir, 'dec.csv');
  await writeTable(file, { mass, mz, x, y });
  const bgCorr = async (modelDir: string) => {
    const model = await loadModel(modelDir);
    const s = await predict(model, tableInputs({ mz, x }, ['mz', 'x']));
    const bg = Array.from(y.keys()).filter((i) => y[i] === 0);
    model.net.dispose();
    return Math.sqrt(distanceCorrelationSquared(bg.map((i) => s[i]), bg.map((i) => mass[i])));
  };
  const common = ['train', '--model', 'dnn', '--in', file, '--decorrelate', 'mass', '--epochs', '15', '--lr', '0.01', '--batch-size', '200'];
  const plain = await cli(...common, '--out', join(dir, 'dec0'), '--strength', '0', '--no-report');
  t.equal(plain.rc, 0, plain.out);
  const strong = await cli(...common, '--out', join(dir, 'dec30'), '--strength', '30');
  t.equal(strong.rc, 0, strong.out);
  const meta = JSON.parse(readFileSync(join(dir, 'dec30', 'jetlens.json'), 'utf8'));
  t.notOk(readdirSync(join(dir, 'dec0')).includes('report.json'), '--no-report');
  t.same(meta.meta.decorrelation, { against: 'mass', strength: 30 });
  t.same(meta.options.featureNames, ['mz', 'x'], 'the decorrelation column is not a default feature');
  t.ok(['report.json', 'index.html', 'figures'].every((f) => readdirSync(join(dir, 'dec30')).includes(f)), 'figures in the model directory');
  const rep = JSON.parse(readFileSync(join(dir, 'dec30', 'report.json'), 'utf8'));
  t.same(rep.sections.map((x: { type: string }) => x.type), ['line', 'histogram']);
  t.equal(rep.sections[0].series[0].x.length, 15, 'loss per epoch');
  const [c0, c30] = [await bgCorr(join(dir, 'dec0')), await bgCorr(join(dir, 'dec30'))];
  console.log(JSON.stringify({ dCorrStrength0: c0, dCorrStrength30: c30 }));
  t.ok(c30 < c0 / 2, `background dCorr(score, mass): ${c0} at strength 0, ${c30} at strength 30`);
  const bad = await cli('train', '--model', 'efn', '--in', file, '--out', join(dir, 'decx'), '--decorrelate', 'mass');
  t.equal(bad.rc, 1);
  t.match(bad.out, /--decorrelate works on the dnn/);
  const missing = await cli('train', '--model', 'dnn', '--in', file, '--out', join(dir, 'decy'), '--decorrelate', 'nope');
  t.equal(missing.rc, 1);
  t.match(missing.out, /no column 'nope'/);
});
