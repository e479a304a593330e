// Every groom kernel (forEachBackend) against the synchronous TypeScript reference on random jets (M up to 80, phi
// wrap, empty / one- / two-particle jets, with and without masses): identical constituent sets, z_g / R_g and groomed
// 4-vectors within rel 1e-12 (abs 1e-15: values that are rounding noise around 0).
import t from 'tap';
import { backendsFor } from '../src/backend/dispatch.js';
import { loadNative } from '../src/backend/native.js';
import { JetBatch } from '../src/jets/batch.js';
import { groom, groomReference, jetFourMomenta, type GroomSpec } from '../src/jss/groom.js';
import { Rng } from '../src/util/rng.js';
import { expectClose, forEachBackend, tolerance } from './fixtures/backends.js';
import { randomJets } from './fixtures/jss-jets.js';

const TOL = tolerance(1e-12, 1e-15);

const native = loadNative();
const base = randomJets(5, 150, 80);
const rng = new Rng(9);
const massive = new JetBatch({
  offsets: base.offsets, pt: base.pt, y: base.y, phi: base.phi,
  mass: Float64Array.from({ length: base.size }, () => (rng.int(4) === 0 ? 0 : rng.range(0, 1.2))),
});
const SPECS: GroomSpec[] = [
  { method: 'trim', rSub: 0.2, fCut: 0.03 }, { method: 'trim', rSub: 0.3, fCut: 0.05, algorithm: 'ca' },
  { method: 'softdrop', zCut: 0.1, beta: 0 }, { method: 'softdrop', zCut: 0.1, beta: 1 },
  { method: 'softdrop', zCut: 0.25, beta: 1.5, R0: 0.8 }, { method: 'softdrop', zCut: 0.1, beta: 1, algorithm: 'kt' },
];

t.test('native kernel registered when the addon has it', async (t) => {
  t.equal(backendsFor('groom').includes('native'), Boolean(native?.jssGroom));
  t.ok(backendsFor('groom').includes('reference'));
});

t.test('every backend == the synchronous reference on random jets', async (t) => {
  const refs = [base, massive].map((jets) => SPECS.map((spec) => groomReference(jets, spec)));
  for (const ref of refs.flat()) t.ok(ref.keep.some((k) => k === 0), 'the spec grooms something');
  await forEachBackend(t, 'groom', async (t, backend) => {
    for (const [i, jets] of [base, massive].entries()) {
      for (const [k, spec] of SPECS.entries()) {
        const ref = refs[i][k];
        for (const threads of [1, 2]) {
          const got = await groom(jets, spec, { backend, threads });
          const what = `${JSON.stringify(spec)} mass=${Boolean(jets.mass)} threads=${threads}`;
          t.same(got.keep, ref.keep, `${what}: identical constituent sets`);
          expectClose(t, got.info, ref.info, TOL, `${what}: info`);
          expectClose(t, jetFourMomenta(got.jets), jetFourMomenta(ref.jets), TOL, `${what}: 4-vectors`);
        }
      }
    }
  });
});

t.test('native: bad options are errors, not crashes', { skip: native ? false : 'native addon not built' }, async (t) => {
  const b = base.slice(0, 3);
  const good = {
    offsets: b.offsets, pt: b.pt, y: b.y, phi: b.phi, keep: new Uint8Array(b.size), info: new Float64Array(6),
    method: 'trim', algorithm: 'kt', rSub: 0.2, fCut: 0.1, zCut: 0, beta: 0, R0: 1, threads: 1,
  };
  await t.resolves(native!.jssGroom(good));
  t.throws(() => native!.jssGroom({ ...good, keep: new Uint8Array(1) }), /keep/);
  t.throws(() => native!.jssGroom({ ...good, rSub: -1 }), /rSub/);
  t.throws(() => native!.jssGroom({ ...good, method: 'prune' }), /method/);
  t.throws(() => native!.jssGroom({ ...good, mass: new Float64Array(b.size).fill(-1) }), /mass/);
  t.throws(() => native!.jssGroom({ ...good, pt: new Float64Array(b.size).fill(NaN) }), /non-finite/);
});
