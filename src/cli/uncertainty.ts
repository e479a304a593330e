import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { JetlensInputError } from '../errors.js';
import { labelVector, readArray, readTable, writeNpy } from '../io/index.js';
import { toFloat64 } from '../io/ndarray.js';
import { readModelData } from '../models/files.js';
import { initTf, loadModel, MODEL_KINDS, splitIndices, tableInputs, takeSamples, type ModelKind, type ModelData, type TfBackendName } from '../models/index.js';
import { adversarialShift, bootstrapPrediction, bootstrapTraining, decorrelationScan, DEFAULT_EPOCHS, DEFAULT_LAMBDA_CLS, DEFAULT_LAMBDA_OBS, DEFAULT_LR, parseScanConfigs, scanConfigurations, bootstrapPredictionSections, bootstrapTrainingSections, decorrelationSections, scanSections, worstCaseSections } from '../studies/uncertainty/index.js';
import { writeFigures } from './semd-common.js';
import { registerTradeoff } from './uncertainty-tradeoff.js';
import { action, choice, info, intOption, numberList, numberOption, progress, type Register } from './util.js';
import { writeFileAtomic } from '../util/atomic.js';

const listOption = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);
const sizes = (name: string) => (v: string) => numberList(name)(v).map((x) => {
  if (!(Number.isInteger(x) && x > 0)) throw new InvalidArgumentError(`--${name}: layer sizes must be positive integers, got '${v}'`);
  return x;
});

/** Float64Arrays -> plain arrays; long per-event arrays are left out of the JSON (they go to .npy files). */
function summaryJson(x: unknown): unknown {
  if (x instanceof Float64Array) return x.length <= 1000 ? Array.from(x) : undefined;
  if (Array.isArray(x)) return x.map(summaryJson);
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, summaryJson(v)]).filter(([, v]) => v !== undefined));
  return typeof x === 'number' && !Number.isFinite(x) ? null : x;
}

async function writeSummary(dir: string, summary: unknown): Promise<void> {
  const text = JSON.stringify(summaryJson(summary), null, 2);
  await writeFileAtomic(join(dir, 'summary.json'), `${text}\n`);
  process.stdout.write(`${text}\n`);
}

/** Training and evaluation sets: --eval DATA, or a seeded split of --in with --eval-fraction held out. */
function splitEval(data: ModelData, fraction: number, seed: number): { train: ModelData; evalData: ModelData } {
  const n = data.inputs[0].shape[0];
  const s = splitIndices(n, seed, [1 - fraction, 0, fraction]);
  if (s.train.length === 0 || s.test.length === 0) throw new JetlensInputError(`--eval-fraction ${fraction} leaves an empty training or evaluation set (${n} samples)`);
  return { train: takeSamples(data, s.train), evalData: takeSamples(data, s.test) };
}

interface DataCli {
  in: string; eval?: string; evalFraction: number; seed: number;
  features?: string[]; labels?: string; dataset?: string; maxParticles?: number; pid?: boolean;
}

/** Reads --in for a model kind, and its evaluation set (--eval, or --eval-fraction of --in held out). */
async function readTrainEval(kind: ModelKind, o: DataCli) {
  const all = await readModelData(kind, o.in, { ...o, withPid: o.pid }, true);
  const { train, evalData } = o.eval
    ? { train: all, evalData: await readModelData(kind, o.eval, { ...o, features: all.featureNames, withPid: o.pid }, true) }
    : splitEval(all, o.evalFraction, o.seed);
  return { train, evalData, featureNames: all.featureNames, nFeatures: all.inputs[0].shape[1] };
}

interface BootstrapCli extends DataCli {
  model: ModelKind; out: string; resamples: number; modelSeed: number;
  epochs: number; batchSize: number; lr: number; hidden?: number[]; latent?: number; effBackground: number; backend?: TfBackendName; report: boolean;
}

async function runBootstrap(o: BootstrapCli): Promise<void> {
  if (o.model === 'cnn') throw new JetlensInputError('uncertainty bootstrap: the cnn is not supported here (use the API)');
  await initTf({ backend: o.backend, log: info });
  const { train, evalData, featureNames, nFeatures } = await readTrainEval(o.model, o);
  const modelOptions = {
    seed: o.modelSeed, hidden: o.hidden, latent: o.latent, withPid: o.pid ?? false,
    nFeatures: o.model === 'dnn' ? nFeatures : undefined, featureNames,
  };
  await mkdir(o.out, { recursive: true });
  info(`bootstrap: ${o.resamples} resamples of ${train.inputs[0].shape[0]} training samples, evaluated on ${evalData.inputs[0].shape[0]}; initialisation seed ${o.modelSeed} fixed`);
  const bar = progress('bootstrap', o.resamples + 1);
  const r = await bootstrapTraining({
    kind: o.model, modelOptions, data: train, evalData, resamples: o.resamples, seed: o.seed, effBackground: o.effBackground,
    trainOptions: { epochs: o.epochs, batchSize: o.batchSize, lr: o.lr }, outDir: o.out, onProgress: (d) => bar.update(d),
  });
  bar.stop();
  await writeNpy(join(o.out, 'score-mean.npy'), { data: r.scoreMean, shape: [r.scoreMean.length] });
  await writeNpy(join(o.out, 'score-std.npy'), { data: r.scoreStd, shape: [r.scoreStd.length] });
  await writeNpy(join(o.out, 'eval-labels.npy'), { data: evalData.labels!, shape: [evalData.labels!.length] });
  if (r.reused) info(`${r.reused} runs read back from ${o.out}`);
  await writeSummary(o.out, { ...r, nominal: { auc: r.nominal.auc, workingPoint: r.nominal.workingPoint }, scoreMean: undefined, scoreStd: undefined, resampleScores: undefined });
  if (o.report) {
    const settings = { model: o.model, nTrain: train.inputs[0].shape[0], epochs: o.epochs, effBackground: o.effBackground };
    await writeFigures(o.out, bootstrapTrainingSections(r, evalData.labels!, settings), 'uncertainty bootstrap');
  }
}

async function runPrediction(o: { scores: string; labels: string; resamples: number; seed: number; effBackground: number; out?: string; report: boolean }): Promise<void> {
  const s = toFloat64((await readArray(o.scores)).data);
  const y = labelVector(await readArray(o.labels), `--labels ${o.labels}`);
  const r = bootstrapPrediction(s, y, { resamples: o.resamples, seed: o.seed, effBackground: o.effBackground });
  const summary = { ...r, auc: { ...r.auc, values: undefined }, effSignal: { ...r.effSignal, values: undefined }, effBackground: { ...r.effBackground, values: undefined } };
  if (!o.out) {
    process.stdout.write(`${JSON.stringify(summaryJson(summary), null, 2)}\n`);
    return;
  }
  await mkdir(o.out, { recursive: true });
  await writeNpy(join(o.out, 'auc-resamples.npy'), { data: r.auc.values, shape: [r.resamples] });
  await writeSummary(o.out, summary);
  if (o.report) await writeFigures(o.out, bootstrapPredictionSections(r, s, y, o), 'uncertainty prediction');
}

interface ScanCli extends DataCli {
  configs: string; out: string; epochs: number; batchSize: number; lr: number; effBackground: number; backend?: TfBackendName; report: boolean;
}

async function runScan(o: ScanCli): Promise<void> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(o.configs, 'utf8'));
  } catch (e) {
    throw new JetlensInputError(`cannot read the configurations: ${(e as Error).message}`, { file: o.configs });
  }
  const configs = parseScanConfigs(json, { epochs: o.epochs, batchSize: o.batchSize, lr: o.lr }, o.configs);
  // One input for every configuration: a feature table (dnn) or jets (particle models), not both.
  const table = configs.map((c) => c.kind === 'dnn');
  if (table.some((t) => t !== table[0])) throw new JetlensInputError('every configuration must read the same input: all dnn (a feature table) or all particle models (jets)', { file: o.configs });
  await initTf({ backend: o.backend, log: info });
  const { train, evalData, featureNames, nFeatures } = await readTrainEval(configs[0].kind, o);
  for (const c of configs) Object.assign(c.modelOptions, { withPid: o.pid ?? false, featureNames, nFeatures: c.kind === 'dnn' ? nFeatures : undefined });
  await mkdir(o.out, { recursive: true });
  info(`scan: ${configs.length} configurations trained on ${train.inputs[0].shape[0]} samples, evaluated on ${evalData.inputs[0].shape[0]}`);
  const bar = progress('scan', configs.length);
  const rows = await scanConfigurations(configs, { data: train, evalData, effBackground: o.effBackground, onProgress: (d) => bar.update(d) });
  bar.stop();
  for (const [k, r] of rows.entries()) await writeNpy(join(o.out, `scores-${k}.npy`), { data: r.scores, shape: [r.scores.length] });
  await writeNpy(join(o.out, 'eval-labels.npy'), { data: evalData.labels!, shape: [evalData.labels!.length] });
  const described = rows.map((r, k) => ({ ...r, scores: `scores-${k}.npy`, model: configs[k].kind, ...configs[k].modelOptions, ...configs[k].trainOptions, featureNames: undefined }));
  await writeSummary(o.out, { effBackground: o.effBackground, rows: described });
  if (o.report) await writeFigures(o.out, scanSections(rows, evalData.labels!, { effBackground: o.effBackground, seed: o.seed }), 'uncertainty scan');
}

interface DecorrelateCli {
  in: string; eval?: string; evalFraction: number; features?: string[]; labels: string; against: string; strength: number[]; out: string;
  epochs: number; batchSize: number; lr: number; seed: number; hidden?: number[]; effBackground: number; bins: number; backend?: TfBackendName; report: boolean;
}

async function readDecorrelationTable(file: string, o: DecorrelateCli) {
  const cols = await readTable(file);
  const features = o.features ?? Object.keys(cols).filter((k) => k !== o.labels && k !== 'w');
  if (!cols[o.labels]) throw new JetlensInputError(`no labels column '${o.labels}' (choose one with --labels)`, { file });
  if (!cols[o.against]) throw new JetlensInputError(`no column '${o.against}' to decorrelate against (has: ${Object.keys(cols).join(', ')})`, { file });
  return { data: tableInputs(cols, features, cols[o.labels]), against: cols[o.against], features };
}

async function runDecorrelate(o: DecorrelateCli): Promise<void> {
  await initTf({ backend: o.backend, log: info });
  const t = await readDecorrelationTable(o.in, o);
  let train = t.data, against: Float64Array = t.against, evalData: ModelData, evalAgainst: Float64Array;
  if (o.eval) {
    const e = await readDecorrelationTable(o.eval, { ...o, features: t.features });
    evalData = e.data;
    evalAgainst = e.against;
  } else {
    const s = splitIndices(t.against.length, o.seed, [1 - o.evalFraction, 0, o.evalFraction]);
    train = takeSamples(t.data, s.train);
    against = Float64Array.from(s.train, (i) => t.against[i]);
    evalData = takeSamples(t.data, s.test);
    evalAgainst = Float64Array.from(s.test, (i) => t.against[i]);
  }
  await mkdir(o.out, { recursive: true });
  info(`decorrelating a dnn on ${t.features.join(', ')} from '${o.against}' with strengths ${o.strength.join(', ')}`);
  const bar = progress('decorrelate', o.strength.length);
  const { edges, rows } = await decorrelationScan(o.strength, {
    kind: 'dnn', modelOptions: { seed: o.seed, nFeatures: t.features.length, featureNames: t.features, hidden: o.hidden },
    data: train, against, evalData, evalAgainst, train: { epochs: o.epochs, batchSize: o.batchSize, lr: o.lr }, effBackground: o.effBackground, bins: o.bins,
    onProgress: (d) => bar.update(d),
  });
  bar.stop();
  for (const r of rows) await writeNpy(join(o.out, `scores-lambda-${r.lambda}.npy`), { data: r.scores, shape: [r.scores.length] });
  await writeSummary(o.out, { against: o.against, features: t.features, edges, rows: rows.map((r) => ({ ...r, scores: undefined })) });
  if (o.report) {
    const settings = { against: o.against, features: t.features, epochs: o.epochs, effBackground: o.effBackground, nEval: evalAgainst.length };
    await writeFigures(o.out, decorrelationSections(edges, rows, settings), 'uncertainty decorrelate');
  }
}

interface WorstCaseCli {
  model: string; in: string; out: string; direction: 'up' | 'down'; lambdaCls: number; lambdaObs: Record<string, number>; epochs: number;
  batchSize: number; lr: number; hidden: number; seed: number; effBackground: number; maxParticles?: number; dataset?: string; backend?: TfBackendName;
  checkpoints?: number[]; report: boolean;
}

function weightsOption(v: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [k, w] = part.split('=');
    const x = Number(w);
    if (!k || w === undefined || !Number.isFinite(x) || x < 0) throw new InvalidArgumentError(`--lambda-obs: expected NAME=W[,NAME=W] with W >= 0, got '${v}'`);
    out[k.trim()] = x;
  }
  return out;
}

async function runWorstCase(o: WorstCaseCli): Promise<void> {
  await initTf({ backend: o.backend, log: info });
  const model = await loadModel(o.model);
  const data = await readModelData(model.kind, o.in, { dataset: o.dataset, maxParticles: o.maxParticles ?? model.meta.maxParticles, withPid: model.options.withPid }, true);
  const bar = progress('worst case', o.epochs);
  const r = await adversarialShift(model, data, {
    direction: o.direction, lambdaCls: o.lambdaCls, lambdaObs: o.lambdaObs, epochs: o.epochs, batchSize: o.batchSize, lr: o.lr,
    hidden: o.hidden, seed: o.seed, effBackground: o.effBackground, checkpoints: o.checkpoints, onEpoch: (e) => bar.update(e.epoch),
  });
  bar.stop();
  await mkdir(o.out, { recursive: true });
  await writeNpy(join(o.out, 'scores.npy'), { data: r.scores, shape: [r.scores.length] });
  await writeNpy(join(o.out, 'perturbed-scores.npy'), { data: r.perturbedScores, shape: [r.perturbedScores.length] });
  await writeSummary(o.out, { ...r, scores: undefined, perturbedScores: undefined, backgroundObservables: undefined, jetSize: undefined });
  if (o.report) {
    const settings = { lambdaCls: o.lambdaCls, lambdaObs: o.lambdaObs, epochs: o.epochs, lr: o.lr, seed: o.seed };
    await writeFigures(o.out, worstCaseSections(r, data.labels!, settings), 'uncertainty worst-case');
  }
}

/** --in, --out, --eval, --eval-fraction: the training data and its evaluation set. */
const dataOptions = (cmd: Command) =>
  cmd
    .requiredOption('--in <DATA>', 'training data (jets for particle models, a feature table for dnn)')
    .requiredOption('--out <DIR>', 'output directory')
    .option('--eval <DATA>', 'evaluation data (default: hold out --eval-fraction of --in)')
    .option('--eval-fraction <f>', 'fraction of --in held out for evaluation when --eval is not given', numberOption('eval-fraction', 0), 0.3);

/** How the data are read for each model kind (readModelData). */
const readOptions = (cmd: Command) =>
  cmd
    .option('--features <a,b,c>', 'dnn: feature columns (default: all but the labels column and w)', listOption)
    .option('--labels <name>', 'dnn: labels column (default y)')
    .option('--dataset <name>', 'jets: particle array in the file (default X)')
    .option('--max-particles <M>', 'particle models: keep the M hardest particles', intOption('max-particles', 1))
    .option('--pid', 'pfn: add the particle-id channel');

/** --no-report and --backend: every command that trains or evaluates a network. */
const runOptions = (cmd: Command) =>
  cmd
    .option('--no-report', 'skip the figures (by default DIR/report.json, DIR/index.html and DIR/figures/*.svg|png are written)')
    .option('--backend <name>', 'TensorFlow.js backend: wasm | cpu | tensorflow (default: automatic)', choice('backend', ['wasm', 'cpu', 'tensorflow'] as const));

export const register: Register = (program: Command) => {
  const unc = program.command('uncertainty').description('uncertainties of a neural-network analysis (docs/uncertainty.md): bootstrap precision and bias, configuration scan, decorrelation, worst case');
  const bootstrap = unc
    .command('bootstrap')
    .description(
      'statistical precision: retrain on B bootstrap resamples of the training set with the initialisation seed fixed ' +
        '(only the data vary), predict on a fixed evaluation set. Writes DIR/nominal.npy, resample-<b>.npy (finished ' +
        'ones are skipped when re-run: resumable), score-mean.npy, score-std.npy, eval-labels.npy and summary.json ' +
        '(AUC and signal-efficiency spreads; also printed) and the figures: DIR/index.html (AUC over resamples, per-event ' +
        'score spread, ROC with the bootstrap band, efficiency table; --no-report skips them). Trains on all rows of each ' +
        'resample, no early stopping.',
    )
    .requiredOption('--model <kind>', `architecture: ${MODEL_KINDS.filter((k) => k !== 'cnn').join(' | ')}`, choice('model', MODEL_KINDS))
    .option('--resamples <B>', 'bootstrap resamples', intOption('resamples', 2), 20)
    .option('--seed <s>', 'seed of the resampling and of the evaluation split', intOption('seed', 0), 0)
    .option('--model-seed <s>', 'initialisation (and batch-order) seed, the same for every resample', intOption('model-seed', 0), 0)
    .option('--epochs <n>', 'training epochs', intOption('epochs', 1), 10)
    .option('--batch-size <n>', 'mini-batch size', intOption('batch-size', 1), 128)
    .option('--lr <rate>', 'Adam learning rate', numberOption('lr', 0), 1e-3)
    .option('--hidden <a,b,c>', 'dense layer sizes (default 100,100,100)', sizes('hidden'))
    .option('--latent <L>', 'particle models: latent size of Phi (default 128; 8 for moments)', intOption('latent', 1))
    .option('--eff-background <e>', 'working point: the cut giving this background efficiency on the nominal model', numberOption('eff-background', 0), 0.1);
  runOptions(readOptions(dataOptions(bootstrap))).action(action(runBootstrap));
  unc
    .command('prediction')
    .description(
      'statistical bias: bootstrap the evaluation set with the model fixed (AUC and efficiency spreads; no training). ' +
        'Prints JSON; with --out also writes it and the figures (AUC over resamples, ROC with the bootstrap band, efficiency table)',
    )
    .requiredOption('--scores <ARRAY>', 'scores (file.npy, file.npz:name, file.csv:column)')
    .requiredOption('--labels <ARRAY>', 'labels 0/1, same spec forms')
    .option('--resamples <B>', 'bootstrap resamples', intOption('resamples', 2), 200)
    .option('--seed <s>', 'resampling seed', intOption('seed', 0), 0)
    .option('--eff-background <e>', 'working point: background efficiency of the fixed cut', numberOption('eff-background', 0), 0.1)
    .option('--out <DIR>', 'also write DIR/summary.json, auc-resamples.npy and the figures (report.json, index.html, figures/)')
    .option('--no-report', 'with --out: skip the figures')
    .action(action(runPrediction));
  const scan = unc
    .command('scan')
    .description(
      'systematic precision: train each configuration of a list (architecture, initialisation seed, training choices) on ' +
        'the same training set and evaluate all on the same events; writes DIR/summary.json (AUC and signal efficiency at ' +
        'the working point, side by side; also printed), scores-<k>.npy, eval-labels.npy and the figures: DIR/index.html ' +
        '(AUC per configuration with evaluation-bootstrap errors, table; --no-report skips them)',
    )
    .requiredOption('--configs <FILE.json>', 'list of configurations, e.g. [{"name": "3x100", "model": "dnn"}, {"name": "wide", "model": "dnn", "hidden": [300, 300], "seed": 1, "lr": 0.0003}]; keys: name, model, seed, hidden, phiSizes, latent, order, lipschitz, epochs, batchSize, lr')
    .option('--seed <s>', 'seed of the evaluation split and of the error bootstrap', intOption('seed', 0), 0)
    .option('--epochs <n>', 'training epochs of configurations that do not set them', intOption('epochs', 1), 10)
    .option('--batch-size <n>', 'mini-batch size of configurations that do not set it', intOption('batch-size', 1), 128)
    .option('--lr <rate>', 'Adam learning rate of configurations that do not set it', numberOption('lr', 0), 1e-3)
    .option('--eff-background <e>', 'working point: each model cut at this background efficiency', numberOption('eff-background', 0), 0.1);
  runOptions(readOptions(dataOptions(scan))).action(action(runScan));
  const decorrelate = unc
    .command('decorrelate')
    .description(
      'train a dnn whose background score is independent of a column (default mass) with the DisCo penalty ' +
        'loss = BCE + lambda dCorr^2(score, q) on the background of each batch (arXiv:2001.05310), for each strength; ' +
        'writes DIR/summary.json (per lambda: AUC, residual background dCorr, background histograms of q before/after ' +
        'the cut, their JS divergence), scores-lambda-<L>.npy and the figures: DIR/index.html (AUC versus dCorr per lambda, ' +
        'background mass before/after the cut per lambda, table; --no-report skips them)',
    )
    .requiredOption('--in <TABLE>', 'feature table (.csv/.npz/.h5 columns) with labels and the column to decorrelate against')
    .requiredOption('--out <DIR>', 'output directory')
    .option('--eval <TABLE>', 'evaluation table (default: hold out --eval-fraction of --in)')
    .option('--eval-fraction <f>', 'held-out fraction when --eval is not given', numberOption('eval-fraction', 0), 0.3)
    .option('--features <a,b,c>', 'input columns (default: all but the labels and w; may include the --against column)', listOption)
    .option('--labels <name>', 'labels column', 'y')
    .option('--against <name>', 'column the background score should not depend on', 'mass')
    .option('--strength <l1,l2>', 'DisCo strengths lambda', numberList('strength'), [0, 1, 10])
    .option('--epochs <n>', 'training epochs', intOption('epochs', 1), 10)
    .option('--batch-size <n>', 'mini-batch size (dCorr is estimated per batch)', intOption('batch-size', 2), 256)
    .option('--lr <rate>', 'Adam learning rate', numberOption('lr', 0), 1e-3)
    .option('--seed <s>', 'initialisation, batch order and evaluation split seed', intOption('seed', 0), 0)
    .option('--hidden <a,b,c>', 'dense layer sizes (default 100,100,100)', sizes('hidden'))
    .option('--eff-background <e>', 'cut for the sculpting histograms: background efficiency', numberOption('eff-background', 0), 0.1)
    .option('--bins <n>', 'histogram bins', intOption('bins', 1), 20);
  runOptions(decorrelate).action(action(runDecorrelate));
  const worstCase = unc
    .command('worst-case')
    .description(
      'systematic bias, worst case: with a saved particle classifier f fixed, learn a per-particle perturbation ' +
        'g(J) = J + dJ (d log pT, dy, dphi from a small network shared by all jets) minimising +-<log(1 - f(g(J)))>_sig + ' +
        'lambda_cls <(f(J) - f(g(J)))^2>_bg + sum_i lambda_i <((O_i(J) - O_i(g(J))) / sigma_i)^2>_bg (O: mass, pt, girth; ' +
        'sigma_i: std of O_i over the unperturbed background, 5% of its mean for pt, which is 1 for every jet); writes ' +
        'DIR/summary.json (signal-efficiency shift at the working point, size of dJ, constraint residuals, loss and shift per ' +
        'epoch), scores.npy, perturbed-scores.npy and the figures: DIR/index.html (efficiencies before/after, constrained ' +
        'observables before/after, scores, history per epoch, size of dJ per jet; --no-report skips them)',
    )
    .requiredOption('--model <MODEL_DIR>', 'saved efn / pfn / moments / lipschitz-efn classifier (sigmoid head)')
    .requiredOption('--in <JETS>', 'labelled jets')
    .requiredOption('--out <DIR>', 'output directory')
    .option('--direction <d>', 'up (signal more signal-like) or down', choice('direction', ['up', 'down'] as const), 'up')
    .option('--lambda-cls <w>', 'weight of the background-score constraint', numberOption('lambda-cls', 0), DEFAULT_LAMBDA_CLS)
    .option('--lambda-obs <k=w,...>', 'weights of the background observable constraints, in units of their background spread (mass, pt, girth)', weightsOption, { ...DEFAULT_LAMBDA_OBS })
    .option('--epochs <n>', 'optimisation epochs (the default converges on 10,000 jets, about 800 steps: scale it up for fewer jets; see docs/uncertainty.md)', intOption('epochs', 1), DEFAULT_EPOCHS)
    .option('--batch-size <n>', 'mini-batch size', intOption('batch-size', 1), 256)
    .option('--lr <rate>', 'Adam learning rate (tuned with --epochs on W vs QCD; larger rates drift, not a larger optimum)', numberOption('lr', 0), DEFAULT_LR)
    .option('--checkpoints <e1,e2>', 'also evaluate the exact shift and residuals after these epochs (summary.checkpoints)', numberList('checkpoints'))
    .option('--hidden <n>', 'width of the perturbation network', intOption('hidden', 1), 32)
    .option('--seed <s>', 'perturbation network initialisation and batch order', intOption('seed', 0), 0)
    .option('--eff-background <e>', "the analysis' working point: background efficiency of the cut on f", numberOption('eff-background', 0), 0.1)
    .option('--max-particles <M>', 'keep the M hardest particles (default: as the model was trained)', intOption('max-particles', 1))
    .option('--dataset <name>', 'particle array in the file (default X)');
  runOptions(worstCase).action(action(runWorstCase));
  registerTradeoff(unc);
};
