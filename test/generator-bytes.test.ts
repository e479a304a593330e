import t from 'tap';
import { createHash } from 'node:crypto';
import { generateMixture, generateWithTruth, type GenerateOptions } from '../src/jets/generator/index.js';
import { Rng } from '../src/util/rng.js';

// Byte identity of the v2 generator (#16 item 8: speed-ups must keep "same seed, same bytes"). Every number in the
// docs depends on these bytes: the hashes below were made by main at d230cd0, before the speed work, and every
// change to the generator's hot path must keep them. Cases: the six of bench/generator.mjs, and the options that
// take other branches of the hot path (UE, smearing, partons, tower positions, exact calorimeter, gluon splitting,
// no cone, the mixture). A hash that moves means the output changed: that is a physics change, not a speed-up.

type Columns = ArrayBufferView[];
function sha(cols: Columns): string {
  const x = createHash('sha256');
  for (const a of cols) x.update(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  return x.digest('hex').slice(0, 16);
}

function hashOf(opts: GenerateOptions): string {
  const { jets, truth } = generateWithTruth(opts);
  return sha([jets.offsets, jets.pt, jets.y, jets.phi, jets.pid!, jets.labels!, truth.pt, truth.y, truth.phi, truth.mass, truth.initiator]);
}

const N = 400;
const SEED = 12345;
const BYTE_CASES: [string, Omit<GenerateOptions, 'n' | 'seed'>][] = [
  ['quark (particles)', { process: 'quark' }],
  ['gluon (particles)', { process: 'gluon' }],
  ['w (towers, trimmed)', { process: 'w' }],
  ['qcd (towers, trimmed)', { process: 'qcd' }],
  ['w (particle level)', { process: 'w', towers: 0, trim: false }],
  ['qcd (particle level)', { process: 'qcd', towers: 0, trim: false }],
  ['qcd, UE + centre towers', { process: 'qcd', underlyingEvent: { density: 10 }, towerPosition: 'centre' }],
  ['w, exact calorimeter, no cone', { process: 'w', calorimeter: { stochastic: 0, constant: 0 }, cone: false }],
  ['gluon, smeared, gluon splitting', { process: 'gluon', smear: true, fragmentation: { gluonSplit: 0.3 } }],
  ['qcd, partons', { process: 'qcd', hadronize: 'partons' }],
  ['w, trim 0.3/0.1, towers 0.05', { process: 'w', trim: { rSub: 0.3, fCut: 0.1 }, towers: 0.05 }],
];

const WANT: Record<string, string> = {
  'quark (particles)': 'dcde28fe1b59f08e',
  'gluon (particles)': '79a51c3348bce81f',
  'w (towers, trimmed)': '8d7fe448852b2712',
  'qcd (towers, trimmed)': '1b9759c66533f2de',
  'w (particle level)': '514ea0bfe85bd2a9',
  'qcd (particle level)': 'ef2c289a2be8c723',
  'qcd, UE + centre towers': '482af28b0a81d4bd',
  'w, exact calorimeter, no cone': 'aa19ce50bd7ce6b4',
  'gluon, smeared, gluon splitting': '35c0dad6899b5511',
  'qcd, partons': '0591a23662c60b2e',
  'w, trim 0.3/0.1, towers 0.05': 'a9c07458100b69b2',
  mixture: '408717fa7a6dae1c',
};

t.test('v2 output byte for byte as on main before the speed work (fixed seeds, every bench case)', async (t) => {
  for (const [name, opts] of BYTE_CASES) {
    const got = hashOf({ ...opts, n: N, seed: SEED } as GenerateOptions);
    if (process.env.JETLENS_PRINT_HASHES === '1') console.log(`  '${name}': '${got}',`);
    t.equal(got, WANT[name], name);
  }
  const m = generateMixture({ signal: 'w', background: 'qcd', n: 200, seed: 9 });
  if (process.env.JETLENS_PRINT_HASHES === '1') console.log(`  mixture: '${sha([m.offsets, m.pt, m.y, m.phi, m.pid!, m.labels!])}',`);
  t.equal(sha([m.offsets, m.pt, m.y, m.phi, m.pid!, m.labels!]), WANT.mixture, 'w/qcd mixture');
});

t.test('Rng: the same numbers as the plain-field implementation it replaced (values made by main at d230cd0)', async (t) => {
  const r = new Rng(2 ** 33 + 7);
  const got: number[] = [];
  for (let i = 0; i < 3; i++) got.push(r.nextUint32(), r.uniform(), r.normal());
  got.push(r.normal(), r.int(1000));
  t.same(got, [225556871, 0.38618168494943295, 0.25186057009024104, 720891913, 0.10818909766889928, 0.04467809815911243,
    1835767145, 0.5145944349318199, -1.079890471368132, -0.864205121193993, 581]);
  const r2 = new Rng(42);
  const f = new Float64Array(10000);
  for (let i = 0; i < f.length; i++) f[i] = i % 3 === 0 ? r2.nextUint32() : i % 3 === 1 ? r2.uniform() : r2.normal();
  t.equal(sha([f]), '723c1391cdfb1354', '10,000 interleaved draws');
});
