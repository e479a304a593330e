import { JetlensInputError } from '../../errors.js';
import { DEFAULT_FRAGMENTATION, type FragmentationParams } from './fragment.js';
import type { UnderlyingEventOptions } from './ue.js';

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

/**
 * 'fragment' (v2 default): independent fragmentation into hadrons with masses and PDG ids, four-momentum conserved
 * per colour singlet; 'partons': the v2 shower's final partons (pid 1 quark, 21 gluon), massless;
 * 'none': the v1 generator byte for byte (one massless pion per parton, no W recoil, k_t cut 1 GeV, no towers,
 * no trimming), to reproduce results made before v2.
 */
export type Hadronize = 'fragment' | 'partons' | 'none';
export const HADRONIZE: readonly Hadronize[] = ['fragment', 'partons', 'none'];

/** Where a calorimeter tower is placed in its cell: uniformly at random (Delphes, default) or at the centre. */
export type TowerPosition = 'random' | 'centre';
export const TOWER_POSITIONS: readonly TowerPosition[] = ['random', 'centre'];

export interface CalorimeterOptions {
  stochastic: number;
  constant: number;
}

/** Trimming of the generated jets: kT subjets of radius rSub, those below fCut x jet pT dropped. */
export interface TrimOptions {
  rSub: number;
  fCut: number;
}

export interface GenerateOptions {
  process: Process;
  /** Hadronisation model (default 'fragment'); 'none' = the v1 generator. */
  hadronize?: Hadronize;
  /** Shower cut-off in k_t (GeV; default 0.5 for v2, 1 for v1). */
  ktCut?: number;
  /** Fragmentation parameters (fragment.ts); unset ones keep their defaults. */
  fragmentation?: Partial<FragmentationParams>;
  /** Calorimeter towers: (y, phi) cell size, massless towers with pid 0 (default 0.1 for qcd/w, 0 = particles). */
  towers?: number;
  /**
   * Tower energy resolution sigma_E / E = stochastic / sqrt(E / GeV) (+) constant, in quadrature (Delphes-like
   * hadronic calorimeter; default {stochastic: 0.5, constant: 0.05}; zeros = exact towers).
   */
  calorimeter?: Partial<CalorimeterOptions>;
  /** Tower position in its cell: 'random' (uniform, as Delphes; default) or 'centre'. */
  towerPosition?: TowerPosition;
  /** Trimming (default {rSub: 0.2, fCut: 0.05} for qcd/w as the Baldi et al. sample, false for quark/gluon). */
  trim?: TrimOptions | false;
  /** Underlying event / pile-up (off by default). */
  underlyingEvent?: UnderlyingEventOptions | false;
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
  hadronize: Hadronize;
  ktCut: number;
  fragmentation: FragmentationParams;
  towers: number;
  calorimeter: CalorimeterOptions;
  towerPosition: TowerPosition;
  trim: TrimOptions | null;
  underlyingEvent: Required<UnderlyingEventOptions> | null;
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

/** v2 shower cut-off (GeV): 0.4, the final-state shower cut-off of Pythia 8 (TimeShower:pTmin). */
export const DEFAULT_KT_CUT = 0.4;

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

function resolveFragmentation(f: Partial<FragmentationParams> | undefined): FragmentationParams {
  if (f === undefined) return DEFAULT_FRAGMENTATION;
  if (typeof f !== 'object' || f === null) bad('fragmentation', 'expected an object');
  const d = DEFAULT_FRAGMENTATION;
  return {
    a: num('fragmentation.a', f.a, d.a, (x) => x >= 0 && x <= 1, 'in [0, 1]'),
    ptSigma: num('fragmentation.ptSigma', f.ptSigma, d.ptSigma, (x) => x >= 0 && x <= 5, 'in [0, 5]'),
    pStop: num('fragmentation.pStop', f.pStop, d.pStop, (x) => x >= 0.05 && x <= 100, 'in [0.05, 100]'),
    strange: num('fragmentation.strange', f.strange, d.strange, (x) => x >= 0 && x <= 1, 'in [0, 1]'),
    baryon: num('fragmentation.baryon', f.baryon, d.baryon, (x) => x >= 0 && x <= 0.5, 'in [0, 0.5]'),
    gluonSplit: num('fragmentation.gluonSplit', f.gluonSplit, d.gluonSplit, (x) => x >= 0 && x <= 1, 'in [0, 1]'),
  };
}

export const DEFAULT_CALORIMETER: CalorimeterOptions = { stochastic: 0.5, constant: 0.05 };

function resolveCalorimeter(c: Partial<CalorimeterOptions> | undefined): CalorimeterOptions {
  if (c === undefined) return DEFAULT_CALORIMETER;
  if (typeof c !== 'object' || c === null) bad('calorimeter', 'expected {stochastic, constant}');
  const d = DEFAULT_CALORIMETER;
  return {
    stochastic: num('calorimeter.stochastic', c.stochastic, d.stochastic, (x) => x >= 0 && x <= 5, 'in [0, 5]'),
    constant: num('calorimeter.constant', c.constant, d.constant, (x) => x >= 0 && x <= 1, 'in [0, 1]'),
  };
}

function resolveTrim(t: TrimOptions | false | undefined, dflt: TrimOptions | null): TrimOptions | null {
  if (t === undefined) return dflt;
  if (t === false) return null;
  if (typeof t !== 'object' || t === null) bad('trim', 'expected {rSub, fCut} or false');
  return {
    rSub: num('trim.rSub', t.rSub, 0.2, (x) => x > 0 && x <= 1.5, 'in (0, 1.5]'),
    fCut: num('trim.fCut', t.fCut, 0.05, (x) => x >= 0 && x < 1, 'in [0, 1)'),
  };
}

function resolveUe(u: UnderlyingEventOptions | false | undefined): Required<UnderlyingEventOptions> | null {
  if (u === undefined || u === false) return null;
  if (typeof u !== 'object' || u === null) bad('underlyingEvent', 'expected {density, ptMean} or false');
  return {
    density: num('underlyingEvent.density', u.density, NaN, (x) => x >= 0 && x <= 1000, 'in [0, 1000]'),
    ptMean: num('underlyingEvent.ptMean', u.ptMean, 0.6, (x) => x > 0 && x <= 20, 'in (0, 20]'),
  };
}

function resolveTowerPosition(v: unknown): TowerPosition {
  if (v === undefined) return 'random';
  if (!TOWER_POSITIONS.includes(v as TowerPosition)) bad('towerPosition', `expected one of ${TOWER_POSITIONS.join(', ')}, got '${String(v)}'`);
  return v as TowerPosition;
}

/** Validates user options (JetlensInputError naming the field) and fills in the defaults. */
export function resolveOptions(o: GenerateOptions): GeneratorConfig {
  if (typeof o !== 'object' || o === null) bad('options', 'expected an options object');
  const process = checkProcess('process', o.process);
  const d = processDefaults(process);
  const ptMin = num('ptMin', o.ptMin, d.ptMin, (x) => x > 0, '> 0');
  const ptMax = num('ptMax', o.ptMax, Math.max(d.ptMax, ptMin), (x) => x >= ptMin, `>= ptMin (${ptMin})`);
  if (o.hadronize !== undefined && !HADRONIZE.includes(o.hadronize)) {
    bad('hadronize', `expected one of ${HADRONIZE.join(', ')}, got '${String(o.hadronize)}'`);
  }
  const hadronize = o.hadronize ?? 'fragment';
  const v1 = hadronize === 'none';
  const wide = process === 'qcd' || process === 'w';
  return {
    process,
    hadronize,
    ktCut: num('ktCut', o.ktCut, v1 ? 1 : DEFAULT_KT_CUT, (x) => x >= 0.1 && x <= 10, 'in [0.1, 10]'),
    fragmentation: resolveFragmentation(o.fragmentation),
    towers: num('towers', o.towers, wide && !v1 ? 0.1 : 0, (x) => x >= 0 && x <= 1, 'in [0, 1]'),
    calorimeter: resolveCalorimeter(o.calorimeter),
    towerPosition: resolveTowerPosition(o.towerPosition),
    trim: resolveTrim(o.trim, wide && !v1 ? { rSub: 0.2, fCut: 0.05 } : null),
    underlyingEvent: resolveUe(o.underlyingEvent),
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
