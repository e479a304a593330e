import { type Command, InvalidArgumentError } from 'commander';
import { formatOf, writeJets } from '../io/index.js';
import { generateAsync, generateMixtureAsync, PROCESSES, type GenerateOptions, type Process, type SmearOptions } from '../jets/generator/index.js';
import { HADRONIZE, TOWER_POSITIONS, type Hadronize, type TowerPosition } from '../jets/generator/options.js';
import type { FragmentationParams } from '../jets/generator/fragment.js';
import { printValidation } from './generate-validate.js';
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
  out?: string;
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
  hadronize?: Hadronize;
  ktCut?: number;
  fragmentation?: Partial<FragmentationParams>;
  towers?: number;
  calorimeter?: [number, number];
  towerPosition?: TowerPosition;
  trim?: [number, number] | false;
  particleLevel?: boolean;
  ue?: [number, number | undefined];
  validate?: boolean;
}

/** 'a,b' -> two numbers (the second optional when `optional`). */
function pairOption(name: string, optional = false): (v: string) => [number, number] {
  return (v: string) => {
    const parts = v.split(',').map((x) => x.trim());
    const nums = parts.map(Number);
    const ok = (parts.length === 2 || (optional && parts.length === 1)) && parts.every((x) => x !== '') && nums.every(Number.isFinite);
    if (!ok) throw new Error(`--${name}: expected ${optional ? 'X or X,Y' : 'X,Y'} (numbers), got '${v}'`);
    return [nums[0], nums[1]];
  };
}

const FRAG_KEYS = ['a', 'ptSigma', 'pStop', 'strange', 'baryon', 'gluonSplit'] as const;

/** 'a=0.7,pStop=2' -> fragmentation parameters. */
function fragOption(v: string): Partial<FragmentationParams> {
  const out: Partial<FragmentationParams> = {};
  for (const kv of v.split(',')) {
    const [k, x] = kv.split('=').map((s) => s.trim());
    if (!(FRAG_KEYS as readonly string[]).includes(k)) throw new Error(`--fragmentation: unknown key '${k}' (expected ${FRAG_KEYS.join(', ')})`);
    const n = Number(x);
    if (x === undefined || x === '' || !Number.isFinite(n)) throw new Error(`--fragmentation: ${k} needs a number, got '${x ?? ''}'`);
    out[k as (typeof FRAG_KEYS)[number]] = n;
  }
  return out;
}

function towerPositionOption(v: string): TowerPosition {
  if (!(TOWER_POSITIONS as readonly string[]).includes(v)) throw new Error(`--tower-position: expected one of ${TOWER_POSITIONS.join(', ')}, got '${v}'`);
  return v as TowerPosition;
}

function hadronizeOption(v: string): Hadronize {
  if (!(HADRONIZE as readonly string[]).includes(v)) throw new Error(`--hadronize: expected one of ${HADRONIZE.join(', ')}, got '${v}'`);
  return v as Hadronize;
}

/** The v2 options the command line sets (undefined: the generator's per-process default). */
function v2Options(o: GenerateCliOptions): Partial<GenerateOptions> {
  if (o.particleLevel && (o.towers !== undefined || o.trim !== undefined)) throw new Error('--particle-level sets --towers 0 and --no-trim: give one or the other');
  return {
    hadronize: o.hadronize,
    ktCut: o.ktCut,
    fragmentation: o.fragmentation,
    towers: o.particleLevel ? 0 : o.towers,
    calorimeter: o.calorimeter ? { stochastic: o.calorimeter[0], constant: o.calorimeter[1] } : undefined,
    towerPosition: o.towerPosition,
    trim: o.particleLevel || o.trim === false ? false : o.trim ? { rSub: o.trim[0], fCut: o.trim[1] } : undefined,
    underlyingEvent: o.ue ? { density: o.ue[0], ptMean: o.ue[1] } : undefined,
  };
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
  if (o.validate) {
    if (mixture || o.process !== undefined) throw new Error('--validate makes its own samples: no --process/--signal/--background');
    await printValidation(o.n, o.seed, { ...v2Options(o), cone: o.cone, yMax: o.yMax, emissionScale: o.emissionScale });
    return;
  }
  if (!mixture && o.process === undefined) throw new Error('give --process, or --signal and --background');
  if (o.out === undefined) throw new Error('--out is required');
  formatOf(o.out); // an unknown extension fails now, not after the jets are made
  const common: Omit<GenerateOptions, 'process'> = {
    ...v2Options(o),
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
      'generate jets with the built-in generator v2 (leading-log angular-ordered shower, independent fragmentation ' +
        'into hadrons; W/QCD in 0.1 towers, trimmed; NOT Pythia: docs/generator.md) into an EnergyFlow-layout file: ' +
        'X (N, M, 4) = pt, y, phi, pid and labels y (1 = quark/W/signal)',
    )
    .option('--process <name>', `one process: ${PROCESSES.join(' | ')}`, processOption('process'))
    .option('--signal <name>', 'mixture: signal process (label 1), N jets', processOption('signal'))
    .option('--background <name>', 'mixture: background process (label 0), N jets', processOption('background'))
    .option('--n <N>', 'number of jets (of each class for a mixture)', intOption('n', 1), 10000)
    .option('--seed <S>', 'random seed: same seed, same file', intOption('seed', 0), 1)
    .option('--out <file>', 'output file (.npz; also .npy .h5 .csv .jsonl); required unless --validate')
    .option('--pt-min <GeV>', 'jet pT lower edge (default 500 for quark/gluon, 300 for qcd/w)', numberOption('pt-min'))
    .option('--pt-max <GeV>', 'jet pT upper edge (default 550 for quark/gluon, 400 for qcd/w)', numberOption('pt-max'))
    .option('--R <radius>', 'jet radius: shower start angle and cone (default 0.4 quark/gluon, 1.0 qcd/w)', numberOption('R'))
    .option('--y-max <y>', 'jet rapidity uniform in [-y, y] (default 1.7)', numberOption('y-max'))
    .option('--quark-fraction <f>', 'quark share of the qcd process (default 0.5)', numberOption('quark-fraction'))
    .option('--two-hadron-prob <p>', 'v1 only (--hadronize none): probability that a parton becomes two pions (default 0)', numberOption('two-hadron-prob'))
    .option('--hadronize <model>', `fragment (default: hadrons with PDG ids) | partons (the shower's partons) | none (the v1 generator, byte for byte)`, hadronizeOption)
    .option('--kt-cut <GeV>', 'shower cut-off in k_t (default 0.4 as Pythia 8; v1: 1)', numberOption('kt-cut'))
    .option('--fragmentation <k=v,...>', `fragmentation parameters: ${FRAG_KEYS.join(', ')} (defaults in docs/generator.md)`, fragOption)
    .option('--towers <cell>', '(y, phi) calorimeter tower size, 0 = particle level (default 0.1 for qcd/w, 0 for quark/gluon)', numberOption('towers'))
    .option('--calorimeter <A,B>', 'tower energy resolution A/sqrt(E) (+) B (default 0.5,0.05)', pairOption('calorimeter'))
    .option('--tower-position <where>', `tower position in its cell: ${TOWER_POSITIONS.join(' | ')} (default random, as Delphes)`, towerPositionOption)
    .option('--trim <R_SUB,F_CUT>', 'trim the jets: kT subjets of R_SUB, drop those below F_CUT x jet pT (default 0.2,0.05 for qcd/w)', pairOption('trim'))
    .option('--no-trim', 'no trimming')
    .option('--particle-level', 'hadrons as they are: no towers, no trimming (same as --towers 0 --no-trim)')
    .option('--ue <DENSITY[,PT_MEAN]>', 'underlying event / pile-up: DENSITY particles per unit (y, phi) area, exponential pT of mean PT_MEAN GeV (default 0.6); off by default', pairOption('ue', true))
    .option('--validate', 'print the target table of docs/generator.md (N jets per class; no file written)')
    .option('--smear', 'toy detector: 5% pT resolution, 0.05 (y, phi) cells, particle pT >= 0.5 GeV (default off)')
    .option('--smear-resolution <r>', 'detector relative pT resolution (implies --smear; default 0.05)', numberOption('smear-resolution'))
    .option('--smear-pt-min <GeV>', 'detector particle pT threshold (implies --smear; default 0.5)', numberOption('smear-pt-min'))
    .option('--smear-cell <size>', 'detector (y, phi) cell size, 0 = none (implies --smear; default 0.05)', numberOption('smear-cell'))
    .option('--no-cone', 'keep particles outside R of the jet axis (default: dropped)')
    .option('--emission-scale <s>', 'multiplies the shower emission density (default 1 = leading log)', numberOption('emission-scale'))
    .action(action(run));
};
