import t from 'tap';
import { loadNative } from '../src/backend/native.js';
import { generate, type GenerateOptions } from '../src/jets/generator/index.js';
import { JetParticles } from '../src/jets/generator/particles.js';
import { Trimmer } from '../src/jets/generator/trim.js';
import { NativeTrimmer, mathInputs, mathMatches, sharedRange, type NativeTrimMode } from '../src/jets/generator/trim-native.js';

// NativeTrimmer (kT bookkeeping in C++, native/gen_trim.cc) must keep exactly the particles trim.ts's Trimmer keeps,
// in the same order: identical bytes, not a tolerance. Untrimmed generated jets of every kind are trimmed by both,
// with several (rSub, fCut), including tower grids at cell centres (many exactly equal distances: the ties), in both
// modes (whole jet with V8's math in C++; merges in JavaScript).
const native = loadNative();
const skip = native && typeof native.genTrimStart === 'function' ? false : 'native addon not built (npm run build)';

function load(p: JetParticles, pt: Float64Array, dy: Float64Array, dphi: Float64Array): void {
  p.reserve(pt.length);
  p.n = pt.length;
  p.pt.set(pt);
  p.dy.set(dy);
  p.dphi.set(dphi);
}

const SAMPLES: [string, GenerateOptions][] = [
  ['qcd towers', { process: 'qcd', n: 300, seed: 1, trim: false }],
  ['w towers', { process: 'w', n: 300, seed: 2, trim: false }],
  ['qcd centre towers (ties)', { process: 'qcd', n: 200, seed: 3, trim: false, towerPosition: 'centre' }],
  ['gluon particles', { process: 'gluon', n: 150, seed: 4, trim: false }],
  ['w particles + UE', { process: 'w', n: 150, seed: 5, trim: false, towers: 0, underlyingEvent: { density: 10 } }],
];
const PARAMS: [number, number][] = [[0.2, 0.05], [0.3, 0.1], [0.05, 0], [1.0, 0.3]];
const MODES: NativeTrimMode[] = ['v8-math', 'merge-in-js'];

t.test("the addon's V8 math gives Math.*'s bits on 10^6 inputs per function (random, edge, near 1)", { skip }, async (t) => {
  if (!mathMatches(native!)) {
    t.fail('genMath differs from Math.* (or V8 symbols missing): NativeTrimmer falls back to merge-in-js');
    return;
  }
  const n = 1_000_000;
  const x = mathInputs(n, 12345), y = mathInputs(n, 777), out = new Float64Array(n);
  const fns: [string, (a: number, b: number) => number][] = [
    ['log', Math.log], ['cos', Math.cos], ['sin', Math.sin], ['cosh', Math.cosh], ['sinh', Math.sinh], ['atan2', Math.atan2],
    ['coshsinh', Math.cosh], ['sinhcosh', Math.sinh], // cosh and sinh from one expm1 (gen_trim.cc cosh_sinh), half in its range
  ];
  for (const [name, f] of fns) {
    const xs = name === 'log' ? x.map(Math.abs) : name.length === 8 ? sharedRange(x) : x;
    t.equal(native!.genMath(name, xs, y, out), true, `${name} available`);
    let bad = 0;
    for (let i = 0; i < n; i++) if (!Object.is(out[i], f(xs[i], y[i]))) bad++;
    t.equal(bad, 0, `${name}: ${n} inputs, identical bits`);
  }
});

t.test('NativeTrimmer keeps exactly what Trimmer keeps (many jets, kinds, parameters)', { skip }, async (t) => {
  t.ok(NativeTrimmer.create(0.2, 0.05) instanceof NativeTrimmer, 'the native trimmer is used when the addon is built');
  const a = new JetParticles(), b = new JetParticles();
  let jets = 0, differ = 0, merged = 0;
  for (const [name, opts] of SAMPLES) {
    const batch = generate(opts);
    for (const [[rSub, fCut], mode] of PARAMS.flatMap((pr) => MODES.map((m) => [pr, m] as const))) {
      const ref = new Trimmer(rSub, fCut), nat = NativeTrimmer.create(rSub, fCut, mode);
      let bad = 0;
      for (let j = 0; j < batch.length; j++) {
        const lo = batch.offsets[j], hi = batch.offsets[j + 1];
        const pt = batch.pt.slice(lo, hi);
        // Offsets from the hardest particle (as the generator's jet-frame coordinates), then both trimmers.
        const dy = batch.y.slice(lo, hi).map((y) => y - batch.y[lo]);
        const dphi = batch.phi.slice(lo, hi).map((f) => f - batch.phi[lo]);
        load(a, pt, dy, dphi);
        load(b, pt, dy, dphi);
        ref.run(a);
        nat.run(b);
        jets++;
        if (a.n < hi - lo) merged++;
        const same = a.n === b.n && [a.pt, a.dy, a.dphi].every((col, c) => col.subarray(0, a.n).every((v, i) => Object.is(v, [b.pt, b.dy, b.dphi][c][i])));
        if (!same) bad++;
      }
      if (bad) t.fail(`${name}, rSub ${rSub}, fCut ${fCut}, ${mode}: ${bad} jets differ`);
      differ += bad;
    }
  }
  t.equal(differ, 0, `${jets} jets trimmed by both, all identical`);
  t.ok(merged > jets / 4, `trimming removed particles in ${merged} of ${jets} jets (the comparison is not vacuous)`);
});

t.test('NativeTrimmer on hand-made jets: empty, one particle, two at exactly equal distances', { skip }, async (t) => {
  const cases: [number[], number[], number[]][] = [
    [[], [], []],
    [[50], [0], [0]],
    [[10, 10, 10, 10], [0, 0.1, 0, 0.1], [0, 0, 0.1, 0.1]],
    [[100, 1, 1, 1], [0, 0.5, -0.5, 0.5], [0, 0.5, 0.5, -0.5]],
    [[5, 5], [0, 0], [0, 0]],
  ];
  for (const [pt, dy, dphi] of cases) {
    const a = new JetParticles(), b = new JetParticles();
    load(a, new Float64Array(pt), new Float64Array(dy), new Float64Array(dphi));
    load(b, new Float64Array(pt), new Float64Array(dy), new Float64Array(dphi));
    new Trimmer(0.2, 0.05).run(a);
    for (const mode of MODES) {
      load(b, new Float64Array(pt), new Float64Array(dy), new Float64Array(dphi));
      NativeTrimmer.create(0.2, 0.05, mode).run(b);
      t.same([...b.pt.subarray(0, b.n)], [...a.pt.subarray(0, a.n)], `pT ${pt.join(',')}, ${mode}: same kept particles`);
    }
  }
  t.throws(() => native!.genTrimStart(new Float64Array(3), new Int32Array(20), 1, 1, 0, 0.04), /F shorter/, 'short buffer: error, no crash');
  t.throws(() => native!.genTrimResume.call(null), /no trimming in progress/, 'resume without start: error');
  t.throws(() => native!.genTrim(new Float64Array(12), new Int32Array(20), 1, 3, 0, 0.04), /F shorter/, 'genTrim short buffer');
  const F = new Float64Array(2 + 5 * 4), I = new Int32Array(2 + 7 * 4);
  F.set([1, Infinity], 2);
  t.throws(() => native!.genTrim(F, I, 2, 4, 0.05, 0.04), /particle 1 has pT < 0, infinite or NaN/, 'infinite pT: named error');
  F.set([1, NaN], 2);
  t.throws(() => native!.genTrimStart(F, I, 2, 4, 0.05, 0.04), /particle 1/, 'NaN pT: named error');
  t.throws(() => native!.genMath('exp', new Float64Array(2), new Float64Array(2), new Float64Array(2)), /name must be/, 'genMath: unknown name');
  F.set([1, 1], 2);
  F.set([0, NaN], 2 + 4);
  t.throws(() => native!.genTrim(F, I, 2, 4, 0.05, 0.04), /particle 1 has an infinite or NaN y or phi/, 'NaN y: named error');
  const big = 2049, Fb = new Float64Array(2 + 5 * big).fill(1), Ib = new Int32Array(2 + 7 * big);
  t.throws(() => native!.genTrim(Fb, Ib, big, big, 0.05, 0.04), /M: expected an integer in \[0, 2048\]/, 'more particles than the distance matrix takes: error, no allocation');
});

t.test('NativeTrimmer hands a jet above its matrix size (2,048 particles) to trim.ts: same particles kept', { skip }, async (t) => {
  const n = 2100, pt = new Float64Array(n), dy = new Float64Array(n), dphi = new Float64Array(n);
  let s = 12345;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  for (let i = 0; i < n; i++) [pt[i], dy[i], dphi[i]] = [100 * u() ** 4, 2 * u() - 1, 2 * u() - 1];
  const a = new JetParticles(), b = new JetParticles();
  load(a, pt, dy, dphi);
  load(b, pt, dy, dphi);
  new Trimmer(0.2, 0.05).run(a);
  NativeTrimmer.create(0.2, 0.05).run(b);
  t.ok(a.n < n && a.n > 0, `trimming kept ${a.n} of ${n}`);
  t.same([...b.pt.subarray(0, b.n)], [...a.pt.subarray(0, a.n)], 'same kept particles');
});
