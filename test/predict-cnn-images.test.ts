import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './fixtures/cli.js';
import { register as registerPredict } from '../src/cli/predict.js';
import { register as registerTrain } from '../src/cli/train.js';
import { cliState } from '../src/cli/util.js';
import { readArray, readJets, writeJets, writeNpy } from '../src/io/index.js';
import { generateMixture } from '../src/jets/generator/index.js';
import { jetImages } from '../src/jss/images.js';
import { cnnImageOptions, cnnInputs, createModel, initTf, jetImagesForCnn, loadModel, pixelInputs, predict, saveModel, train } from '../src/models/index.js';
import { STUDY_CNN, STUDY_CNN_IMAGES, STUDY_IMAGES } from '../src/studies/study-cnn.js';

// `jetlens predict` straight from jets makes the images the model was trained on (its saved image settings): the
// study's 2-channel CNN (rotated, flipped, GeV + occupancy) and an old one-channel model alike.

const dir = mkdtempSync(join(tmpdir(), 'jetlens-predict-cnn-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
cliState.quiet = true;

async function cli(...args: string[]): Promise<{ code: number; err: string }> {
  return runCli([registerTrain, registerPredict], args);
}
const scores = async (f: string) => (await readArray(f)).data as Float64Array;
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/** Drops the image settings from a saved model's jetlens.json, as models saved before they were recorded. */
function makeLegacy(modelDir: string): void {
  const f = join(modelDir, 'jetlens.json');
  const doc = JSON.parse(readFileSync(f, 'utf8'));
  for (const k of ['imageCenter', 'imageRotate', 'imageFlip']) delete doc.options[k];
  writeFileSync(f, JSON.stringify(doc));
}

t.test("the study's CNN: predict on the jets = predict on the study's images (CLI and library)", async (t) => {
  await initTf();
  const jets = generateMixture({ signal: 'w', background: 'qcd', n: 30, seed: 11 });
  const jetsFile = join(dir, 'jets.npz');
  await writeJets(jetsFile, jets);
  // The study's way (src/studies/study.ts): GeV images with STUDY_IMAGES, pixelInputs, the STUDY_CNN model.
  const im = await jetImages(jets, { ...STUDY_IMAGES });
  await writeNpy(join(dir, 'images.npy'), { data: im.data, shape: im.shape });
  const data = pixelInputs(im, 'gev+occupancy', jets.labels);
  const model = createModel('cnn', { ...STUDY_CNN(3), ...STUDY_CNN_IMAGES });
  t.same(cnnImageOptions(model.options), STUDY_IMAGES, 'the saved settings are the study images');
  await train(model, data, { epochs: 1, batchSize: 16, split: [0.8, 0.2, 0], worker: false });
  const ref = await predict(model, data);
  await saveModel(model, join(dir, 'cnn'));
  model.net.dispose();

  t.equal((await cli('predict', '--model', join(dir, 'cnn'), '--in', jetsFile, '--out', join(dir, 'from-jets.npy'))).code, 0);
  t.equal((await cli('predict', '--model', join(dir, 'cnn'), '--in', join(dir, 'images.npy'), '--out', join(dir, 'from-images.npy'))).code, 0);
  const fromJets = await scores(join(dir, 'from-jets.npy'));
  t.ok(maxDiff(fromJets, ref) < 1e-6, `CLI from jets = study images (max |diff| ${maxDiff(fromJets, ref)})`);
  t.ok(maxDiff(await scores(join(dir, 'from-images.npy')), ref) < 1e-6, "CLI on the study's images.npy (GeV) = the same");
  // Not a constant: the rotation matters (unrotated images give other scores), so the test can fail.
  const loaded = await loadModel(join(dir, 'cnn'));
  t.notOk(loaded.meta.imageSettingsAssumed);
  const lib = await predict(loaded, await cnnInputs(loaded, jets));
  t.ok(maxDiff(lib, ref) < 1e-6, 'library cnnInputs + predict = the same');
  const unrotated = await predict(loaded, pixelInputs(await jetImages(jets, { ...STUDY_IMAGES, rotate: 'none', flip: false }), 'gev+occupancy'));
  t.ok(maxDiff(unrotated, ref) > 1e-4, 'images without the rotation give other scores');

  // Images that do not fit the model: a clear error naming both shapes, exit 1.
  await writeNpy(join(dir, 'small.npy'), { data: new Float32Array(4 * 100), shape: [4, 10, 10] });
  const bad = await cli('predict', '--model', join(dir, 'cnn'), '--in', join(dir, 'small.npy'), '--out', join(dir, 'x.npy'));
  t.equal(bad.code, 1);
  t.match(bad.err, /takes \(N, 25, 25, 2\) but the data give \(N, 10, 10, 2\).*25x25 images with 2 channel/);
  t.rejects(predict(loaded, pixelInputs(im, 'normalized')), /takes \(N, 25, 25, 2\) but the data give \(N, 25, 25, 1\)/);

  // The same model saved before the settings were recorded: marked, and predict says how its images are made.
  makeLegacy(join(dir, 'cnn'));
  t.ok((await loadModel(join(dir, 'cnn'))).meta.imageSettingsAssumed, 'legacy model marked');
  cliState.quiet = false;
  const legacy = await cli('predict', '--model', join(dir, 'cnn'), '--in', jetsFile, '--out', join(dir, 'legacy.npy'));
  cliState.quiet = true;
  t.equal(legacy.code, 0);
  t.match(legacy.err, /saved before jetlens recorded how its images are made/);
  loaded.net.dispose();
});

t.test('an old one-channel CNN (normalised images, no saved image settings) still predicts from jets', async (t) => {
  const jetsFile = join(dir, 'wq.npz');
  await writeJets(jetsFile, generateMixture({ signal: 'w', background: 'qcd', n: 20, seed: 4 }));
  const modelDir = join(dir, 'old');
  t.equal((await cli('train', '--model', 'cnn', '--in', jetsFile, '--npix', '10', '--image-width', '0.8', '--out', modelDir, '--epochs', '1')).code, 0);
  makeLegacy(modelDir);
  t.equal((await cli('predict', '--model', modelDir, '--in', jetsFile, '--out', join(dir, 'old.npy'))).code, 0);
  const m = await loadModel(modelDir);
  t.same([m.options.imageCenter, m.options.imageRotate, m.options.imageFlip, m.options.pixels], ['centroid', 'none', false, 'normalized'], 'defaults = what it was trained with');
  const jets = await readJets(jetsFile);
  const im = await jetImagesForCnn(jets, 10, 0.8);
  const direct = await predict(m, { inputs: [{ data: im.data, shape: [...im.shape, 1] }] });
  t.ok(maxDiff(await scores(join(dir, 'old.npy')), direct) < 1e-6, 'CLI = normalised jetImages + predict');
  m.net.dispose();
});
