/**
 * # jetlens built-in jet generator (v2: hadron-level jets; docs/generator.md is the full description)
 *
 * A seeded final-state generator of quark, gluon, QCD (quark/gluon mix) and boosted W -> q q' jets:
 * - shower: angular-ordered leading-log collinear branching (shower.ts), dP = (alpha_s/2pi) P(z) dz dtheta^2/theta^2,
 *   k_t cut-off 0.4 GeV, W quarks starting at their opening angle (colour singlet), QCD jets at R;
 * - W recoil: the W's partons are rescaled in its rest frame so the system keeps the drawn mass exactly (conserve.ts);
 * - hadronisation: independent fragmentation in each colour singlet's rest frame into pi+-, pi0 -> 2 gamma, K, p, n
 *   with PDG masses, then the singlet's four-momentum restored exactly (fragment.ts, hadrons.ts, jet.ts);
 * - optional UE/pile-up (ue.ts); for W/QCD by default 0.1 calorimeter towers with a 50%/sqrt(E) resolution and
 *   trimming (R_sub 0.2, f_cut 0.05) as in the Baldi et al. sample (detector.ts; trim.ts, in C++ via trim-native.ts);
 * - `hadronize: 'none'` is the v1 generator (one massless pion per parton), byte for byte.
 *
 * It is NOT Pythia or Herwig (no ISR, MPI, matrix-element corrections, colour reconnection, heavy flavour, resonance
 * decays other than pi0): its parameters were chosen to meet the target table of docs/generator.md.
 *
 * Reproducibility: jet j is generated from its own random stream seeded by (seed, j), so output is the same
 * byte for byte whether jets are made in one go, in chunks (generateAsync) or, later, in parallel.
 */
import { Rng } from '../../util/rng.js';
import { chunked, type RunOptions } from '../../backend/control.js';
import { JetBatch } from '../batch.js';
import { CsrBuilder } from './builder.js';
import { JetMaker } from './jet.js';
import { JetRng } from './rng.js';
import { checkCount, checkProcess, checkSeed, resolveOptions, type GenerateOptions, type GeneratorConfig, type Process } from './options.js';

/** Per-jet generator-level record (before shower, hadronisation, detector and cone cut). */
export interface JetTruthColumns {
  pt: Float64Array;
  y: Float64Array;
  phi: Float64Array;
  /** W Breit-Wigner mass, 0 for quark/gluon jets. */
  mass: Float64Array;
  /** 1 = quark, 21 = gluon, 24 = W. */
  initiator: Float64Array;
}

export interface GeneratedJets {
  jets: JetBatch;
  truth: JetTruthColumns;
}

export type GenerateRunOptions = Pick<RunOptions, 'signal' | 'onProgress'>;

/** Options shared by both classes of a mixture (each class keeps its own process defaults for what is unset). */
export type MixtureOptions = Omit<GenerateOptions, 'process'> & { signal: Process; background: Process };

/** A 32-bit seed for stream `index` of `seed` (jets, or the parts of a mixture): independent, reproducible. */
export function streamSeed(seed: number, index: number): number {
  let h = mix32((seed >>> 0) ^ 0x243f6a88);
  h = mix32(h ^ (Math.floor(seed / 4294967296) >>> 0));
  h = mix32(h ^ (index >>> 0));
  return mix32(h ^ (Math.floor(index / 4294967296) >>> 0));
}

function mix32(x: number): number {
  x = (x + 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** The state of one generation run; jets [start, end) can be made in any chunking with identical results. */
class Run {
  readonly maker: JetMaker;
  readonly builder: CsrBuilder;
  readonly truth: JetTruthColumns;
  /** One stream object, reseeded per jet (same numbers as a new Rng per jet; see rng.ts). */
  private readonly rng = new JetRng();

  constructor(readonly cfg: GeneratorConfig) {
    this.maker = new JetMaker(cfg);
    // Room for the usual multiplicity (particle-level hadron jets carry 40-60 particles, towers 15-35): one
    // allocation instead of a doubling copy of every column midway (same bytes: finish() trims to size).
    this.builder = new CsrBuilder(cfg.n, cfg.hadronize !== 'none' && !(cfg.towers > 0) ? 64 : 32);
    const col = () => new Float64Array(cfg.n);
    this.truth = { pt: col(), y: col(), phi: col(), mass: col(), initiator: col() };
  }

  jets(start: number, end: number): void {
    const m = this.maker;
    const t = m.truth;
    for (let j = start; j < end; j++) {
      m.make(this.rng.reseed(streamSeed(this.cfg.seed, j)));
      this.builder.addJet(m.particles, t.y, t.phi);
      this.truth.pt[j] = t.pt;
      this.truth.y[j] = t.y;
      this.truth.phi[j] = t.phi;
      this.truth.mass[j] = t.mass;
      this.truth.initiator[j] = t.initiator;
    }
  }

  finish(): GeneratedJets {
    const label = this.cfg.process === 'quark' || this.cfg.process === 'w' ? 1 : 0;
    return { jets: this.builder.finish(new Float64Array(this.cfg.n).fill(label)), truth: this.truth };
  }
}

/** Generates n jets of one process; labels 1 for quark or W, 0 for gluon or QCD; pid column filled. */
export function generate(opts: GenerateOptions): JetBatch {
  return generateWithTruth(opts).jets;
}

/** As `generate`, with the generator-level pT, axis, W mass and initiator of every jet. */
export function generateWithTruth(opts: GenerateOptions): GeneratedJets {
  const run = new Run(resolveOptions(opts));
  run.jets(0, run.cfg.n);
  return run.finish();
}

/** As `generate`, yielding to the event loop every few hundred jets (progress, AbortSignal). */
export async function generateAsync(opts: GenerateOptions, ro: GenerateRunOptions = {}): Promise<JetBatch> {
  return (await generateWithTruthAsync(opts, ro)).jets;
}

export async function generateWithTruthAsync(opts: GenerateOptions, ro: GenerateRunOptions = {}): Promise<GeneratedJets> {
  const run = new Run(resolveOptions(opts));
  await chunked(run.cfg.n, ro, (a, b) => run.jets(a, b), 256);
  return run.finish();
}

/** Signal and background options of a mixture, with their own seeds. */
function mixtureParts(o: MixtureOptions): [GenerateOptions, GenerateOptions, number] {
  const signal = checkProcess('signal', o.signal);
  const background = checkProcess('background', o.background);
  checkCount('n', o.n);
  const seed = checkSeed(o.seed);
  const { signal: _s, background: _b, ...common } = o;
  return [
    { ...common, process: signal, seed: streamSeed(seed, 1) },
    { ...common, process: background, seed: streamSeed(seed, 2) },
    streamSeed(seed, 3),
  ];
}

function shuffleMixture(sig: JetBatch, bkg: JetBatch, shuffleSeed: number): JetBatch {
  sig.labels = new Float64Array(sig.length).fill(1);
  bkg.labels = new Float64Array(bkg.length).fill(0);
  const all = JetBatch.concat([sig, bkg]);
  return all.select(new Rng(shuffleSeed).permutation(all.length));
}

/** n signal jets (label 1) and n background jets (label 0), shuffled with the seed. */
export function generateMixture(opts: MixtureOptions): JetBatch {
  const [s, b, shuffleSeed] = mixtureParts(opts);
  return shuffleMixture(generate(s), generate(b), shuffleSeed);
}

/** As `generateMixture`, yielding to the event loop; progress counts all 2n jets. */
export async function generateMixtureAsync(opts: MixtureOptions, ro: GenerateRunOptions = {}): Promise<JetBatch> {
  const [s, b, shuffleSeed] = mixtureParts(opts);
  const n = s.n;
  const part = (offset: number): GenerateRunOptions => ({
    signal: ro.signal,
    onProgress: ro.onProgress ? (done) => ro.onProgress!(offset + done, 2 * n) : undefined,
  });
  const sig = await generateAsync(s, part(0));
  const bkg = await generateAsync(b, part(n));
  return shuffleMixture(sig, bkg, shuffleSeed);
}
