/**
 * # jetlens built-in jet generator (a toy parton shower)
 *
 * What it is: a small, fast, seeded final-state parton shower that makes quark, gluon, QCD (quark/gluon mix) and
 * boosted W -> q q' jets with the *leading-logarithmic collinear* physics right, so that jet substructure
 * observables (multiplicity, width, mass, EFPs) separate quarks from gluons and W from QCD roughly as they do in
 * real samples, and every study in jetlens can run without external data.
 *
 * What it is NOT: it is not Pythia or Herwig. There is no initial-state radiation, underlying event, pile-up,
 * multi-parton interactions, colour reconnection, hadron masses or decays, no soft wide-angle (non-collinear)
 * matrix elements, no recoil outside the jet, and no heavy flavour. Absolute numbers (multiplicities especially)
 * are not tuned to data; only the trends are meaningful. Use it for tests, demos and method development; use
 * real or Pythia samples (same layout) for physics results.
 *
 * The model:
 * - Shower: angular-ordered, collinear (small-angle) coherent branching in the emission angle theta, starting at R
 *   (for a W, at the q-q' opening angle: the colour-singlet dipole, capped at 1.5 rad) with
 *   dP = (alpha_s(k_t)/pi) P(z) dz dtheta/theta, k_t = z(1-z) E theta > mu0 = 1 GeV, P_gq = C_F (1+(1-z)^2)/z,
 *   P_gg = C_A [z/(1-z) + (1-z)/z + z(1-z)], P_qg = T_R n_f (z^2+(1-z)^2), one-loop alpha_s (alpha_s(M_Z) = 0.118,
 *   n_f = 5, frozen below 1 GeV), sampled exactly with the Sudakov veto algorithm (see shower.ts).
 *   Normalisation: dtheta/theta = (1/2) dtheta^2/theta^2. The design note writes the density as
 *   (alpha_s/pi) P(z) dz dtheta^2/theta^2, which is twice the leading-log (eikonal) rate
 *   2 alpha_s C_F/pi dz/z dtheta/theta for these P(z); we use the LL normalisation by default and the option
 *   `emissionScale: 2` reproduces the literal formula.
 * - Kinematics: massless partons, each splitting conserves 3-momentum exactly (the pair's energy excess is the
 *   jet mass), in a frame where the jet axis is at y = 0; a longitudinal boost to y0 and a rotation by phi0 map
 *   to lab (pt, y, phi). The jet pT (vector sum before the cone cut) equals the generated pT to rounding
 *   (~1e-15 relative); nothing is rescaled.
 * - Hadronisation: one massless pion per parton, or with probability `twoHadronProb` two pions sharing its
 *   momentum at an angle ~ 1 GeV / pT_parton; pid = 211, -211 or 111 at random (a label, not conserved charge).
 * - Optional detector (off by default): pT resolution, a (y, phi) cell grid, a particle pT threshold.
 * - Particles further than R from the jet axis are dropped (W jets lose mass out of the cone, as real ones do).
 * - Jet axis: y0 uniform in [-1.7, 1.7], phi0 uniform in [0, 2 pi); particle phi = phi0 + dphi is not wrapped
 *   (it stays inside [-pi, 3 pi]). Particles are stored hardest first.
 *
 * Reproducibility: jet j is generated from its own random stream seeded by (seed, j), so output is the same
 * byte for byte whether jets are made in one go, in chunks (generateAsync) or, later, in parallel.
 */
import { Rng } from '../../util/rng.js';
import { chunked, type RunOptions } from '../../backend/control.js';
import { JetBatch } from '../batch.js';
import { CsrBuilder } from './builder.js';
import { JetMaker } from './jet.js';
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

  constructor(readonly cfg: GeneratorConfig) {
    this.maker = new JetMaker(cfg);
    this.builder = new CsrBuilder(cfg.n);
    const col = () => new Float64Array(cfg.n);
    this.truth = { pt: col(), y: col(), phi: col(), mass: col(), initiator: col() };
  }

  jets(start: number, end: number): void {
    const m = this.maker;
    const t = m.truth;
    for (let j = start; j < end; j++) {
      m.make(new Rng(streamSeed(this.cfg.seed, j)));
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
