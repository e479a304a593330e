// The 'gpujs' EFP backend (gpu.js, float32) against the float64 'reference' plan executor: every d <= 4 column,
// kappa and beta in {0.5, 1, 2}, random jets of M = 1..30 (phi wrap, identical particles, an empty jet).
// Tolerance (float32, expectClose per column): rel 1e-4, abs 1e-10 * column max. Every term of an EFP sum is >= 0,
// so float32 gives a small relative error; the column-scale floor only matters for values near float32 underflow.
import t, { type Test } from 'tap';
import { backendsFor, getKernel } from '../src/backend/dispatch.js';
import { loadGpuJs } from '../src/backend/gpujs.js';
import { JetBatch } from '../src/jets/batch.js';
import { EFPSet } from '../src/efp/efpset.js';
import { Rng } from '../src/util/rng.js';
import { expectClose, tolerance } from './fixtures/backends.js';

const TOL = 1e-4;

function jets(rng: Rng): number[][][] {
  const out: number[][][] = [];
  const jet = (M: number, phi0: number, spread = 0.4) =>
    Array.from({ length: M }, () => [rng.range(0.5, 100), rng.range(-spread, spread), phi0 + rng.range(-spread, spread)]);
  for (let M = 1; M <= 30; M++) out.push(jet(M, rng.range(0, 6)));
  for (let k = 0; k < 6; k++) out.push(jet(1 + rng.int(30), rng.range(-7, 7), 1.2));
  // straddles phi = +-pi (both conventions mixed)
  out.push(jet(9, Math.PI).map((p, i) => (i % 2 ? [p[0], p[1], p[2] - 2 * Math.PI] : p)));
  // identical particles, and a jet of two identical particles only
  const base = jet(3, 1);
  out.push([...base, [...base[0]], [...base[0]], [...base[1]]]);
  out.push([[...base[2]], [...base[2]]]);
  out.push([]);
  return out;
}

/** expectClose per column: rel TOL, abs TOL * 1e-6 * (the column's largest reference value). */
function compare(t: Test, got: Float64Array, want: Float64Array, K: number, what: string) {
  const n = want.length / K;
  for (let k = 0; k < K; k++) {
    const g = Float64Array.from({ length: n }, (_, j) => got[j * K + k]);
    const w = Float64Array.from({ length: n }, (_, j) => want[j * K + k]);
    const colMax = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expectClose(t, g, w, tolerance(TOL, Math.max(TOL * 1e-6 * colMax, 1e-300)), `${what} column ${k}`);
  }
}

t.test('gpujs is registered and loads', async (t) => {
  const g = await loadGpuJs();
  t.ok(backendsFor('efp').includes('gpujs'), `backendsFor('efp') = ${backendsFor('efp').join(', ')}`);
  t.notOk(['gpujs'].includes(getKernel('efp').backend), 'never picked automatically');
  t.ok(typeof g.mode === 'string' && g.mode.length > 0, `gpu.js mode: ${g.mode}`);
});

t.test('every d <= 4 column matches the reference to float32 tolerance', async (t) => {
  const rng = new Rng(20261125);
  const batch = JetBatch.fromNested(jets(rng));
  for (const kappa of [0.5, 1, 2]) {
    for (const beta of [0.5, 1, 2]) {
      const set = new EFPSet('d<=4', { kappa, beta });
      const ref = await set.batchCompute(batch, { backend: 'reference' });
      const got = await set.batchCompute(batch, { backend: 'gpujs' });
      compare(t, got, ref, set.length, `kappa=${kappa} beta=${beta} (${set.length} columns, ${batch.length} jets)`);
    }
  }
});

t.test('other measures, a c = 4 graph (rank-3 intermediate), progress', async (t) => {
  const rng = new Rng(7);
  const batch = JetBatch.fromNested(jets(rng).slice(0, 20));
  for (const measure of ['hadrdot', 'ee'] as const) {
    const set = new EFPSet('d<=3', { measure });
    compare(t, await set.batchCompute(batch, { backend: 'gpujs' }), await set.batchCompute(batch, { backend: 'reference' }), set.length, measure);
  }
  const k4 = new EFPSet([[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
  let last = 0;
  const got = await k4.batchCompute(batch, { backend: 'gpujs', onProgress: (d) => (last = d) });
  compare(t, got, await k4.batchCompute(batch, { backend: 'reference' }), k4.length, 'K4');
  t.equal(last, batch.length);
});

t.test('empty jets give 0; the order of jets does not matter', async (t) => {
  const set = new EFPSet('d<=3');
  t.same(Array.from(await set.batchCompute(JetBatch.fromNested([[]]), { backend: 'gpujs' })), new Array(set.length).fill(0));
  const rng = new Rng(3);
  const js = jets(rng).slice(0, 12).reverse();
  const a = await set.batchCompute(JetBatch.fromNested(js), { backend: 'gpujs' });
  const b = await set.batchCompute(JetBatch.fromNested(js), { backend: 'reference' });
  compare(t, a, b, set.length, 'reversed order');
});
