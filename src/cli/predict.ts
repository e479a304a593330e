import type { Command } from 'commander';
import { writeNpy } from '../io/index.js';
import { readModelData } from '../models/files.js';
import { initTf, loadModel, predict, type TfBackendName } from '../models/index.js';
import { choice } from './train.js';
import { action, info, intOption, type Register } from './util.js';

interface PredictCliOptions {
  model: string;
  in: string;
  out: string;
  batchSize: number;
  dataset?: string;
  backend?: TfBackendName;
}

async function run(o: PredictCliOptions): Promise<void> {
  await initTf({ backend: o.backend, log: info });
  const model = await loadModel(o.model);
  const data = await readModelData(model.kind, o.in, {
    features: model.options.featureNames,
    dataset: o.dataset,
    maxParticles: model.meta.maxParticles,
    withPid: model.options.withPid,
    npix: model.options.npix,
    imageWidth: model.options.imageWidth,
  }, false);
  const scores = await predict(model, data, { batchSize: o.batchSize });
  await writeNpy(o.out, { data: scores, shape: [scores.length] });
  info(`wrote ${scores.length} ${model.kind} scores to ${o.out}`);
}

export const register: Register = (program: Command) => {
  program
    .command('predict')
    .description('score data with a model saved by `jetlens train`; writes float64 scores (N,) as .npy. DATA as for train')
    .requiredOption('--model <MODEL_DIR>', 'model directory written by jetlens train')
    .requiredOption('--in <DATA>', 'jets (particle models), feature table (dnn) or images (cnn)')
    .requiredOption('--out <scores.npy>', 'output scores')
    .option('--batch-size <n>', 'prediction batch size', intOption('batch-size', 1), 1024)
    .option('--dataset <name>', 'jets: particle array in the file (default X)')
    .option('--backend <name>', 'TensorFlow.js backend: wasm | cpu | tensorflow (default: automatic)', choice('backend', ['wasm', 'cpu', 'tensorflow'] as const))
    .action(action(run));
};
