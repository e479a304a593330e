import { type Command, InvalidArgumentError } from 'commander';
import { formatOf, writeJets } from '../io/index.js';
import { generateAsync, generateMixtureAsync, PROCESSES, type GenerateOptions, type Process, type SmearOptions } from '../jets/generator/index.js';
import { action, info, intOption, progress, type Register } from './util.js';

/** Parses a finite number option with a clear error. */
function numberOption(name: string): (v: string) => number {
  return (v: string) => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x)) throw new InvalidArgumentError(`--${name}: expected a number, got '${v}'`);
    return x;
  };
}

function processOption(name: string): (v: string) => Process {
  return (v: string) => {
    if (!(PROCESSES as readonly string[]).includes(v)) throw new InvalidArgumentError(`--${name}: expected one of ${PROCESSES.join(', ')}, got '${v}'`);
    return v as Process;
  };
}

interface GenerateCliOptions {
  process?: Process;
  signal?: Process;
  background?: Process;
  n: number;
  seed: number;
  out: string;
  ptMin?: number;
  ptMax?: number;
  R?: number;
  yMax?: number;
  quarkFraction?: number;
  twoHadronProb?: number;
  smear?: boolean;
  smearResolution?: number;
  smearPtMin?: number;
  smearCell?: number;
  cone: boolean;
  emissionScale?: number;
}

function smearOf(o: GenerateCliOptions): SmearOptions | undefined {
  const any = o.smear || o.smearResolution !== undefined || o.smearPtMin !== undefined || o.smearCell !== undefined;
  if (!any) return undefined;
  return { ptResolution: o.smearResolution, ptMin: o.smearPtMin, cell: o.smearCell };
}

async function run(o: GenerateCliOptions): Promise<void> {
  const mixture = o.signal !== undefined || o.background !== undefined;
  if (mixture && (o.signal === undefined || o.background === undefined)) throw new Error('--signal and --background go together');
  if (mixture && o.process !== undefined) throw new Error('give either --process or --signal/--background, not both');
  if (!mixture && o.process === undefined) throw new Error('give --process, or --signal and --background');
  formatOf(o.out); // an unknown extension fails now, not after the jets are made
  const common: Omit<GenerateOptions, 'process'> = {
    n: o.n,
    seed: o.seed,
    ptMin: o.ptMin,
    ptMax: o.ptMax,
    R: o.R,
    yMax: o.yMax,
    quarkFraction: o.quarkFraction,
    twoHadronProb: o.twoHadronProb,
    smear: smearOf(o),
    cone: o.cone,
    emissionScale: o.emissionScale,
  };
  const total = mixture ? 2 * o.n : o.n;
  const bar = progress('generate', total);
  const ro = { onProgress: (done: number) => bar.update(done) };
  let batch;
  try {
    batch = mixture
      ? await generateMixtureAsync({ ...common, signal: o.signal!, background: o.background! }, ro)
      : await generateAsync({ ...common, process: o.process! }, ro);
  } finally {
    bar.stop();
  }
  await writeJets(o.out, batch);
  const what = mixture ? `${o.n} ${o.signal} (label 1) + ${o.n} ${o.background} (label 0), shuffled` : `${o.n} ${o.process}`;
  info(`wrote ${what} jets, ${batch.size} particles (mean ${(batch.size / Math.max(1, batch.length)).toFixed(1)} per jet) to ${o.out}`);
}

export const register: Register = (program: Command) => {
  program
    .command('generate')
    .description(
      'generate jets with the built-in toy parton shower (leading-log, collinear, angular ordered; NOT Pythia) ' +
        'into an EnergyFlow-layout file: X (N, M, 4) = pt, y, phi, pid and labels y (1 = quark/W/signal)',
    )
    .option('--process <name>', `one process: ${PROCESSES.join(' | ')}`, processOption('process'))
    .option('--signal <name>', 'mixture: signal process (label 1), N jets', processOption('signal'))
    .option('--background <name>', 'mixture: background process (label 0), N jets', processOption('background'))
    .option('--n <N>', 'number of jets (of each class for a mixture)', intOption('n', 1), 10000)
    .option('--seed <S>', 'random seed: same seed, same file', intOption('seed', 0), 1)
    .requiredOption('--out <file>', 'output file (.npz; also .npy .h5 .csv .jsonl)')
    .option('--pt-min <GeV>', 'jet pT lower edge (default 500 for quark/gluon, 300 for qcd/w)', numberOption('pt-min'))
    .option('--pt-max <GeV>', 'jet pT upper edge (default 550 for quark/gluon, 400 for qcd/w)', numberOption('pt-max'))
    .option('--R <radius>', 'jet radius: shower start angle and cone (default 0.4 quark/gluon, 1.0 qcd/w)', numberOption('R'))
    .option('--y-max <y>', 'jet rapidity uniform in [-y, y] (default 1.7)', numberOption('y-max'))
    .option('--quark-fraction <f>', 'quark share of the qcd process (default 0.5)', numberOption('quark-fraction'))
    .option('--two-hadron-prob <p>', 'probability that a parton becomes two hadrons (default 0)', numberOption('two-hadron-prob'))
    .option('--smear', 'toy detector: 5% pT resolution, 0.05 (y, phi) cells, particle pT >= 0.5 GeV (default off)')
    .option('--smear-resolution <r>', 'detector relative pT resolution (implies --smear; default 0.05)', numberOption('smear-resolution'))
    .option('--smear-pt-min <GeV>', 'detector particle pT threshold (implies --smear; default 0.5)', numberOption('smear-pt-min'))
    .option('--smear-cell <size>', 'detector (y, phi) cell size, 0 = none (implies --smear; default 0.05)', numberOption('smear-cell'))
    .option('--no-cone', 'keep particles outside R of the jet axis (default: dropped)')
    .option('--emission-scale <s>', 'multiplies the shower emission density (default 1 = leading log)', numberOption('emission-scale'))
    .action(action(run));
};
