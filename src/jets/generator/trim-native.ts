import { loadNative, type NativeAddon } from '../../backend/native.js';
import type { JetParticles } from './particles.js';
import { Trimmer } from './trim.js';

export type NativeTrimMode = 'v8-math' | 'merge-in-js';

let mathChecked: boolean | undefined;
/**
 * Whether the addon's V8 math (genMath) gives exactly Math.*'s bits on 4,096 fixed inputs per function (wide range,
 * near 1 for log, signed zeros, subnormals, huge, infinities, NaN): checked once per process, a safety net for Node
 * builds other than the one the tests ran on.
 */
export function mathMatches(n: NativeAddon): boolean {
  if (mathChecked !== undefined) return mathChecked;
  mathChecked = false;
  if (typeof n.genMath !== 'function') return false;
  const x = mathInputs(4096, 7), y = mathInputs(4096, 11), out = new Float64Array(x.length);
  const fns: [string, (a: number, b: number) => number][] = [
    ['log', (a) => Math.log(Math.abs(a))], ['cos', Math.cos], ['sin', Math.sin], ['cosh', Math.cosh], ['sinh', Math.sinh], ['atan2', Math.atan2],
    ['coshsinh', Math.cosh], ['sinhcosh', Math.sinh], // the trimmer's cosh and sinh from one expm1 (gen_trim.cc cosh_sinh)
  ];
  for (const [name, f] of fns) {
    const xs = name === 'log' ? x.map(Math.abs) : name.length === 8 ? sharedRange(x) : x;
    try {
      if (n.genMath(name, xs, y, out) !== true) return false;
    } catch {
      return false; // an addon built before this name existed: merge-in-js mode
    }
    for (let i = 0; i < x.length; i++) if (!Object.is(out[i], f(xs[i], y[i]))) return false;
  }
  mathChecked = true;
  return true;
}

/** Every other input moved into (-0.35, 0.35), where gen_trim.cc's cosh_sinh computes both from one expm1. */
export function sharedRange(x: Float64Array): Float64Array {
  return x.map((v, i) => (i % 2 === 1 ? v : v % 0.35));
}

/** Deterministic test inputs: special values, then a spread of magnitudes (LCG-driven, no Rng dependency). */
export function mathInputs(n: number, seed: number): Float64Array {
  const special = [0, -0, 1, -1, 1 + 2 ** -52, 1 - 2 ** -53, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, 1e300,
    Number.MAX_VALUE, -Number.MAX_VALUE, Infinity, -Infinity, NaN, Math.PI, -Math.PI, 710.5, -710.5, 0.5, 2 ** 30];
  const out = new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    if (i < special.length) {
      out[i] = special[i];
      continue;
    }
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 4294967296;
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const v = s / 4294967296 - 0.5;
    // Alternate: O(1) values (the generator's range), near 1 (log's hard case), and any exponent.
    out[i] = i % 3 === 0 ? 8 * v : i % 3 === 1 ? 1 + v * 2 ** -(u * 40) : Math.sign(v) * 2 ** (u * 2046 - 1023);
  }
  return out;
}

/** Header slots and column order shared with native/gen_trim.cc. */
const F_HEAD = 2, I_HEAD = 2;
/** gen_trim.cc's kMaxParticles (its distance matrix is M^2 doubles): larger jets go to trim.ts (same output). */
const NATIVE_MAX = 2048;

/**
 * Trimmer (trim.ts, the reference) in C++ (native/gen_trim.cc), keeping the same particles bit for bit. The
 * clustering's transcendental functions (cos, sin, cosh, sinh of the inputs, log and atan2 of merged clusters) must
 * be V8's own (glibc's differ in the last bit, which can flip a tie); two modes:
 * - whole jet in C++ ('v8-math'): the addon calls V8's Math.* implementations (v8::base::ieee754, which node
 *   exports), used only if they reproduce Math.* on fixed inputs here (mathMatches);
 * - otherwise ('merge-in-js') the addon runs the kT bookkeeping and hands each merge back to this file, which does
 *   its arithmetic with Math.* exactly as trim.ts does.
 * test/generator-trim-native.test.ts compares both modes with Trimmer jet by jet.
 */
export class NativeTrimmer {
  private cap = 0;
  /** [y, phi of the merged cluster | cpt by id | ay | aphi | adi | annd by position] (gen_trim.cc). */
  private F = new Float64Array(0);
  /** [best, j | pos | head | tail | next | keep by id | ann | aid by position]. */
  private I = new Int32Array(0);
  private ce = new Float64Array(0);
  private cpx = new Float64Array(0);
  private cpy = new Float64Array(0);
  private cpz = new Float64Array(0);
  private lazy = new Uint8Array(0);
  private keep = new Uint8Array(0);
  private large: Trimmer | undefined;

  /** The addon's entry points, read once (the addon's exports object is a slow dictionary lookup per call). */
  private readonly start: (F: Float64Array, I: Int32Array, M: number, cap: number, ptCut: number, r2: number) => number;
  private readonly resume: () => number;
  private readonly whole: (F: Float64Array, I: Int32Array, M: number, cap: number, fCut: number, r2: number) => void;

  private constructor(
    readonly rSub: number,
    readonly fCut: number,
    addon: NativeAddon,
    readonly mode: NativeTrimMode,
  ) {
    this.start = addon.genTrimStart;
    this.resume = addon.genTrimResume;
    this.whole = addon.genTrim;
    this.reserve(128);
  }

  /** The native trimmer when the addon has it, else the TypeScript one (same output); `mode` forces one (tests). */
  static create(rSub: number, fCut: number, mode?: NativeTrimMode): NativeTrimmer | Trimmer {
    const n = loadNative();
    if (!n || typeof n.genTrimStart !== 'function') return new Trimmer(rSub, fCut);
    return new NativeTrimmer(rSub, fCut, n, mode ?? (mathMatches(n) ? 'v8-math' : 'merge-in-js'));
  }

  run(p: JetParticles): void {
    const M = p.n;
    if (M < 2) return;
    if (M > NATIVE_MAX) {
      (this.large ??= new Trimmer(this.rSub, this.fCut)).run(p);
      return;
    }
    this.reserve(M);
    if (this.mode === 'v8-math') this.runWhole(p);
    else this.runMergeInJs(p);
    const { I, keep, cap } = this;
    const KEEP = I_HEAD + 4 * cap;
    for (let i = 0; i < M; i++) keep[i] = I[KEEP + i];
    p.keepMasked(keep);
  }

  private runWhole(p: JetParticles): void {
    const { F, I, cap } = this;
    const M = p.n, AY = F_HEAD + cap, APHI = AY + cap;
    for (let i = 0; i < M; i++) {
      F[F_HEAD + i] = p.pt[i];
      F[AY + i] = p.dy[i];
      F[APHI + i] = p.dphi[i];
    }
    this.whole(F, I, M, cap, this.fCut, this.rSub * this.rSub);
  }

  private runMergeInJs(p: JetParticles): void {
    const M = p.n;
    const { F, I, cpx, cpy, lazy, cap } = this;
    const AY = F_HEAD + cap, APHI = AY + cap;
    let px = 0, py = 0;
    for (let i = 0; i < M; i++) {
      const pt = p.pt[i];
      F[F_HEAD + i] = pt;
      cpx[i] = pt * Math.cos(p.dphi[i]);
      cpy[i] = pt * Math.sin(p.dphi[i]);
      px += cpx[i];
      py += cpy[i];
      lazy[i] = 1;
      F[AY + i] = p.dy[i];
      F[APHI + i] = p.dphi[i];
    }
    const ptCut = this.fCut * Math.sqrt(px * px + py * py);
    const resume = this.resume;
    let due = this.start(F, I, M, cap, ptCut, this.rSub * this.rSub);
    while (due === 1) {
      this.merge(p, I[0], I[1]);
      due = resume();
    }
  }

  /** Trimmer.cluster's merge arithmetic for clusters best <- j; the new y, phi go to the header for the addon. */
  private merge(p: JetParticles, best: number, j: number): void {
    const { F, ce, cpx, cpy, cpz } = this;
    this.energyOf(p, best);
    this.energyOf(p, j);
    ce[best] += ce[j];
    cpx[best] += cpx[j];
    cpy[best] += cpy[j];
    cpz[best] += cpz[j];
    F[F_HEAD + best] = Math.sqrt(cpx[best] * cpx[best] + cpy[best] * cpy[best]);
    F[0] = 0.5 * Math.log((ce[best] + cpz[best]) / (ce[best] - cpz[best]));
    F[1] = Math.atan2(cpy[best], cpx[best]);
  }

  /** As Trimmer.energyOf: E = pT cosh y, pz = pT sinh y of a cluster that is still one particle. */
  private energyOf(p: JetParticles, i: number): void {
    if (this.lazy[i] === 0) return;
    this.lazy[i] = 0;
    this.ce[i] = p.pt[i] * Math.cosh(p.dy[i]);
    this.cpz[i] = p.pt[i] * Math.sinh(p.dy[i]);
  }

  private reserve(M: number): void {
    if (M <= this.cap) return;
    let cap = Math.max(128, this.cap);
    while (cap < M) cap *= 2;
    this.cap = cap;
    this.F = new Float64Array(F_HEAD + 5 * cap);
    this.I = new Int32Array(I_HEAD + 7 * cap);
    this.ce = new Float64Array(cap);
    this.cpx = new Float64Array(cap);
    this.cpy = new Float64Array(cap);
    this.cpz = new Float64Array(cap);
    this.lazy = new Uint8Array(cap);
    this.keep = new Uint8Array(cap);
  }
}
