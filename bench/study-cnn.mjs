// The default study's CNN phase (src/studies/study-cnn.ts: 25x25 centred/rotated/flipped images, pT + occupancy, createModel('cnn'),
// train with batch 128, 85/15 split, patience 2, then predict every jet), timed on two backends on the same jets.
// Usage: npx tsc -p tsconfig.json && node bench/study-cnn.mjs [--n 1000 (jets per class)] [--epochs 1] [--backends wasm,jetlens]
import { generateMixture } from '../dist/jets/generator/index.js';
import { jetImages } from '../dist/jss/images.js';
import { createModel, initTf, pixelInputs, predict, splitIndices, takeSamples, train } from '../dist/models/index.js';
import { STUDY_CNN, STUDY_IMAGES } from '../dist/studies/study-cnn.js';

const args = process.argv.slice(2);
const arg = (k, d) => (args.indexOf(k) >= 0 ? args[args.indexOf(k) + 1] : d);
const n = Number(arg('--n', 1000)), epochs = Number(arg('--epochs', 1)), seed = 1;
const backends = arg('--backends', 'wasm,jetlens').split(',');

const jets = generateMixture({ signal: 'w', background: 'qcd', n, seed });
const im = await jetImages(jets, { ...STUDY_IMAGES });
const data = pixelInputs(im, STUDY_CNN(seed).pixels, jets.labels);
const trainIdx = splitIndices(jets.length, seed, [0.7, 0, 0.3]).train; // the study's 70/30 train/test rows
const rows = [];
for (const backend of backends) {
  await initTf({ backend });
  const model = createModel('cnn', STUDY_CNN(seed));
  const t0 = performance.now();
  const r = await train(model, takeSamples(data, trainIdx), { seed, epochs, batchSize: 128, split: [0.85, 0.15, 0], patience: 2 });
  const tTrain = (performance.now() - t0) / 1000;
  await predict(model, data);
  const total = (performance.now() - t0) / 1000;
  rows.push({ backend, trainSeconds: tTrain, phaseSeconds: total, valAUC: r.history.at(-1).valAUC });
  console.log(`${backend.padEnd(8)} CNN phase ${total.toFixed(1)} s (training ${tTrain.toFixed(1)} s, ${epochs} epoch(s) on ${Math.round(trainIdx.length * 0.85)} images, val AUC ${r.history.at(-1).valAUC.toFixed(3)})`);
  model.net.dispose();
}
if (rows.length === 2) console.log(`${rows[1].backend} / ${rows[0].backend}: ${(rows[0].phaseSeconds / rows[1].phaseSeconds).toFixed(1)}x shorter`);
console.log(JSON.stringify({ bench: 'study-cnn', jetsPerClass: n, epochs, rows }));
