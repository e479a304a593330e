import { Option, type Command } from 'commander';
import { PAPER_SPACE } from '../studies/candidates.js';
import { GUIDE_MODES, type GuideMode } from '../studies/guided.js';
import { runStudy, type StudyOptions } from '../studies/study.js';
import { action, cliState, info, intOption, numberList, progress, UsageError } from './util.js';

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
  compareModes?: string;
  cnnEpochs: number;
  cnnPatience: number;
  dnnEpochs: number;
  ensemble: number;
  ensembleMode: string;
  stop: boolean;
  z: number;
  bruteForceMax: number;
  premise: boolean;
  threads: number;
  classNames?: string;
  in?: string;
  blackBox?: string;
}

const mode = (flag: string, v: string): GuideMode => {
  if (!GUIDE_MODES.includes(v as GuideMode)) throw new UsageError(`${flag}: expected one of ${GUIDE_MODES.join(', ')} (got '${v}')`);
  return v as GuideMode;
};

/** Shared options of `study` and `guide`. */
function common(cmd: Command): Command {
  return cmd
    .option('--hl <set>', "starting high-level set: 'mass,pt', '6hl' (mass, C2 b1/b2, D2 b1/b2, tau21 b1) or observable columns", 'mass,pt')
    .option('--select <sel>', 'EFP candidate graphs (selection grammar)', PAPER_SPACE.select)
    .option('--kappa <list>', 'EFP energy exponents', numberList('kappa'), PAPER_SPACE.kappas)
    .option('--beta <list>', 'EFP angular exponents', numberList('beta'), PAPER_SPACE.betas)
    .option('--passes <n>', 'most guided-iteration passes (the stopping rule may end earlier)', intOption('passes', 0), 5)
    .addOption(new Option('--mode <mode>', 'guide').choices(GUIDE_MODES).default('black-box'))
    .option('--compare-modes <list>', 'also run these modes on the same jets and candidates and compare wall time, AUC and ADO (e.g. truth,brute-force)')
    .option('--ensemble <n>', 'DNNs trained per pass (mean +- sd of AUC and ADO)', intOption('ensemble', 1), 3)
    .addOption(new Option('--ensemble-mode <m>', "ensemble members differ by 'seeds' or train on 'bootstrap' resamples (fixed seed)").choices(['seeds', 'bootstrap']).default('seeds'))
    .option('--no-stop', 'run every pass (default: stop when AUC[DNN] matches the black box within errors or ADO stops rising beyond errors)')
    .option('--z <x>', 'errors that make a difference significant (stopping rule, premise)', parseFloat, 2)
    .option('--brute-force-max <n>', 'brute force refuses more candidates than this (it retrains a DNN per candidate)', intOption('brute-force-max', 1), 100)
    .option('--no-premise', 'skip the premise (black box vs DNN(6HL) vs DNN(mass, pT) with errors)')
    .option('--cnn-epochs <n>', 'CNN (black box) training epochs at most (early stopping on validation loss)', intOption('cnn-epochs', 1), 30)
    .option('--cnn-patience <n>', 'CNN early stopping: epochs without a better validation loss', intOption('cnn-patience', 1), 3)
    .option('--dnn-epochs <n>', 'DNN(HL) training epochs (early stopping on validation loss)', intOption('dnn-epochs', 1), 20)
    .option('--seed <s>', 'seed of every random choice', intOption('seed', 0), 1)
    .option('--threads <n>', 'native worker threads (0 = all cores)', intOption('threads', 0), 0);
}

async function run(o: Opts, defaults: Partial<StudyOptions>): Promise<void> {
  const main = mode('--mode', o.mode);
  const compare = (o.compareModes ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((m) => mode('--compare-modes', m));
  if (!(o.z > 0)) throw new UsageError(`--z: expected a positive number (got ${o.z})`);
  const names = o.classNames?.split(',').map((s) => s.trim());
  if (names && (names.length !== 2 || names.some((s) => !s))) throw new UsageError(`--class-names: expected 'signal,background' (got '${o.classNames}')`);
  const t0 = Date.now();
  let bar: ReturnType<typeof progress> | undefined;
  const r = await runStudy({
    ...defaults,
    outDir: o.out, n: Math.round((o.n ?? 20000) * (o.scale ?? 1)), seed: o.seed, hl: o.hl,
    space: { select: o.select, kappas: o.kappa, betas: o.beta }, passes: o.passes, mode: main, compareModes: compare,
    cnnEpochs: o.cnnEpochs, cnnPatience: o.cnnPatience, dnnEpochs: o.dnnEpochs, threads: o.threads, jetsFile: o.in, blackBox: o.blackBox,
    ensemble: { members: o.ensemble, resample: o.ensembleMode as 'seeds' | 'bootstrap' }, stop: o.stop, z: o.z, bruteForceMax: o.bruteForceMax, premise: o.premise,
    classNames: names as [string, string] | undefined,
    log: (m) => { bar?.stop(); bar = undefined; info(m); },
    progress: (label) => (done, total) => {
      bar ??= progress(label, total);
      bar.update(done, total);
      if (done >= total) { bar.stop(); bar = undefined; }
    },
  });
  bar?.stop();
  const g = r.guide;
  const first = g.passes[0];
  const last = g.passes[g.passes.length - 1];
  const pm = (v: number, e: number) => `${v.toFixed(4)} +- ${e.toFixed(4)}`;
  if (r.premise) info(r.premise.verdict);
  info(`AUC: ${r.blackBoxName} ${pm(g.aucBlackBox, g.aucBlackBoxErr)}; DNN ${pm(first.aucDnn, first.aucDnnSd)} -> ${pm(last.aucDnn, last.aucDnnSd)}; ADO[DNN, ${r.blackBoxName}] ${pm(first.adoDnnBlackBox, first.adoDnnBlackBoxSd)} -> ${pm(last.adoDnnBlackBox, last.adoDnnBlackBoxSd)} (${g.stopReason})`);
  for (const m of r.modes) info(`  ${m.mode}: ${m.result.seconds.toFixed(0)} s, ${m.result.passes.length - 1} passes, AUC[DNN] ${m.result.passes[m.result.passes.length - 1].aucDnn.toFixed(4)}`);
  info(`report: ${o.out}/index.html (table: ${o.out}/guided.csv) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (cliState.quiet) console.log(JSON.stringify({ outDir: r.outDir, aucBlackBox: g.aucBlackBox, passes: g.passes.length, premise: r.premise?.blackBoxBetter, stopReason: g.stopReason }));
}

export const register = (program: Command) => {
  common(program
    .command('study')
    .description('the main job: generate W vs QCD jets, observables, images, a CNN black box, the premise with errors, EFPs, guided iteration, report')
    .option('--out <dir>', 'run directory (re-running continues from the last finished step)', 'jetlens-study')
    .option('--n <n>', 'jets per class', intOption('n', 10), 20000)
    .option('--scale <x>', 'multiply --n (e.g. 5 for the 100k-per-class reproduction)', parseFloat, 1))
    .action(action((o: Opts) => run(o, {})));

  common(program
    .command('guide')
    .description('guided iteration on your jets: find the EFPs that reproduce a black box (a score file, or a CNN trained here)')
    .requiredOption('--in <file>', 'labelled jets (.npz with X and y, .h5, .jsonl, ...)')
    .option('--black-box <scores>', 'black-box scores, one per jet (file.npy, file.npz:name, file.csv:column); default: train a CNN on jet images')
    .option('--class-names <sig,bkg>', "names of the classes y = 1 and y = 0 (default: from '<in>.json' {\"class_names\": [..]}, else signal, background)")
    .requiredOption('--out <dir>', 'run directory (resumable)'))
    .action(action((o: Opts) => run(o, {})));
};
