// #21.5: a trained model exported in Keras's HDF5 weights layout reads back (h5wasm) to the same weights and the
// same predictions; the file has the attributes and dataset paths Keras's load_weights looks for.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './fixtures/cli.js';
import { cliState } from '../src/cli/util.js';
import { register as train } from '../src/cli/train.js';
import { register as exportCmd } from '../src/cli/export.js';
import { writeJets } from '../src/io/index.js';
import { generateMixture } from '../src/jets/generator/index.js';
import { initTf, loadModel, predict } from '../src/models/index.js';
import { importKerasWeights, readKerasWeights } from '../src/models/export.js';
import { readFileData } from './fixtures/models-export.js';

const dir = mkdtempSync(join(tmpdir(), 'jetlens-export-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
cliState.quiet = true;

t.test('efn: export to .h5, read back, same weights and same scores', async (t) => {
  const jets = join(dir, 't.npz');
  const batch = generateMixture({ signal: 'w', background: 'qcd', n: 40, seed: 4 });
  await writeJets(jets, batch);
  const run = (...a: string[]) => runCli([train, exportCmd], a);
  let r = await run('train', '--model', 'efn', '--in', jets, '--out', join(dir, 'efn'), '--epochs', '1', '--latent', '8');
  t.equal(r.code, 0, r.err);
  r = await run('export', '--model', join(dir, 'efn'), '--out', join(dir, 'efn.h5'));
  t.equal(r.code, 0, r.err);
  const bad = await run('export', '--model', join(dir, 'efn'), '--out', join(dir, 'efn.onnx'));
  t.equal(bad.code, 2);
  t.match(bad.err, /this command writes \.h5/);

  await initTf({});
  const a = await loadModel(join(dir, 'efn'));
  const w = await readKerasWeights(join(dir, 'efn.h5'));
  t.same([...w.keys()], a.net.layers.map((l) => l.name), 'layer_names in model order');
  for (const layer of a.net.layers) {
    const mine = layer.getWeights().map((x) => Array.from(x.dataSync()));
    t.same(w.get(layer.name)!.map((x) => Array.from(x.data)), mine, `${layer.name}: float32 weights equal`);
  }
  const b = await loadModel(join(dir, 'efn'));
  for (const layer of b.net.layers) layer.setWeights(layer.getWeights().map((x) => x.mul(0)));
  await importKerasWeights(b, join(dir, 'efn.h5'));
  const { efnInputs } = await import('../src/models/index.js');
  const data = efnInputs(batch, {});
  t.same(Array.from(await predict(b, data)), Array.from(await predict(a, data)), 'imported weights give the same scores');

  const raw = await readFileData(join(dir, 'efn.h5'));
  t.equal(raw.attrs.backend, 'tensorflow');
  t.match(raw.attrs.keras_version, /^2\./);
  t.ok(raw.datasetPaths.every((p) => /:0$/.test(p)), `Keras variable names end in ':0' (${raw.datasetPaths[0]})`);
  t.match(raw.attrs.jetlens_model_config, /"class_name"/, 'the Keras topology JSON travels with the weights');
});
