import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { JetBatch } from '../src/jets/batch.js';
import { rocAuc } from '../src/models/auc.js';
import { Rng } from '../src/util/rng.js';
import {
  createModel, initTf, loadModel, modelInputs, predict, saveModel, splitIndices, tableInputs, train, type ModelKind,
} from '../src/models/index.js';

/** One-prong vs two-prong toy jets (label 1 = two prongs 0.3 apart). */
function prongJets(n: number, seed: number): JetBatch {
  const rng = new Rng(seed);
  const jets: number[][][] = [];
  const labels: number[] = [];
  for (let j = 0; j < n; j++) {
    const two = j % 2;
    const parts: number[][] = [];
    for (let i = 0; i < 6 + rng.int(6); i++) {
      const off = two && i % 2 ? 0.3 : 0;
      parts.push([1 + 5 * rng.uniform(), off + 0.05 * rng.normal(), 1 + 0.05 * rng.normal()]);
    }
    jets.push(parts);
    labels.push(two);
  }
  return JetBatch.fromNested(jets, { labels });
}

function table(n: number, seed: number) {
  const rng = new Rng(seed);
  const y = Float64Array.from({ length: n }, (_, i) => i % 2);
  const a = Float64Array.from(y, (v) => 100 + 20 * rng.normal() + 15 * v); // large offset: needs standardisation
  const b = Float64Array.from(y, (v) => 0.01 * rng.normal() - 0.01 * v);
  return tableInputs({ a, b }, ['a', 'b'], y);
}

/** All weights as one byte string (tap's deep compare is far too slow on 10^4-element arrays). */
const weightsOf = (m: ReturnType<typeof createModel>) =>
  Buffer.concat(m.net.getWeights().map((w) => Buffer.from((w.dataSync() as Float32Array).slice().buffer))).toString('hex');
const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

t.before(async () => {
  await initTf();
});

t.test('validation AUC helper', async (t) => {
  t.equal(rocAuc(Float64Array.from([0, 0, 1, 1]), Float64Array.from([0.1, 0.4, 0.35, 0.8])), 0.75);
  t.equal(rocAuc(Float64Array.from([0, 1, 1]), Float64Array.from([0.5, 0.5, 0.9])), 0.75, 'ties count 1/2');
  t.ok(Number.isNaN(rocAuc(Float64Array.from([1, 1]), Float64Array.from([0.1, 0.2]))));
});

t.test('seeded split covers every sample once', async (t) => {
  const s = splitIndices(101, 3);
  const all = [...s.train, ...s.val, ...s.test].sort((a, b) => a - b);
  t.same(all, Array.from({ length: 101 }, (_, i) => i));
  t.same(splitIndices(101, 3), s);
  t.notSame(splitIndices(101, 4).train, s.train);
});

t.test('determinism: same seed -> same initial weights, same trained predictions', async (t) => {
  for (const kind of ['dnn', 'efn', 'lipschitz-efn'] as ModelKind[]) {
    const opts = { seed: 11, latent: 8, nFeatures: 2 };
    const a = createModel(kind, opts);
    const b = createModel(kind, opts);
    const c = createModel(kind, { ...opts, seed: 12 });
    t.ok(weightsOf(a) === weightsOf(b), `${kind}: same initial weights`);
    t.ok(weightsOf(a) !== weightsOf(c), `${kind}: another seed, other weights`);
    const data = kind === 'dnn' ? table(200, 1) : modelInputs(a, prongJets(120, 1));
    await train(a, data, { epochs: 2, batchSize: 32 });
    await train(b, data, { epochs: 2, batchSize: 32 });
    t.ok(bytes(await predict(a, data)) === bytes(await predict(b, data)), `${kind}: same trained scores`);
  }
});

t.test('DNN learns with standardisation inside the model; early stopping and class weights', async (t) => {
  const m = createModel('dnn', { nFeatures: 2, featureNames: ['a', 'b'], seed: 2 });
  const seen: number[] = [];
  const r = await train(m, table(2000, 2), { epochs: 30, patience: 2, lr: 3e-3, onEpoch: (e) => seen.push(e.valAUC) });
  t.ok(r.testAUC > 0.75, `test AUC ${r.testAUC}`);
  t.equal(seen.length, r.history.length);
  t.ok(r.bestEpoch >= 1 && r.bestEpoch <= r.history.length);
  t.ok(Math.abs(m.meta.scaling!.mean[0] - 107.5) < 3, 'stored mean is the training mean');
  const w = await train(createModel('dnn', { nFeatures: 2, seed: 2 }), table(400, 3), { epochs: 1, classWeights: 'balanced' });
  t.ok(Number.isFinite(w.history[0].loss));
});

t.test('AbortSignal stops training', async (t) => {
  const ac = new AbortController();
  ac.abort();
  await t.rejects(train(createModel('dnn', { nFeatures: 2 }), table(100, 4), { signal: ac.signal }), /aborted/);
  await t.rejects(train(createModel('dnn', { nFeatures: 2 }), tableInputs({ a: [1, 2] }, ['a'])), /labels/);
  const mid = new AbortController();
  let epochs = 0;
  const run = train(createModel('dnn', { nFeatures: 2 }), table(400, 4), {
    epochs: 50,
    patience: 0,
    signal: mid.signal,
    onEpoch: () => {
      if (++epochs === 2) mid.abort();
    },
  });
  await t.rejects(run, /aborted/);
  t.equal(epochs, 2, 'stopped right after the abort');
});

t.test('save/load round trip reproduces scores bit for bit', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'jetlens-models-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const jets = prongJets(60, 5);
  for (const kind of ['dnn', 'efn', 'pfn', 'moments', 'lipschitz-efn', 'cnn'] as ModelKind[]) {
    const m = createModel(kind, { seed: 3, latent: 6, order: 3, nFeatures: 2, npix: 8, head: kind === 'efn' ? 'exp' : undefined });
    const data =
      kind === 'dnn' ? table(300, 5)
      : kind === 'cnn' ? { inputs: [{ data: Float32Array.from({ length: 40 * 64 }, (_, i) => (i * 7919) % 13 / 13), shape: [40, 8, 8, 1] }], labels: Float64Array.from({ length: 40 }, (_, i) => i % 2) }
      : modelInputs(m, jets);
    if (kind === 'dnn' || kind === 'moments') await train(m, data, { epochs: 1 });
    const before = await predict(m, data);
    const sub = join(dir, kind);
    await saveModel(m, sub);
    const back = await loadModel(sub);
    t.equal(back.kind, kind);
    t.same(back.options, m.options);
    t.ok(bytes(await predict(back, data)) === bytes(before), `${kind}: identical scores after load`);
    const meta = JSON.parse(await readFile(join(sub, 'jetlens.json'), 'utf8'));
    t.equal(meta.meta.seed, 3);
    t.ok(meta.meta.versions.tfjs, 'records the tfjs version');
    if (kind === 'dnn') t.ok(meta.meta.dataHash && meta.meta.scaling, 'dnn records data hash and scaling');
  }
  await t.rejects(loadModel(join(dir, 'nope')), /not a jetlens model directory/);
});
