import { Option, type Command } from 'commander';
import { PAPER_SPACE } from '../studies/candidates.js';
import { runStudy, type StudyOptions } from '../studies/study.js';
import type { GuideMode } from '../studies/guided.js';
import { action, cliState, info, intOption, numberList, progress } from './util.js';

interface Opts {
  out: string;
  n: number;
  scale: number;
  seed: number;
  hl: string;
  select: string;
  kappa: number[];
  beta: number[];
  passes: number;
  mode: string;
  cnnEpochs: number;
  dnnEpochs: number;
  threads: number;
  in?: string;
  blackBox?: string;
}

const MODES = ['black-box', 'truth', 'brute-force'];

/** Shared options of `study` and `guide`. */
function common(cmd: Command): Command {
  return cmd
    .option('--hl <set>', "starting high-level set: 'mass,pt', '6hl' (mass, C2 b1/b2, D2 b1/b2, tau21 b1) or observable columns", 'mass,pt')
    .option('--select <sel>', 'EFP candidate graphs (selection grammar)', PAPER_SPACE.select)
    .option('--kappa <list>', 'EFP energy exponents', numberList('kappa'), PAPER_SPACE.kappas)
    .option('--beta <list>', 'EFP angular exponents', numberList('beta'), PAPER_SPACE.betas)
    .option('--passes <n>', 'guided-iteration passes', intOption('passes', 0), 5)
    .addOption(new Option('--mode <mode>', 'guide').choices(MODES).default('black-box'))
    .option('--cnn-epochs <n>', 'CNN (black box) training epochs', intOption('cnn-epochs', 1), 4)
    .option('--dnn-epochs <n>', 'DNN(HL) training epochs (early stopping on validation loss)', intOption('dnn-epochs', 1), 20)
    .option('--seed <s>', 'seed of every random choice', intOption('seed', 0), 1)
    .option('--threads <n>', 'native worker threads (0 = all cores)', intOption('threads', 0), 0);
}

async function run(o: Opts, defaults: Partial<StudyOptions>): Promise<void> {
  const t0 = Date.now();
  let bar: ReturnType<typeof progress> | undefined;
  const r = await runStudy({
    ...defaults,
    outDir: o.out, n: Math.round((o.n ?? 5000) * (o.scale ?? 1)), seed: o.seed, hl: o.hl,
    space: { select: o.select, kappas: o.kappa, betas: o.beta }, passes: o.passes, mode: o.mode as GuideMode,
    cnnEpochs: o.cnnEpochs, dnnEpochs: o.dnnEpochs, threads: o.threads, jetsFile: o.in, blackBox: o.blackBox,
    log: (m) => { bar?.stop(); bar = undefined; info(m); },
    progress: (label) => (done, total) => {
      bar ??= progress(label, total);
      bar.update(done, total);
      if (done >= total) { bar.stop(); bar = undefined; }
    },
  });
  bar?.stop();
  const last = r.passes[r.passes.length - 1];
  info(`AUC: CNN ${r.aucBlackBox.toFixed(4)}; DNN ${r.passes[0].aucDnn.toFixed(4)} -> ${last.aucDnn.toFixed(4)}; ADO[DNN, black box] ${r.passes[0].adoDnnBlackBox.toFixed(4)} -> ${last.adoDnnBlackBox.toFixed(4)}`);
  info(`report: ${o.out}/index.html (table: ${o.out}/guided.csv) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (cliState.quiet) console.log(JSON.stringify({ outDir: r.outDir, aucBlackBox: r.aucBlackBox, passes: r.passes.length }));
}

export const register = (program: Command) => {
  common(program
    .command('study')
    .description('the main job: generate W vs QCD jets, observables, images, a CNN black box, EFPs, guided iteration, report')
    .option('--out <dir>', 'run directory (re-running continues from the last finished step)', 'jetlens-study')
    .option('--n <n>', 'jets per class', intOption('n', 10), 5000)
    .option('--scale <x>', 'multiply --n (e.g. 20 for the 100k-per-class reproduction)', parseFloat, 1))
    .action(action((o: Opts) => run(o, {})));

  common(program
    .command('guide')
    .description('guided iteration on your jets: find the EFPs that reproduce a black box (a score file, or a CNN trained here)')
    .requiredOption('--in <file>', 'labelled jets (.npz with X and y, .h5, .jsonl, ...)')
    .option('--black-box <scores>', 'black-box scores, one per jet (file.npy, file.npz:name, file.csv:column); default: train a CNN on jet images')
    .requiredOption('--out <dir>', 'run directory (resumable)'))
    .action(action((o: Opts) => run(o, {})));
};
