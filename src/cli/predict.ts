import type { Command } from 'commander';
import { outputFormat, writeOutput, TABLE_FORMATS } from './output.js';
import { readModelData } from '../models/files.js';
import { initTf, loadModel, predict, takeSamples, type TfBackendName } from '../models/index.js';
import { sampleCount } from '../models/inputs.js';
import { runShardedRows } from '../shard/run.js';
import { action, choice, info, intOption, shardOptions, type Register } from './util.js';

interface PredictCliOptions {
  model: string;
  in: string;
  out: string;
  batchSize: number;
  dataset?: string;
  backend?: TfBackendName;
  shard?: string;
  force?: boolean;
}

async function run(o: PredictCliOptions): Promise<void> {
  outputFormat(o.out, TABLE_FORMATS);
  await initTf({ backend: o.backend, log: info });
  const model = await loadModel(o.model);
  const mo = model.options;
  if (model.meta.imageSettingsAssumed && mo.pixels !== 'normalized') {
    info(`note: ${o.model} was saved before jetlens recorded how its images are made; images from jets are centred on the centroid, not rotated or flipped (studies of that time rotated and flipped: predict on their images.npy instead)`);
  }
  // The model's own image settings (cnn): predict from jets makes exactly the images it was trained on.
  const data = await readModelData(model.kind, o.in, {
    features: mo.featureNames, dataset: o.dataset, maxParticles: model.meta.maxParticles, withPid: mo.withPid,
    npix: mo.npix, imageWidth: mo.imageWidth, pixels: mo.pixels, imageCenter: mo.imageCenter, imageRotate: mo.imageRotate, imageFlip: mo.imageFlip,
  }, false);
  const settings = { model: model.meta, dataset: o.dataset };
  const ran = await runShardedRows({ command: 'predict', input: o.in, output: o.out, shard: o.shard, force: o.force, settings }, sampleCount(data), async ([a, b]) => {
    const part = o.shard ? takeSamples(data, Uint32Array.from({ length: b - a }, (_, i) => a + i)) : data;
    const scores = await predict(model, part, { batchSize: o.batchSize });
    await writeOutput(o.out, { arrays: { score: { data: scores, shape: [scores.length] } }, main: 'score', labels: part.labels });
    info(`wrote ${scores.length} ${model.kind} scores to ${o.out}`);
  });
  if (!ran) info(`predict: ${o.out} already holds shard ${o.shard} (use --force to redo)`);
}

export const register: Register = (program: Command) => {
  shardOptions(program
    .command('predict')
    .description('score data with a model saved by `jetlens train`; writes float64 scores (N,) as .npy, .npz, .csv or .h5. DATA as for train')
    .requiredOption('--model <MODEL_DIR>', 'model directory written by jetlens train')
    .requiredOption('--in <DATA>', "jets (particle models; cnn: imaged with the model's saved settings), feature table (dnn) or images (cnn)")
    .requiredOption('--out <file>', "scores: .npy (N,) float64, or .npz/.csv/.h5 with column 'score' (and the labels as 'y' when the input has them)")
    .option('--batch-size <n>', 'prediction batch size', intOption('batch-size', 1), 1024)
    .option('--dataset <name>', 'jets: particle array in the file (default X)')
    .option('--backend <name>', 'TensorFlow.js backend: wasm | cpu | tensorflow (default: automatic)', choice('backend', ['wasm', 'cpu', 'tensorflow'] as const)), 'the rows')
    .action(action(run));
};
