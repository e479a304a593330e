import { type Command, InvalidArgumentError } from 'commander';
import { JetlensInputError } from '../errors.js';
import { readTable } from '../io/index.js';
import { fileHash, readModelData } from '../models/files.js';
import { createModel, initTf, MODEL_KINDS, predict, saveModel, train, type JetModel, type ModelData, type ModelKind, type TfBackendName } from '../models/index.js';
import { trainDecorrelated, decorrelatedTrainingSections } from '../studies/uncertainty/index.js';
import { writeFigures } from './semd-common.js';
import { action, choice, info, intOption, numberOption, type Register } from './util.js';


const listOption = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

function classWeightsOption(v: string): 'balanced' | [number, number] {
  if (v === 'balanced') return 'balanced';
  const w = v.split(',').map(Number);
  if (w.length !== 2 || !w.every((x) => Number.isFinite(x) && x > 0)) throw new InvalidArgumentError(`--class-weights: expected 'balanced' or W0,W1, got '${v}'`);
  return [w[0], w[1]];
}

interface TrainCliOptions {
  model: ModelKind;
  in: string;
  out: string;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  latent?: number;
  order: number;
  lipschitz: number;
  features?: string[];
  labels?: string;
  dataset?: string;
  maxParticles?: number;
  npix?: number;
  imageWidth?: number;
  patience: number;
  classWeights?: 'balanced' | [number, number];
  loss?: 'bce' | 'lr';
  pid?: boolean;
  backend?: TfBackendName;
  decorrelate?: string;
  strength: number;
  report: boolean;
}

/** The column to decorrelate from, read from the same table; by default it is not one of the features. */
async function decorrelationColumn(o: TrainCliOptions): Promise<{ against: Float64Array; features?: string[] }> {
  if (o.model !== 'dnn') throw new JetlensInputError(`--decorrelate works on the dnn (feature table input), not '${o.model}'`);
  if (o.loss === 'lr') throw new JetlensInputError('--decorrelate needs the bce loss (sigmoid head)');
  const cols = await readTable(o.in);
  const col = cols[o.decorrelate!];
  if (!col) throw new JetlensInputError(`no column '${o.decorrelate}' to decorrelate from (has: ${Object.keys(cols).join(', ')})`, { file: o.in });
  const labels = o.labels ?? 'y';
  return { against: col, features: o.features ?? Object.keys(cols).filter((k) => k !== labels && k !== 'w' && k !== o.decorrelate) };
}

/** BCE + lambda dCorr^2(score, q | background) on all rows (no validation split or early stopping: see docs/uncertainty.md). */
async function fitDecorrelated(model: JetModel, data: ModelData, against: Float64Array, o: TrainCliOptions): Promise<void> {
  info(`decorrelating from '${o.decorrelate}' with DisCo strength ${o.strength}: all ${against.length} rows train (no split)`);
  const history: { epoch: number; loss: number; bce: number; penalty: number }[] = [];
  await trainDecorrelated(model, data, against, {
    lambda: o.strength, epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, seed: o.seed,
    onEpoch: (e) => {
      history.push(e);
      info(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)} = BCE ${e.bce.toFixed(4)} + ${o.strength} x dCorr^2 ${e.penalty.toFixed(4)}`);
    },
  });
  model.meta.decorrelation = { against: o.decorrelate!, strength: o.strength };
  model.meta.epochs = o.epochs;
  await saveModel(model, o.out);
  info(`saved to ${o.out}`);
  if (!o.report) return;
  const scores = await predict(model, data);
  const sections = decorrelatedTrainingSections({ against: o.decorrelate!, lambda: o.strength, history, scores, labels: data.labels!, q: against });
  await writeFigures(o.out, sections, `train --decorrelate ${o.decorrelate}`);
}

async function run(o: TrainCliOptions): Promise<void> {
  await initTf({ backend: o.backend, log: info });
  const dec = o.decorrelate ? await decorrelationColumn(o) : undefined;
  const data = await readModelData(o.model, o.in, { ...o, features: dec?.features ?? o.features, withPid: o.pid }, true);
  const shape = data.inputs[0].shape;
  const model = createModel(o.model, {
    seed: o.seed,
    head: o.loss === 'lr' ? 'softplus' : 'sigmoid',
    latent: o.latent,
    order: o.order,
    lipschitz: o.lipschitz,
    withPid: o.pid ?? false,
    nFeatures: o.model === 'dnn' ? shape[1] : undefined,
    featureNames: data.featureNames,
    npix: o.model === 'cnn' ? shape[1] : undefined,
    imageWidth: o.imageWidth,
  });
  model.meta.dataFile = o.in;
  model.meta.dataHash = await fileHash(o.in);
  if (o.maxParticles) model.meta.maxParticles = o.maxParticles;
  info(`training ${o.model} on ${shape[0]} samples from ${o.in} (${o.epochs} epochs, batch ${o.batchSize}, lr ${o.lr}, seed ${o.seed})`);
  if (dec) {
    await fitDecorrelated(model, data, dec.against, o);
    return;
  }
  const r = await train(model, data, {
    epochs: o.epochs,
    batchSize: o.batchSize,
    lr: o.lr,
    seed: o.seed,
    patience: o.patience,
    classWeights: o.classWeights,
    loss: o.loss,
    onEpoch: (e) => info(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, val loss ${e.valLoss.toFixed(4)}, val AUC ${e.valAUC.toFixed(4)} (${e.seconds.toFixed(1)} s)`),
  });
  await saveModel(model, o.out);
  info(`best epoch ${r.bestEpoch}${r.stoppedEarly ? ' (stopped early)' : ''}; test AUC ${r.testAUC.toFixed(4)} on ${r.split.test.length} samples; saved to ${o.out}`);
}

export const register: Register = (program: Command) => {
  program
    .command('train')
    .description(
      'train a classifier on TensorFlow.js (wasm backend, cpu fallback; JETLENS_TF_BACKEND overrides) and save it to a ' +
        'directory (model.json, weights.bin, jetlens.json with seed, versions and data hash). DATA: jets for ' +
        'efn/pfn/moments/lipschitz-efn, a feature table (.csv/.npz/.h5 columns, labels column y) for dnn, jet images ' +
        '(N, npix, npix) .npy or FILE.npz:images for cnn, or jets (pixelised with jss jetImages). Architectures ' +
        '(jetlens defaults): dnn 100-100-100 ReLU on standardised features; cnn 3 x conv 32 4x4 ' +
        "stride 1 'same' with 2x2 max-pools, dense 64; efn/moments/lipschitz-efn Phi(y, phi) 100-100-L, pfn " +
        'Phi(z, y, phi[, pid]) 100-100-L, F 100-100-100; lipschitz-efn layers rescaled to a provable spectral-norm ' +
        'bound (||A^16||_inf^(1/32), A = W^T W); sigmoid output (softplus with --loss lr)',
    )
    .requiredOption('--model <kind>', `architecture: ${MODEL_KINDS.join(' | ')}`, choice('model', MODEL_KINDS))
    .requiredOption('--in <DATA>', 'training data file (see above)')
    .requiredOption('--out <MODEL_DIR>', 'output model directory')
    .option('--epochs <n>', 'training epochs', intOption('epochs', 1), 10)
    .option('--batch-size <n>', 'mini-batch size', intOption('batch-size', 1), 128)
    .option('--lr <rate>', 'Adam learning rate', numberOption('lr', 0), 1e-3)
    .option('--seed <s>', 'seed of initial weights, train/val/test split (70/15/15) and batch order', intOption('seed', 0), 0)
    .option('--latent <L>', 'latent size of Phi (default 128; 8 for moments)', intOption('latent', 1))
    .option('--order <k>', 'moments: pooling order 1..4', intOption('order', 1), 2)
    .option('--lipschitz <L>', 'lipschitz-efn: bound on the slope of Phi', numberOption('lipschitz', 0), 1)
    .option('--features <a,b,c>', 'dnn: feature columns (default: all but the labels column and w)', listOption)
    .option('--labels <name>', "dnn: labels column (default y); cnn: labels array (default FILE.npz:y)")
    .option('--dataset <name>', 'jets: particle array in the file (default X)')
    .option('--max-particles <M>', 'particle models: keep the M hardest particles (default: all)', intOption('max-particles', 1))
    .option('--npix <n>', 'cnn from jets: pixels per side of the jet images', intOption('npix', 1), 33)
    .option('--image-width <w>', 'cnn from jets: images span [-w, w]^2 in (y, phi) around the pT-weighted centroid', numberOption('image-width', 0), 1.0)
    .option('--pid', 'pfn: add the particle-id channel (default off)')
    .option('--patience <n>', 'early stopping: epochs without val-loss improvement, 0 = off', intOption('patience', 0), 5)
    .option('--class-weights <w>', "'balanced' or W0,W1 (default none)", classWeightsOption)
    .option('--loss <name>', 'bce (sigmoid head) or lr (likelihood-ratio trick, softplus head)', choice('loss', ['bce', 'lr'] as const), 'bce')
    .option(
      '--decorrelate <column>',
      'dnn: add a DisCo penalty lambda dCorr^2(score, column) on background (arXiv:2001.05310) so the score does not ' +
        'sculpt that column (e.g. mass); the column comes from the table and is left out of the default features; all ' +
        'rows train (no split, no early stopping) (default: off)',
    )
    .option('--strength <L>', 'DisCo strength lambda for --decorrelate', numberOption('strength', 0), 10)
    .option('--no-report', 'with --decorrelate: skip the figures (by default MODEL_DIR/index.html: loss per epoch, background column before/after a 10% background cut on the training rows)')
    .option('--backend <name>', 'TensorFlow.js backend: wasm | cpu | tensorflow (default: automatic)', choice('backend', ['wasm', 'cpu', 'tensorflow'] as const))
    .action(action(run));
};
