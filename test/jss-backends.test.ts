// Every registered observables kernel (forEachBackend) against the plain synchronous reference: random jets (M up
// to 60, phi wrap, empty / one- / two-particle jets), every column, every axes choice, several betas.
// Tolerance: rel 1e-12; abs 1e-15 for jet phi and rap (rounding noise around 0), 1e-300 elsewhere.
import t from 'tap';
import { backendsFor } from '../src/backend/dispatch.js';
import { loadNative } from '../src/backend/native.js';
import { observables, observablesReference } from '../src/jss/observables.js';
import { expectClose, forEachBackend, tolerance } from './fixtures/backends.js';
import { randomJets } from './fixtures/jss-jets.js';

const native = loadNative();
const jets = randomJets(7, 120, 60);
// Relative 1e-12; the floor only matters for values that are rounding noise around 0 (jet phi, rap near 0).
const TOL = tolerance(1e-12, 1e-300);
const TOL_ANGLE = tolerance(1e-12, 1e-15);
const colTol = (c: string) => (c === 'phi' || c === 'rap' ? TOL_ANGLE : TOL);

const columnsAll = [
  'pt', 'mass', 'rap', 'phi', 'mult', 'width',
  'e2_b1', 'e3_b1', 'c2_b1', 'd2_b1', 'e2_b2', 'e3_b2', 'c2_b2', 'd2_b2', 'e2_b0.5', 'c2_b0.5', 'd2_b1.5',
  'tau1_b1', 'tau2_b1', 'tau3_b1', 'tau4_b1', 'tau21_b1', 'tau32_b1', 'tau1_b2', 'tau2_b2', 'tau21_b2', 'tau32_b0.5',
];

t.test('native kernel registered when the addon has it', async (t) => {
  t.equal(backendsFor('observables').includes('native'), Boolean(native?.jssObservables));
  t.ok(backendsFor('observables').includes('reference'));
});

for (const axes of ['kt', 'wta', 'onepass'] as const) {
  t.test(`every backend == the synchronous reference, all columns, axes ${axes}`, async (t) => {
    const ref = observablesReference(jets, { columns: columnsAll, axes });
    await forEachBackend(t, 'observables', async (t, backend) => {
      for (const threads of [1, 2]) {
        const got = await observables(jets, { columns: columnsAll, axes, backend, threads });
        t.same(got.columns, columnsAll);
        for (const c of columnsAll) {
          expectClose(t, got.values[c], ref.values[c], colTol(c), `${c} (threads ${threads})`);
          t.ok(got.values[c].every(Number.isFinite), `${c}: finite`);
        }
      }
    });
  });
}

t.test('every backend == reference on hand-made edge jets (ties, duplicates, phi = +-pi, phi in [0, 2 pi])', async (t) => {
  const edge = [
    [],
    [[3, 0, Math.PI]],
    Array.from({ length: 6 }, () => [7, 0.2, 1.0]),
    [[1, 0, 0], [1, 1, 0], [1, 1, 1], [1, 0, 1], [1, 0.5, 0.5]],
    [[5, 0.1, Math.PI], [5, 0.1, -Math.PI], [2, -0.1, 3.0], [2, -0.1, -3.0]],
    [[10, 0.3, 6.2], [4, 0.2, 0.1], [6, 0.1, 6.0], [1, 0.4, 0.05]],
    [[4, 1, 1], [4, 1, 1], [2, 1.2, 1.1], [2, 1.2, 1.1], [1, 0.9, 0.8]],
  ];
  await forEachBackend(t, 'observables', async (t, backend) => {
    for (const axes of ['kt', 'wta', 'onepass'] as const) {
      const ref = observablesReference(edge, { columns: columnsAll, axes });
      const got = await observables(edge, { columns: columnsAll, axes, backend });
      for (const c of columnsAll) expectClose(t, got.values[c], ref.values[c], tolerance(1e-12, 1e-13), `${axes} ${c}`);
    }
  });
});

t.test('default columns and options', async (t) => {
  const r = await observables(jets.slice(0, 10));
  t.same(r.columns, [
    'pt', 'mass', 'mult', 'width', 'e2_b1', 'e2_b2', 'e3_b1', 'e3_b2', 'c2_b1', 'c2_b2', 'd2_b1', 'd2_b2',
    'tau1_b1', 'tau2_b1', 'tau3_b1', 'tau21_b1', 'tau32_b1',
  ]);
  const r2 = await observables(jets.slice(0, 10), { betas: [0.5], tauBeta: 2 });
  t.same(r2.columns, ['pt', 'mass', 'mult', 'width', 'e2_b0.5', 'e3_b0.5', 'c2_b0.5', 'd2_b0.5',
    'tau1_b2', 'tau2_b2', 'tau3_b2', 'tau21_b2', 'tau32_b2']);
  await t.rejects(observables(jets, { columns: ['nope'] }), /unknown column 'nope'/);
  await t.rejects(observables(jets, { columns: ['c2_b0'] }), /unknown column/);
  await t.rejects(observables(jets, { betas: [-1] }), /field betas: betas must be a number > 0 or a non-empty list of them, got \[-1\]/);
  await t.rejects(observables(jets, { axes: 'xx' as 'kt' }), /field axes: expected one of kt, wta, onepass, got 'xx'/);
  await t.rejects(observables(jets, { backend: 'cuda' }), /unknown backend 'cuda'/);
  await t.rejects(observables(jets, { backend: 'gpujs' }), /kernel 'observables' not registered for backend 'gpujs'/);
});

t.test('zero jets: empty columns on every backend', async (t) => {
  await forEachBackend(t, 'observables', async (t, backend) => {
    const r = await observables({ data: new Float64Array(0), shape: [0, 5, 3] }, { backend });
    t.equal(r.values.c2_b1.length, 0, backend);
  });
});

t.test('abort and progress', async (t) => {
  await forEachBackend(t, 'observables', async (t, backend) => {
    const ac = new AbortController();
    ac.abort();
    await t.rejects(observables(jets, { backend, signal: ac.signal }), { name: 'AbortError' }, `${backend}: aborted`);
    let last = 0;
    await observables(jets, { backend, onProgress: (d, n) => { last = d; t.equal(n, jets.length); } });
    t.equal(last, jets.length, `${backend}: progress reaches the end`);
  });
});

t.test('native argument checks', { skip: native ? false : 'native addon not built' }, async (t) => {
  const f = native!.jssObservables;
  const b = jets.slice(0, 2);
  const ok = [b, new Float64Array(2 * 6), new Float64Array(0), new Uint8Array(0), new Float64Array(0), 0, 0, 1, undefined];
  await f(...ok);
  t.throws(() => f(b, new Float64Array(5), ...ok.slice(2)), /out: expected length/);
  t.throws(() => f(b, ok[1], new Float64Array([1]), new Uint8Array(0), ...ok.slice(4)), /needE3/);
  t.throws(() => f(b, ok[1], new Float64Array([-1]), new Uint8Array(1), ...ok.slice(4)), /beta/);
  t.throws(() => f(b, ok[1], ok[2], ok[3], ok[4], 0, 3, 1, undefined), /axes/);
});
