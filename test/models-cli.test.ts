import t from 'tap';
import { runCli } from './fixtures/cli.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register as registerPredict } from '../src/cli/predict.js';
import { register as registerTrain } from '../src/cli/train.js';
import { cliState } from '../src/cli/util.js';
import { readArray, readJets, writeJets, writeNpy, writeTable } from '../src/io/index.js';
import { generateMixture } from '../src/jets/generator/index.js';
import { cnnInputs, efnInputs, loadModel, predict, tableInputs } from '../src/models/index.js';
import { Rng } from '../src/util/rng.js';

const dir = mkdtempSync(join(tmpdir(), 'jetlens-models-cli-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
cliState.quiet = true;

async function cli(...args: string[]): Promise<number> {
  const r = await runCli([registerTrain, registerPredict], args);
  process.stderr.write(r.err); // callers read stderr themselves
  return r.code;
}

t.test('train + predict an EFN on generated W vs QCD jets; scores match the API', async (t) => {
  const jetsFile = join(dir, 'wq.npz');
  await writeJets(jetsFile, generateMixture({ signal: 'w', background: 'qcd', n: 150, seed: 3 }));
  const modelDir = join(dir, 'efn');
  t.equal(await cli('train', '--model', 'efn', '--in', jetsFile, '--out', modelDir, '--epochs', '2', '--latent', '8', '--seed', '5'), 0);
  const scoresFile = join(dir, 'efn.npy');
  t.equal(await cli('predict', '--model', modelDir, '--in', jetsFile, '--out', scoresFile), 0);
  const scores = await readArray(scoresFile);
  const model = await loadModel(modelDir);
  t.equal(model.meta.seed, 5);
  t.match(model.meta.dataHash, /^[0-9a-f]{64}$/);
  const api = await predict(model, efnInputs(await readJets(jetsFile)));
  t.same(Array.from(scores.data as Float64Array), Array.from(api));
});

t.test('dnn on a feature table; cnn on images from .npy', async (t) => {
  const rng = new Rng(1);
  const n = 300;
  const y = Float64Array.from({ length: n }, (_, i) => i % 2);
  const table = join(dir, 'hl.csv');
  await writeTable(table, { mass: y.map((v) => 50 + 30 * v + 10 * rng.normal()), tau21: y.map((v) => 0.6 - 0.2 * v + 0.1 * rng.normal()), y });
  t.equal(await cli('train', '--model', 'dnn', '--in', table, '--out', join(dir, 'dnn'), '--epochs', '3', '--features', 'mass,tau21'), 0);
  t.equal(await cli('predict', '--model', join(dir, 'dnn'), '--in', table, '--out', join(dir, 'dnn.npy')), 0);
  const dnn = await loadModel(join(dir, 'dnn'));
  t.same(dnn.options.featureNames, ['mass', 'tau21']);
  t.ok(Math.abs(dnn.meta.scaling!.mean[0] - 65) < 5, 'scaling stored');
  const s = await readArray(join(dir, 'dnn.npy'));
  const cols = { mass: [50, 80], tau21: [0.6, 0.4] };
  t.equal(s.shape[0], n);
  const direct = await predict(dnn, tableInputs(cols, ['mass', 'tau21']));
  t.ok(direct[1] > direct[0], 'W-like row scores higher');

  const images = new Float64Array(40 * 64).map(() => Math.abs(rng.normal()));
  await writeNpy(join(dir, 'img.npy'), { data: images, shape: [40, 8, 8] });
  await writeNpy(join(dir, 'lab.npy'), { data: Float64Array.from({ length: 40 }, (_, i) => i % 2), shape: [40] });
  t.equal(await cli('train', '--model', 'cnn', '--in', join(dir, 'img.npy'), '--labels', join(dir, 'lab.npy'), '--out', join(dir, 'cnn'), '--epochs', '1'), 0);
  t.equal(await cli('predict', '--model', join(dir, 'cnn'), '--in', join(dir, 'img.npy'), '--out', join(dir, 'cnn.npy')), 0);
  t.equal((await readArray(join(dir, 'cnn.npy'))).shape[0], 40);

  // CNN straight from jets: images made with jss jetImages at the model's npix and width
  const jetsFile = join(dir, 'wq-img.npz');
  await writeJets(jetsFile, generateMixture({ signal: 'w', background: 'qcd', n: 30, seed: 8 }));
  t.equal(await cli('train', '--model', 'cnn', '--in', jetsFile, '--npix', '10', '--image-width', '0.8', '--out', join(dir, 'cnnj'), '--epochs', '1'), 0);
  t.equal(await cli('predict', '--model', join(dir, 'cnnj'), '--in', jetsFile, '--out', join(dir, 'cnnj.npy')), 0);
  const cnnj = await loadModel(join(dir, 'cnnj'));
  t.equal(cnnj.options.npix, 10);
  t.equal(cnnj.options.imageWidth, 0.8);
  const fromJets = await predict(cnnj, await cnnInputs(cnnj, await readJets(jetsFile)));
  t.ok(bytesEqual((await readArray(join(dir, 'cnnj.npy'))).data as Float64Array, fromJets), 'CLI scores = cnnInputs + predict');
});

function bytesEqual(a: Float64Array, b: Float64Array): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

t.test('bad input: one-line error, exit 1', async (t) => {
  t.equal(await cli('train', '--model', 'efn', '--in', join(dir, 'missing.npz'), '--out', join(dir, 'x')), 1);
  t.equal(await cli('predict', '--model', join(dir, 'nope'), '--in', join(dir, 'hl.csv'), '--out', join(dir, 'x.npy')), 1);
  t.equal(await cli('train', '--model', 'cnn', '--in', join(dir, 'img.npy'), '--out', join(dir, 'x')), 1, 'cnn without labels');
});
