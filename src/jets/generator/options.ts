import { JetlensInputError } from '../../errors.js';

export type Process = 'quark' | 'gluon' | 'qcd' | 'w';
export const PROCESSES: readonly Process[] = ['quark', 'gluon', 'qcd', 'w'];

/** Optional detector smearing (off unless given). `true` means the defaults below. */
export interface SmearOptions {
  /** Relative Gaussian pT resolution per particle (default 0.05). Particles smeared to pT <= 0 are dropped. */
  ptResolution?: number;
  /** Particles below this pT (GeV) are dropped after smearing (default 0.5). */
  ptMin?: number;
  /** (y, phi) cell size of a calorimeter-like grid; particles in one cell merge (default 0.05; 0 = no grid). */
  cell?: number;
}

export interface GenerateOptions {
  process: Process;
  /** Number of jets. */
  n: number;
  /** Integer seed: same seed, same bytes. */
  seed: number;
  /** Jet pT range in GeV (uniform); defaults by process: quark/gluon [500, 550], qcd/w [300, 400]. */
  ptMin?: number;
  ptMax?: number;
  /** Jet radius: shower start angle and cone cut (quark/gluon 0.4, qcd/w 1.0). */
  R?: number;
  /** Jet axis rapidity uniform in [-yMax, yMax] (default 1.7). */
  yMax?: number;
  /** Fraction of quark jets in the `qcd` process (default 0.5). */
  quarkFraction?: number;
  /** Probability that a final parton becomes two hadrons instead of one (default 0). */
  twoHadronProb?: number;
  /** Detector smearing; off by default. */
  smear?: SmearOptions | boolean;
  /** Drop particles outside R of the jet axis (default true). false keeps the whole shower (exact pT balance). */
  cone?: boolean;
  /**
   * Multiplies the emission density (default 1 = leading-log normalisation; 2 reproduces the density written
   * literally as (alpha_s/pi) P(z) dz dtheta^2/theta^2, see generate.ts).
   */
  emissionScale?: number;
}

/** Everything the per-jet code needs, validated and with defaults filled in. */
export interface GeneratorConfig {
  process: Process;
  n: number;
  seed: number;
  ptMin: number;
  ptMax: number;
  R: number;
  yMax: number;
  quarkFraction: number;
  twoHadronProb: number;
  smear: Required<SmearOptions> | null;
  cone: boolean;
  emissionScale: number;
}

const DEFAULT_SMEAR: Required<SmearOptions> = { ptResolution: 0.05, ptMin: 0.5, cell: 0.05 };

export function processDefaults(p: Process): { ptMin: number; ptMax: number; R: number } {
  return p === 'quark' || p === 'gluon' ? { ptMin: 500, ptMax: 550, R: 0.4 } : { ptMin: 300, ptMax: 400, R: 1.0 };
}

function bad(field: string, problem: string): never {
  throw new JetlensInputError(problem, { field });
}

function num(field: string, v: unknown, dflt: number, ok: (x: number) => boolean, range: string): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) bad(field, `expected a number ${range}, got ${String(v)}`);
  return v;
}

export function checkProcess(field: string, p: unknown): Process {
  if (!PROCESSES.includes(p as Process)) bad(field, `unknown process '${String(p)}' (expected one of ${PROCESSES.join(', ')})`);
  return p as Process;
}

export function checkCount(field: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 2 ** 31) bad(field, `expected an integer >= 0, got ${String(n)}`);
  return n;
}

export function checkSeed(seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) bad('seed', `expected an integer seed, got ${String(seed)}`);
  return seed;
}

function resolveSmear(s: SmearOptions | boolean | undefined): Required<SmearOptions> | null {
  if (s === undefined || s === false) return null;
  const o = s === true ? {} : s;
  if (typeof o !== 'object' || o === null) bad('smear', 'expected an object or a boolean');
  return {
    ptResolution: num('smear.ptResolution', o.ptResolution, DEFAULT_SMEAR.ptResolution, (x) => x >= 0 && x <= 1, 'in [0, 1]'),
    ptMin: num('smear.ptMin', o.ptMin, DEFAULT_SMEAR.ptMin, (x) => x >= 0, '>= 0'),
    cell: num('smear.cell', o.cell, DEFAULT_SMEAR.cell, (x) => x >= 0 && x <= 1, 'in [0, 1]'),
  };
}

/** Validates user options (JetlensInputError naming the field) and fills in the defaults. */
export function resolveOptions(o: GenerateOptions): GeneratorConfig {
  if (typeof o !== 'object' || o === null) bad('options', 'expected an options object');
  const process = checkProcess('process', o.process);
  const d = processDefaults(process);
  const ptMin = num('ptMin', o.ptMin, d.ptMin, (x) => x > 0, '> 0');
  const ptMax = num('ptMax', o.ptMax, Math.max(d.ptMax, ptMin), (x) => x >= ptMin, `>= ptMin (${ptMin})`);
  return {
    process,
    n: checkCount('n', o.n),
    seed: checkSeed(o.seed),
    ptMin,
    ptMax,
    R: num('R', o.R, d.R, (x) => x > 0 && x <= 1.5, 'in (0, 1.5]'),
    yMax: num('yMax', o.yMax, 1.7, (x) => x >= 0 && x <= 10, 'in [0, 10]'),
    quarkFraction: num('quarkFraction', o.quarkFraction, 0.5, (x) => x >= 0 && x <= 1, 'in [0, 1]'),
    twoHadronProb: num('twoHadronProb', o.twoHadronProb, 0, (x) => x >= 0 && x <= 1, 'in [0, 1]'),
    smear: resolveSmear(o.smear),
    cone: o.cone === undefined ? true : Boolean(o.cone),
    emissionScale: num('emissionScale', o.emissionScale, 1, (x) => x > 0 && x <= 4, 'in (0, 4]'),
  };
}
