// `jetlens uncertainty tradeoff`: the warm-started decorrelation scan (DisCo and/or the Louppe et al. adversary)
// from a table column or from a generator setting (--varied: the same sample at another setting, label 'setting').
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { JetlensInputError } from '../errors.js';
import { readTable, writeNpy } from '../io/index.js';
import { initTf, splitIndices, tableInputs, takeSamples, type TfBackendName } from '../models/index.js';
import { tradeoffSections, warmDecorrelationScan, type DecorrelationMethod } from '../studies/uncertainty/index.js';
import { writeFigures } from './semd-common.js';
import { action, choice, info, intOption, numberList, numberOption, progress } from './util.js';
import { writeFileAtomic } from '../util/atomic.js';

interface TradeoffCli {
  in: string; varied?: string; evalFraction: number; features?: string[]; labels: string; against?: string; strength: number[]; out: string;
  methods: DecorrelationMethod[]; seeds: number[]; pretrainEpochs: number; epochs: number; batchSize: number; lr: number; lrFinal?: number;
  penaltyOn?: 'background' | 'each-class'; adversaryBins: number; hidden?: number[]; effBackground: number; bins: number; backend?: TfBackendName; report: boolean;
}

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);
const methods = (v: string): DecorrelationMethod[] => {
  const m = list(v);
  const bad = m.filter((x) => x !== 'disco' && x !== 'adversary');
  if (!m.length || bad.length) throw new InvalidArgumentError(`--methods: expected disco and/or adversary, got '${v}'`);
  return m as DecorrelationMethod[];
};
const integers = (name: string) => (v: string) => numberList(name)(v).map((x) => {
  if (!(Number.isInteger(x) && x >= 0)) throw new InvalidArgumentError(`--${name}: expected non-negative integers, got '${v}'`);
  return x;
});

/** --in alone, or --in (setting 0) and --varied (setting 1) stacked with a 'setting' column. */
async function readColumns(o: TradeoffCli): Promise<{ cols: Record<string, Float64Array>; against: string }> {
  const a = await readTable(o.in);
  if (!o.varied) {
    const against = o.against ?? 'mass';
    if (!a[against]) throw new JetlensInputError(`no column '${against}' to decorrelate against (has: ${Object.keys(a).join(', ')})`, { file: o.in });
    return { cols: a, against };
  }
  if (o.against && o.against !== 'setting') throw new JetlensInputError('with --varied the score is decorrelated from the generator setting: drop --against');
  const b = await readTable(o.varied);
  const keys = Object.keys(a).filter((k) => b[k]);
  const missing = Object.keys(a).filter((k) => !b[k]);
  if (missing.length) info(`--varied lacks column(s) ${missing.join(', ')}: left out`);
  const na = a[keys[0]].length, nb = b[keys[0]].length;
  const cols: Record<string, Float64Array> = Object.fromEntries(keys.map((k) => { const c = new Float64Array(na + nb); c.set(a[k]); c.set(b[k], na); return [k, c]; }));
  cols.setting = Float64Array.from({ length: na + nb }, (_, i) => (i < na ? 0 : 1));
  return { cols, against: 'setting' };
}

async function runTradeoff(o: TradeoffCli): Promise<void> {
  await initTf({ backend: o.backend, log: info });
  const { cols, against } = await readColumns(o);
  if (!cols[o.labels]) throw new JetlensInputError(`no labels column '${o.labels}' (choose one with --labels)`, { file: o.in });
  const features = o.features ?? Object.keys(cols).filter((k) => k !== o.labels && k !== 'w' && k !== 'setting');
  if (features.includes('setting')) throw new JetlensInputError("'setting' is the nuisance label: it cannot be a feature");
  const all = tableInputs(cols, features, cols[o.labels]);
  const n = cols[o.labels].length;
  const s = splitIndices(n, o.seeds[0], [1 - o.evalFraction, 0, o.evalFraction]);
  if (s.train.length === 0 || s.test.length === 0) throw new JetlensInputError(`--eval-fraction ${o.evalFraction} leaves an empty training or evaluation set (${n} samples)`);
  const q = cols[against];
  const binary = q.every((v) => v === 0 || v === 1);
  const penaltyOn = o.penaltyOn ?? (o.varied ? 'each-class' : 'background');
  await mkdir(o.out, { recursive: true });
  info(`trade-off: dnn on ${features.join(', ')} against '${against}'${binary ? ' (0/1)' : ''}, ${o.methods.join(' + ')}, lambda ${o.strength.join(', ')}, seeds ${o.seeds.join(', ')}`);
  const bar = progress('tradeoff', o.seeds.length * (1 + o.methods.length * o.strength.filter((l) => l > 0).length));
  const r = await warmDecorrelationScan(o.strength, {
    kind: 'dnn', modelOptions: { nFeatures: features.length, featureNames: features, hidden: o.hidden },
    data: takeSamples(all, s.train), against: Float64Array.from(s.train, (i) => q[i]),
    evalData: takeSamples(all, s.test), evalAgainst: Float64Array.from(s.test, (i) => q[i]),
    methods: o.methods, seeds: o.seeds, pretrainEpochs: o.pretrainEpochs, epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, lrFinal: o.lrFinal,
    penaltyOn, adversaryBins: o.adversaryBins, effBackground: o.effBackground, bins: o.bins, onProgress: (d) => bar.update(d),
  });
  bar.stop();
  const settings = { against, features, nEval: s.test.length, effBackground: o.effBackground, penaltyOn, seeds: o.seeds.length };
  const json = {
    command: 'uncertainty tradeoff', input: o.in, varied: o.varied ?? null, ...settings, strengths: o.strength, methods: o.methods, seeds: o.seeds,
    schedule: { pretrainEpochs: o.pretrainEpochs, epochsPerStage: o.epochs, lr: o.lr, stageLr: o.lr / 2, lrFinal: o.lrFinal ?? o.lr / 10, batchSize: o.batchSize },
    edges: Array.from(r.edges), before: Array.from(r.before), summary: r.summary,
    rows: r.rows.map((x) => ({ ...x, after: Array.from(x.after) })),
  };
  const text = JSON.stringify(json, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
  await writeFileAtomic(join(o.out, 'summary.json'), `${text}\n`);
  await writeNpy(join(o.out, 'eval-labels.npy'), { data: Float64Array.from(s.test, (i) => cols[o.labels][i]), shape: [s.test.length] });
  for (const x of r.summary) info(`  ${x.method.padEnd(9)} lambda ${String(x.lambda).padStart(6)}  AUC ${x.auc.toFixed(4)} +- ${(x.auc_err || 0).toFixed(4)}  dCorr ${x.dCorr.toFixed(4)}  JSD ${x.jsd.toExponential(2)}${x.nuisanceAuc !== null ? `  nuisance AUC ${x.nuisanceAuc.toFixed(4)}` : ''}`);
  if (o.report) await writeFigures(o.out, tradeoffSections(r, settings), 'uncertainty tradeoff');
}

export function registerTradeoff(unc: Command): void {
  unc
    .command('tradeoff')
    .description('decorrelation trade-off that keeps the classifier: pretrain at lambda 0, raise lambda stage by stage (DisCo and/or the Louppe et al. adversary), seeds for error bars; AUC vs 1/JSD and dCorr')
    .requiredOption('--in <TABLE>', 'feature table (.csv/.npz/.h5) with labels (and the --against column unless --varied)')
    .requiredOption('--out <DIR>', 'output directory: summary.json (rows per seed, summary per method and lambda) and the figures')
    .option('--varied <TABLE>', 'the same sample at another generator setting (e.g. --emission-scale): decorrelate from that setting (column setting: 0 = --in, 1 = --varied)')
    .option('--against <name>', 'column to decorrelate from without --varied (default mass)')
    .option('--features <a,b,c>', 'input columns (default: all but the labels, w and setting)', list)
    .option('--labels <name>', 'labels column', 'y')
    .option('--eval-fraction <f>', 'held-out fraction (split seeded by the first seed)', numberOption('eval-fraction', 0), 0.3)
    .option('--strength <l1,l2>', 'strengths lambda, climbed in increasing order from the lambda = 0 model', numberList('strength'), [0, 1, 3, 10, 30])
    .option('--methods <m1,m2>', 'disco and/or adversary (each starts from the same pretrained model)', methods, ['disco'] as DecorrelationMethod[])
    .option('--seeds <s1,s2>', 'initialisation and batch-order seeds (error bars: spread over them)', integers('seeds'), [0, 1, 2])
    .option('--pretrain-epochs <n>', 'epochs at lambda = 0', intOption('pretrain-epochs', 1), 10)
    .option('--epochs <n>', 'epochs per lambda stage', intOption('epochs', 1), 5)
    .option('--batch-size <n>', 'mini-batch size (dCorr is estimated per batch)', intOption('batch-size', 2), 256)
    .option('--lr <rate>', 'pretraining Adam rate; stages start at lr/2; both decay geometrically to --lr-final', numberOption('lr', 0), 1e-3)
    .option('--lr-final <rate>', 'last-epoch rate of the pretraining and of every stage (default lr/10)', numberOption('lr-final', 0))
    .option('--penalty-on <where>', 'background (DisCo default) or each-class (default with --varied)', choice('penalty-on', ['background', 'each-class'] as const))
    .option('--adversary-bins <K>', 'a continuous --against: the adversary predicts its K quantile bins', intOption('adversary-bins', 2), 5)
    .option('--hidden <a,b,c>', 'dense layer sizes (default 100,100,100)', (v: string) => integers('hidden')(v))
    .option('--eff-background <e>', 'working point for the sculpting JSD', numberOption('eff-background', 0), 0.1)
    .option('--bins <n>', 'histogram bins of a continuous --against', intOption('bins', 1), 20)
    .option('--no-report', 'skip the figures')
    .option('--backend <name>', 'TensorFlow.js backend: wasm | cpu | tensorflow (default: automatic)', choice('backend', ['wasm', 'cpu', 'tensorflow'] as const))
    .action(action(runTradeoff));
}
