import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { initTf, tableInputs } from '../src/models/index.js';
import { Rng } from '../src/util/rng.js';
import { bootstrapPrediction, bootstrapTraining, efficiencies, resampleIndices, scanConfigurations, workingPoint } from '../src/studies/uncertainty/index.js';

/** Two gaussian features, signal shifted in both; labels alternate. */
function toy(n: number, seed: number) {
  const rng = new Rng(seed);
  const y = Float64Array.from({ length: n }, (_, i) => i % 2);
  const a = Float64Array.from(y, (v) => rng.normal() + 0.8 * v);
  const b = Float64Array.from(y, (v) => rng.normal() - 0.5 * v);
  return tableInputs({ a, b }, ['a', 'b'], y);
}

const modelOptions = { seed: 7, nFeatures: 2, hidden: [16, 16] };
const evalData = toy(1000, 99);

t.before(async () => {
  await initTf({ log: () => {} });
});

t.test('working point and efficiencies', async (t) => {
  const s = [0.1, 0.2, 0.3, 0.4, 0.9, 0.8, 0.7, 0.6];
  const y = [0, 0, 0, 0, 1, 1, 1, 1];
  const wp = workingPoint(s, y, 0.25);
  t.equal(wp.cut, 0.4);
  t.equal(wp.effBackground, 0.25);
  t.equal(wp.effSignal, 1);
  t.same(efficiencies(s, y, 0.75), { cut: 0.75, effSignal: 0.5, effBackground: 0 });
  t.throws(() => workingPoint(s, y, 0));
  const idx = resampleIndices(50, 3, 2);
  t.same(Array.from(idx), Array.from(resampleIndices(50, 3, 2)), 'resample indices are reproducible');
  t.ok(idx.every((i) => i < 50));
});

t.test('bootstrap of the evaluation set (model fixed)', async (t) => {
  const rng = new Rng(1);
  const y = Float64Array.from({ length: 2000 }, (_, i) => i % 2);
  const s = Float64Array.from(y, (v) => rng.normal() + v);
  const small = bootstrapPrediction(s.subarray(0, 200), y.subarray(0, 200), { resamples: 100, seed: 2 });
  const large = bootstrapPrediction(s, y, { resamples: 100, seed: 2 });
  t.ok(small.auc.std > 0 && large.auc.std > 0);
  t.ok(large.auc.std < small.auc.std, `AUC spread shrinks with the evaluation set (${small.auc.std} -> ${large.auc.std})`);
  t.ok(Math.abs(large.auc.mean - 0.76) < 0.03, `AUC mean ${large.auc.mean} near the gaussian value 0.76`);
  t.ok(large.effSignal.std > 0);
});

t.test('bootstrap of the training set: spread non-zero, shrinks with n, resumable', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'jetlens-unc-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const run = (n: number, epochs: number, outDir?: string) =>
    bootstrapTraining({ kind: 'dnn', modelOptions, data: toy(n, 5), evalData, resamples: 4, seed: 11, trainOptions: { epochs, batchSize: 64, lr: 3e-3 }, outDir });
  // About the same number of gradient steps at both sizes, so the comparison is about the data, not the training.
  const small = await run(400, 40, join(dir, 'small'));
  const large = await run(3200, 5);
  t.ok(small.meanScoreStd > 0, 'spread is non-zero');
  t.ok(large.meanScoreStd < small.meanScoreStd, `mean per-event score std shrinks: n=400 ${small.meanScoreStd.toFixed(4)} -> n=3200 ${large.meanScoreStd.toFixed(4)}`);
  t.ok(small.auc.mean > 0.7, `AUC ${small.auc.mean}`);
  t.ok(small.effSignal.std > 0, 'efficiency spread is non-zero');
  console.log(JSON.stringify({ n400: { scoreStd: small.meanScoreStd, aucStd: small.auc.std, effStd: small.effSignal.std }, n3200: { scoreStd: large.meanScoreStd, aucStd: large.auc.std, effStd: large.effSignal.std } }));
  const files = (await readdir(join(dir, 'small'))).sort();
  t.same(files, ['bootstrap.json', 'nominal.npy', 'resample-0.npy', 'resample-1.npy', 'resample-2.npy', 'resample-3.npy']);
  await rm(join(dir, 'small', 'resample-2.npy'));
  const again = await run(400, 40, join(dir, 'small'));
  t.equal(again.reused, 4, 'finished resamples (and the nominal model) are read back, the missing one retrained');
  t.same(Array.from(again.scoreStd), Array.from(small.scoreStd), 'same results after resuming');
  await t.rejects(run(400, 41, join(dir, 'small')), /other settings/, 'refuses to resume a run made with other settings');
});

t.test('configuration scan', async (t) => {
  const rows = await scanConfigurations(
    [
      { name: 'a', kind: 'dnn', modelOptions, trainOptions: { epochs: 10, lr: 3e-3 } },
      { name: 'b', kind: 'dnn', modelOptions: { ...modelOptions, hidden: [8], seed: 1 }, trainOptions: { epochs: 10, lr: 1e-2 } },
    ],
    { data: toy(800, 5), evalData },
  );
  t.same(rows.map((r) => r.name), ['a', 'b']);
  console.log(JSON.stringify(rows.map((r) => ({ name: r.name, auc: r.auc, effSignal: r.effSignal }))));
  for (const r of rows) t.ok(r.auc > 0.6 && r.effSignal > 0.1 && r.scores.length === 1000);
});
