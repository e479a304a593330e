import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMixture } from '../src/jets/generator/index.js';
import { jetImages } from '../src/jss/images.js';
import { cnnInputs, createModel, initTf, loadModel, pixelInputs, predict, saveModel, train } from '../src/models/index.js';
import { STUDY_CNN, STUDY_IMAGES } from '../src/studies/study.js';

// The study's CNN input (docs/guided.md "Why the CNN lost"): pixels in GeV plus an occupancy channel, 25x25 on
// [-0.8, 0.8]^2 so that two 0.1 towers never share a pixel.

t.test('pixelInputs: gev+occupancy channels, normalized = image / sum', async (t) => {
  const img = { data: Float32Array.from([0, 50, 0, 150, 0, 0, 0, 0, 1]), shape: [1, 3, 3] };
  const two = pixelInputs(img, 'gev+occupancy', [1]);
  t.same(two.inputs[0].shape, [1, 3, 3, 2]);
  const d = Array.from(two.inputs[0].data);
  t.same(d.filter((_, i) => i % 2 === 0).map((v) => +v.toFixed(6)), [0, 0.5, 0, 1.5, 0, 0, 0, 0, 0.01], 'pT / 100 GeV');
  t.same(d.filter((_, i) => i % 2 === 1), [0, 1, 0, 1, 0, 0, 0, 0, 1], 'occupancy');
  const one = pixelInputs(img, 'normalized');
  t.same(one.inputs[0].shape, [1, 3, 3, 1]);
  t.ok(Math.abs(Array.from(one.inputs[0].data).reduce((a, b) => a + b, 0) - 1) < 1e-6, 'sums to 1');
  t.throws(() => pixelInputs({ data: new Float32Array(6), shape: [1, 2, 3] }, 'gev+occupancy'), /npix, npix/);
});

// Towers on a fixed 0.1 grid ('centre') never share a 0.064 pixel; with the generator's default random position in
// the cell (as Delphes) a few percent do, so the occupancy channel counts towers to within that.
t.test('study geometry: occupancy counts the towers (exactly for centred towers)', async (t) => {
  for (const towerPosition of ['centre', 'random'] as const) {
    const jets = generateMixture({ signal: 'w', background: 'qcd', n: 60, seed: 3, towerPosition });
    const im = await jetImages(jets, { ...STUDY_IMAGES });
    const px = STUDY_IMAGES.npix ** 2;
    let inside = 0;
    let occupied = 0;
    for (let j = 0; j < jets.length; j++) {
      for (let k = 0; k < px; k++) if (im.data[j * px + k] > 0) occupied++;
      inside += jets.offsets[j + 1] - jets.offsets[j];
    }
    inside -= im.dropped;
    if (towerPosition === 'centre') t.equal(occupied, inside, `centre: occupied pixels = towers inside the square (${inside})`);
    else t.ok(occupied <= inside && occupied >= 0.9 * inside, `random: occupied pixels ${occupied} within 10% of the towers (${inside})`);
    t.ok(im.dropped / (inside + im.dropped) < 0.01, `${towerPosition}: under 1% of towers outside [-0.8, 0.8]^2 (${im.dropped})`);
  }
});

t.test('study CNN: two input channels, trains, round-trips, cnnInputs makes its pixels', async (t) => {
  await initTf();
  const jets = generateMixture({ signal: 'w', background: 'qcd', n: 40, seed: 5 });
  const model = createModel('cnn', STUDY_CNN(2));
  t.same(model.net.inputs[0].shape, [null, 25, 25, 2]);
  const im = await jetImages(jets, { ...STUDY_IMAGES });
  const data = pixelInputs(im, 'gev+occupancy', jets.labels);
  const r = await train(model, data, { epochs: 1, batchSize: 16, split: [0.8, 0.2, 0], worker: false });
  t.ok(Number.isFinite(r.history[0].loss), 'finite loss');
  const s = await predict(model, data);
  t.ok(s.every((v) => v > 0 && v < 1), 'sigmoid scores');
  const dir = mkdtempSync(join(tmpdir(), 'jl-study-cnn-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  await saveModel(model, dir);
  const back = await loadModel(dir);
  t.equal(back.options.pixels, 'gev+occupancy');
  t.equal(back.options.cnnLayers, 'compact');
  // cnnInputs: same pixels (no rotation there, so compare shapes and channels, not scores)
  const fromJets = await cnnInputs(back, jets);
  t.same(fromJets.inputs[0].shape, [jets.length, 25, 25, 2]);
  t.throws(() => createModel('cnn', { pixels: 'raw' as never }), /pixels must be one of/);
  model.net.dispose();
  back.net.dispose();
});

t.test('runStudy end to end at a tiny size: the study CNN, the premise, per-phase CPU-seconds', async (t) => {
  const { runStudy } = await import('../src/studies/study.js');
  const { readArray } = await import('../src/io/index.js');
  const { readFileSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'jl-study-run-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const r = await runStudy({
    outDir: dir, n: 80, seed: 2, cnnEpochs: 1, dnnEpochs: 2, passes: 1, ensemble: { members: 2 }, space: { select: 'd<=2', kappas: [1], betas: [1] },
  });
  t.same((await readArray(join(dir, 'images.npy'))).shape, [160, 25, 25], 'the study geometry');
  t.same(r.premise?.entries.map((e) => e.name), ['CNN', 'DNN(6HL)', 'DNN(mass, pT)']);
  const timing = JSON.parse(readFileSync(join(dir, 'timing.json'), 'utf8'));
  t.ok(timing['black box (CNN) (CPU s)'] > 0 && timing['total (CPU s)'] >= timing['black box (CNN) (CPU s)'], 'CPU-seconds per phase and in total');
  t.equal(timing.loadavg.length, 3, 'load average recorded');
  // The saved CNN carries its image settings: scores from the jets (cnnInputs, as `jetlens predict`) = the study's.
  const cnn = await loadModel(join(dir, 'cnn'));
  const { readJets } = await import('../src/io/index.js');
  const fromJets = await predict(cnn, await cnnInputs(cnn, await readJets(join(dir, 'jets.npz'))));
  const study = (await readArray(join(dir, 'cnn-scores.npy'))).data as Float64Array;
  t.ok(fromJets.every((v, i) => Math.abs(v - study[i]) < 1e-6), 'the saved CNN on the jets = cnn-scores.npy');
  cnn.net.dispose();
});
