import t from 'tap';
import { createHash } from 'node:crypto';
import { generateMixture, generateWithTruth, type GenerateOptions } from '../src/jets/generator/index.js';

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
