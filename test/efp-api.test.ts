import t from 'tap';
import { JetlensInputError } from '../src/errors.js';
import { JetBatch } from '../src/jets/batch.js';
import { EFP, EFPSet } from '../src/efp/efpset.js';
import { Rng } from '../src/util/rng.js';
import { expectClose, forEachBackend, isClose, tolerance } from './fixtures/backends.js';

const F64 = tolerance(1e-12, 1e-300);

const rng = new Rng(21);
const makeJet = (M: number, phi0 = 1) =>
  Array.from({ length: M }, () => [rng.range(1, 50), rng.range(-0.4, 0.4), phi0 + rng.range(-0.4, 0.4)]);

/** Energy correlators written out by hand: e2 = sum_{i<j} z_i z_j theta_ij, e3 over i<j<k. */
function e2e3(jet: number[][], beta: number): [number, number] {
  const total = jet.reduce((s, p) => s + p[0], 0);
  const z = jet.map((p) => p[0] / total);
  const th = (i: number, j: number) => {
    const dy = jet[i][1] - jet[j][1];
    let dphi = Math.abs(jet[i][2] - jet[j][2]);
    if (dphi > Math.PI) dphi = 2 * Math.PI - dphi;
    return Math.pow(dy * dy + dphi * dphi, beta / 2);
  };
  let e2 = 0;
  let e3 = 0;
  for (let i = 0; i < jet.length; i++) {
    for (let j = i + 1; j < jet.length; j++) {
      e2 += z[i] * z[j] * th(i, j);
      for (let k = j + 1; k < jet.length; k++) e3 += z[i] * z[j] * z[k] * th(i, j) * th(j, k) * th(i, k);
    }
  }
  return [e2, e3];
}

t.test('one edge = 2 e2, triangle = 6 e3 (kappa = 1, normed, hadr)', async (t) => {
  for (const beta of [0.5, 1, 2]) {
    const jet = makeJet(40, 3.0); // straddles phi = pi
    const [e2, e3] = e2e3(jet, beta);
    const edge = new EFP([[0, 1]], { beta });
    const tri = new EFP([[0, 1], [1, 2], [2, 0]], { beta });
    t.ok(isClose(edge.compute(jet), 2 * e2, tolerance(1e-12, 1e-300)), `edge beta=${beta}`);
    t.ok(isClose(tri.compute(jet), 6 * e3, tolerance(1e-12, 1e-300)), `triangle beta=${beta}`);
    // every backend: float64 ones to 1e-12, gpujs (float32) to 1e-5
    await forEachBackend(t, 'efp', async (t, backend, tol) => {
      expectClose(t, await tri.batchCompute([jet], { backend }), [6 * e3], tol, `triangle beta=${beta}`);
    }, { tolerance: { reference: F64, native: F64, brute: F64, gpujs: tolerance(1e-5, 1e-300) } });
  }
  t.same(new EFP([[0, 1]]).graph, [[0, 1]]);
  t.equal(new EFP([[0, 1], [1, 2], [2, 0]]).spec.c, 3);
});

t.test('the d = 0 column is sum z (= 1 normed); composites are products of their factors', async (t) => {
  const set = new EFPSet('d<=4');
  const jets = [makeJet(9), makeJet(15, -3)];
  const out = await set.batchCompute(jets);
  const K = set.length;
  t.equal(set.specs[0].d, 0);
  t.ok(Math.abs(out[0] - 1) < 1e-14 && Math.abs(out[K] - 1) < 1e-14);
  const idOf = new Map(set.columns.map((c, i) => [c.id, i]));
  for (let k = 0; k < K; k++) {
    const col = set.columns[k];
    if (col.spec.p === 1) continue;
    const parts = col.id.split('*').map((id) => idOf.get(id)!);
    for (let j = 0; j < jets.length; j++) {
      const prod = parts.reduce((p, i) => p * out[j * K + i], 1);
      t.ok(isClose(out[j * K + k], prod, tolerance(1e-14, 1e-300)), `${col.id} jet ${j}`);
    }
  }
  // an explicit disconnected graph equals the product of its components
  const disc = new EFP([[0, 1], [2, 3], [3, 4], [4, 2]]);
  const jet = makeJet(12);
  t.ok(isClose(disc.compute(jet), new EFP([[0, 1]]).compute(jet) * new EFP([[0, 1], [1, 2], [2, 0]]).compute(jet), tolerance(1e-13, 1e-300)));
  t.same(set.sel('d<=1').filter(Boolean).length, 2);
  t.equal(set.count('p==1'), 21);
  t.equal(set.count(), 36);
});

t.test('phi periodicity and rotation invariance (hadr)', async (t) => {
  const set = new EFPSet('d<=4');
  const jet = makeJet(20, 0);
  const base = set.compute(jet);
  for (const shift of [Math.PI, -Math.PI, 2 * Math.PI, -2 * Math.PI]) {
    const moved = jet.map((p) => [p[0], p[1], p[2] + shift]);
    const v = set.compute(moved);
    expectClose(t, base, v, tolerance(1e-12, 1e-300), `shift ${shift.toFixed(2)}`);
  }
  // mixed conventions inside one jet straddling pi
  const straddle = jet.map((p) => [p[0], p[1], p[2] + Math.PI]);
  const mixed = straddle.map((p) => [p[0], p[1], p[2] > Math.PI ? p[2] - 2 * Math.PI : p[2]]);
  const a = set.compute(straddle);
  const b = set.compute(mixed);
  expectClose(t, a, b, tolerance(1e-12, 1e-300), 'mixed (-pi, pi] / [0, 2pi)');
});

t.test('IRC safety at kappa = 1: an exact collinear split leaves every EFP unchanged', async (t) => {
  const set = new EFPSet('d<=5');
  const jet = makeJet(10);
  const split = [...jet.slice(1), [jet[0][0] * 0.3, jet[0][1], jet[0][2]], [jet[0][0] * 0.7, jet[0][1], jet[0][2]]];
  const a = set.compute(jet);
  const b = set.compute(split);
  expectClose(t, a, b, tolerance(1e-12, 1e-300), 'values agree');
});

t.test('measure options are validated', async (t) => {
  t.throws(() => new EFPSet('d<=2', { kappa: 'pf' }), /requires normed: false/);
  t.throws(() => new EFPSet('d<=2', { kappa: 'pf', normed: false }), /not allowed with measure 'hadr'/);
  t.throws(() => new EFPSet('d<=2', { beta: 0 }), JetlensInputError);
  t.throws(() => new EFPSet('d<=2', { measure: 'eefm' as never }), /unknown measure/);
  t.throws(() => new EFPSet('d<=2', { kappa: NaN }), /kappa/);
});

t.test('batchCompute: backends, abort, progress, bad input', async (t) => {
  const set = new EFPSet('d<=3');
  const jets = JetBatch.fromNested(Array.from({ length: 300 }, () => makeJet(6)));
  const ctl = new AbortController();
  ctl.abort();
  const long = JetBatch.fromNested(Array.from({ length: 2000 }, () => makeJet(30)));
  const d7 = new EFPSet('d<=7');
  const want = await set.batchCompute(jets, { backend: 'reference' });
  await forEachBackend(t, 'efp', async (t, backend, tol) => {
    expectClose(t, await set.batchCompute(jets, { backend }), want, tol, 'd<=3 on 300 jets = reference');
    await t.rejects(set.batchCompute(jets, { backend, signal: ctl.signal }), /aborted/, 'an aborted signal rejects');
    // abort while running; brute checks the signal between jets, and one d<=7 jet of 30 particles is M^8 terms
    if (backend === 'brute') return;
    const ctl2 = new AbortController();
    const seen: number[] = [];
    setTimeout(() => ctl2.abort(), 30);
    await t.rejects(d7.batchCompute(long, { backend, signal: ctl2.signal, threads: 1, onProgress: (d) => seen.push(d) }), /aborted/, backend);
    t.ok(seen.every((d) => d < 2000), 'stopped before the end');
  });
  let last = 0;
  await set.batchCompute(jets, { backend: 'reference', onProgress: (d) => (last = d) });
  t.equal(last, 300);
  await t.rejects(set.batchCompute('nope' as never), JetlensInputError);
  await t.rejects(set.batchCompute(jets, { backend: 'cuda' }), /unknown backend 'cuda'/);
  const big = new EFPSet(['d<=3', 'n<=3']);
  const brute = await big.batchCompute(jets.slice(0, 5), { backend: 'brute' });
  const ref = await big.batchCompute(jets.slice(0, 5), { backend: 'reference' });
  expectClose(t, brute, ref, tolerance(1e-12, 1e-300), 'brute backend');
});

t.test('dot-product measures agree with explicit massless four-vectors', async (t) => {
  const jet = makeJet(12, 2).map((p) => [p[0], p[1] * 3, p[2] * 1.5]); // wide, so no collinear cancellation
  const p4 = jet.map(([pt, y, phi]) => [pt * Math.cosh(y), pt * Math.cos(phi), pt * Math.sin(phi), pt * Math.sinh(y)]);
  const dot = (a: number[], b: number[]) => a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3];
  for (const beta of [1, 2]) {
    for (const measure of ['hadrdot', 'ee'] as const) {
      const E = jet.map((p, i) => (measure === 'ee' ? p4[i][0] : p[0]));
      const total = E.reduce((a, b) => a + b, 0);
      for (const pf of [false, true]) {
        let want = 0;
        for (let i = 0; i < jet.length; i++) {
          for (let j = 0; j < jet.length; j++) {
            if (i === j) continue;
            const zz = pf ? 1 : (E[i] / total) * (E[j] / total);
            const th = pf ? 2 * dot(p4[i], p4[j]) : (2 * dot(p4[i], p4[j])) / (E[i] * E[j]);
            want += zz * Math.pow(Math.abs(th), beta / 2);
          }
        }
        const opts = pf ? { measure, beta, kappa: 'pf' as const, normed: false } : { measure, beta };
        const got = new EFP([[0, 1]], opts).compute(jet);
        t.ok(isClose(got, want, tolerance(1e-10, 1e-300)), `${measure} beta=${beta} pf=${pf}: ${got} vs ${want}`);
      }
    }
  }
});
