import type { Command } from 'commander';
import { action, info } from './util.js';
import { outputFormat } from './output.js';

export const register = (program: Command) =>
  program
    .command('export')
    .description("write a model trained by `jetlens train` in Keras's HDF5 weights layout (.h5: h5py, Keras model.load_weights)")
    .requiredOption('--model <MODEL_DIR>', 'model directory written by jetlens train')
    .requiredOption('--out <file.h5>', 'output .h5: one group per layer with weight_names, plus the Keras topology JSON as an attribute')
    .action(
      action(async (o: { model: string; out: string }) => {
        outputFormat(o.out, ['h5']);
        const { initTf, loadModel } = await import('../models/index.js');
        const { exportKerasWeights } = await import('../models/export.js');
        await initTf({ log: info });
        const model = await loadModel(o.model);
        await exportKerasWeights(model, o.out);
        info(`wrote ${o.out}: ${model.net.layers.length} layers, ${model.net.countParams()} weights (${model.kind})`);
      }),
    );
