// Every backend against the brute-force definition (efpBruteForce: the M^n nested sum), every graph with d <= 5.
// Every float64 backend runs through forEachBackend (gpujs, float32, has its own tolerances in test/efp-gpujs.test.ts;
// brute is the oracle here). Comparison: expectClose with rel 1e-10, abs 1e-300 (all terms of these sums are >= 0, so
// relative error is the right measure; exact zeros — M = 1, identical particles — come out exactly 0 in every executor).
import t, { type Test } from 'tap';
import { backendsFor } from '../src/backend/dispatch.js';
import { JetBatch } from '../src/jets/batch.js';
import { efpBruteForce } from '../src/efp/brute.js';
import { EFPSet } from '../src/efp/efpset.js';
import { graphFromEdges } from '../src/efp/graph.js';
import { type MeasureOptions, measureJet, resolveMeasure } from '../src/efp/measure.js';
import { Rng } from '../src/util/rng.js';
import { expectClose, forEachBackend, type ForEachOptions, tolerance } from './fixtures/backends.js';

const TOL = tolerance(1e-10, 1e-300);
/** The float64 plan executors: gpujs computes in float32 (test/efp-gpujs.test.ts); brute is the oracle (within BRUTE_BUDGET). */
const PLAN_EXECUTORS: ForEachOptions = {
  tolerance: { reference: TOL, native: TOL },
  skip: { gpujs: 'float32: test/efp-gpujs.test.ts', brute: 'the oracle of these tests' },
};
const BRUTE_BUDGET = 6e4; // largest M^n evaluated by brute force per graph and jet

function jets(rng: Rng): number[][][] {
  const out: number[][][] = [];
  const jet = (M: number, phi0: number, spread = 0.4) =>
    Array.from({ length: M }, () => [rng.range(0.5, 100), rng.range(-spread, spread), phi0 + rng.range(-spread, spread)]);
  for (const M of [1, 2, 3, 4, 5, 6, 8, 12, 30]) out.push(jet(M, rng.range(0, 6)));
  // straddles phi = +-pi (both conventions mixed) and 0 / 2 pi
  out.push(jet(7, Math.PI).map((p, i) => (i % 2 ? [p[0], p[1], p[2] - 2 * Math.PI] : p)));
  out.push(jet(6, 0).map((p) => [p[0], p[1], p[2] < 0 ? p[2] + 2 * Math.PI : p[2]]));
  // identical particles
  const base = jet(3, 1);
  out.push([...base, [...base[0]], [...base[0]], [...base[1]]]);
  return out;
}

const set5 = (o: MeasureOptions) => new EFPSet('d<=5', o);

/** One measure's d <= 5 set on random jets, with the brute-force definition where affordable. */
interface Case { label: string; set: EFPSet; batch: JetBatch; cells: number[]; want: number[] }

function makeCase(label: string, opts: MeasureOptions, rng: Rng): Case {
  const set = set5(opts);
  const m = resolveMeasure(opts);
  const batch = JetBatch.fromNested(jets(rng));
  const K = set.length;
  const graphs = set.graphs.map((e) => graphFromEdges(e));
  // brute force where affordable; every column is covered by the small jets
  const want: number[] = [];
  const cells: number[] = [];
  for (let j = 0; j < batch.length; j++) {
    const a = batch.offsets[j];
    const e = batch.offsets[j + 1];
    const { z, theta } = measureJet(m, batch.pt.subarray(a, e), batch.y.subarray(a, e), batch.phi.subarray(a, e));
    graphs.forEach((g, k) => {
      if (Math.pow(e - a, g.n) > BRUTE_BUDGET) return;
      want.push(efpBruteForce(g, z, theta));
      cells.push(j * K + k);
    });
  }
  return { label, set, batch, cells, want };
}

/** Every plan executor vs brute force on every case, and compute() of one jet = its batch row. */
async function checkCases(t: Test, cases: Case[]) {
  for (const c of cases) t.ok(c.want.length > c.set.length * 4, `${c.label}: ${c.want.length} brute-force values`);
  await forEachBackend(t, 'efp', async (t, b, tol) => {
    for (const { label, set, batch, cells, want } of cases) {
      const K = set.length;
      const got = await set.batchCompute(batch, { backend: b, threads: 2 });
      expectClose(t, cells.map((c) => got[c]), want, tol, `${label}: ${b} vs brute`);
      if (b === 'reference') expectClose(t, set.compute(batch.jet(7)), got.subarray(7 * K, 8 * K), tol, `${label}: compute() vs batch`);
    }
  }, PLAN_EXECUTORS);
}

t.test('hadr: kappa x beta grid', async (t) => {
  const rng = new Rng(11);
  const cases: Case[] = [];
  for (const kappa of [-1, 0, 0.5, 1, 2]) {
    for (const beta of [0.5, 1, 2]) cases.push(makeCase(`kappa=${kappa} beta=${beta}`, { kappa, beta }, rng));
  }
  cases.push(makeCase('unnormalised', { normed: false, kappa: 1.5, beta: 1 }, rng));
  await checkCases(t, cases);
});

t.test('hadrdot and ee', async (t) => {
  const rng = new Rng(12);
  const cases: Case[] = [];
  for (const measure of ['hadrdot', 'ee'] as const) {
    for (const [kappa, beta] of [[1, 0.5], [0, 2], [2, 1], [-1, 1]] as const) {
      cases.push(makeCase(`${measure} kappa=${kappa} beta=${beta}`, { measure, kappa, beta }, rng));
    }
    cases.push(makeCase(`${measure} pf`, { measure, kappa: 'pf', normed: false, beta: 1 }, rng));
  }
  await checkCases(t, cases);
});

t.test('zero-pT padding rows are masked, for every kappa', async (t) => {
  const rng = new Rng(13);
  const jet = Array.from({ length: 5 }, () => [rng.range(1, 10), rng.range(-0.4, 0.4), rng.range(-0.4, 0.4)]);
  const M = 7;
  const padded = new Float64Array(M * 3);
  jet.forEach((p, i) => padded.set(p, (i + 1) * 3)); // a zero row first and one last
  await forEachBackend(t, 'efp', async (t, backend, tol) => {
    for (const kappa of [-1, 0, 1]) {
      const set = new EFPSet('d<=4', { kappa });
      const a = await set.batchCompute({ data: padded, shape: [1, M, 3] }, { backend });
      const b = await set.batchCompute([jet], { backend });
      expectClose(t, a, b, tol, `kappa=${kappa} ${backend}`);
      t.ok(a.every((v) => Number.isFinite(v)));
    }
  }, PLAN_EXECUTORS);
});

t.test('empty jets give 0 in every column', async (t) => {
  const set = new EFPSet('d<=3');
  await forEachBackend(t, 'efp', async (t, backend) => {
    const out = await set.batchCompute(JetBatch.fromNested([[]]), { backend });
    t.same(Array.from(out), new Array(set.length).fill(0), backend);
  });
});

t.test('native executor rejects malformed programs', { skip: backendsFor('efp').includes('native') ? false : 'native addon not built' }, async (t) => {
  const { loadNative } = await import('../src/backend/native.js');
  const native = loadNative()!;
  const set = new EFPSet('d<=3');
  const jets = { offsets: new Uint32Array([0, 2]), pt: Float64Array.of(1, 2), y: new Float64Array(2), phi: Float64Array.of(0, 0.1) };
  const cfg = Float64Array.of(0, 1, 1, 1, 0);
  const out = new Float64Array(set.length);
  await native.efpCompute(jets, set.plan.program, cfg, out, 1, undefined);
  t.ok(Math.abs(out[0] - 1) < 1e-15);
  const bad = (edit: (p: Int32Array) => Int32Array) => edit(set.plan.program.slice());
  t.throws(() => native.efpCompute(jets, bad((p) => p.subarray(0, p.length - 3)), cfg, out, 1), /efp program/);
  t.throws(() => native.efpCompute(jets, bad((p) => ((p[0] = 9), p)), cfg, out, 1), /unknown version/);
  t.throws(() => native.efpCompute(jets, bad((p) => ((p[3] = 3), p)), cfg, out, 1), /efp program/);
  t.throws(() => native.efpCompute(jets, set.plan.program, Float64Array.of(7, 1, 1, 1, 0), out, 1), /measure code/);
  t.throws(() => native.efpCompute(jets, set.plan.program, cfg, new Float64Array(1), 1), /out: expected length/);
  t.throws(() => native.efpCompute(jets, new Float64Array(4), cfg, out, 1), /Int32Array/);
});

t.test('d <= 7 (incl. the c = 4 K4 family): native = reference; c = 4 graphs = brute force', async (t) => {
  const rng = new Rng(14);
  const batch = JetBatch.fromNested(jets(rng).filter((j) => j.length <= 12));
  for (const kappa of [0.5, 1]) {
    const all = new EFPSet('d<=7', { kappa, beta: 0.5 });
    const ref = await all.batchCompute(batch, { backend: 'reference' });
    const c4 = new EFPSet(['d<=7', 'c==4'], { kappa, beta: 0.5 });
    t.ok(c4.length >= 4);
    const brute = await c4.batchCompute(batch, { backend: 'brute' });
    await forEachBackend(t, 'efp', async (t, b, tol) => {
      expectClose(t, await all.batchCompute(batch, { backend: b, threads: 2 }), ref, tol, `d<=7 ${b} vs reference`);
      expectClose(t, await c4.batchCompute(batch, { backend: b }), brute, tol, `c=4 ${b} vs brute`);
    }, PLAN_EXECUTORS);
  }
});

t.test('the whole d <= 10 catalogue: native = reference on small jets; K5 (c = 5) = brute force', async (t) => {
  const rng = new Rng(15);
  const batch = JetBatch.fromNested([4, 7].map((M) => Array.from({ length: M }, () => [rng.range(1, 10), rng.range(-0.4, 0.4), rng.range(-0.4, 0.4)])));
  const all = new EFPSet('d<=10', { beta: 2 });
  t.equal(all.length, 45231);
  const ref = await all.batchCompute(batch, { backend: 'reference' });
  const k5 = new EFPSet(['d<=10', 'c==5', 'p==1'], { beta: 2 });
  t.equal(k5.length, 1);
  const brute = await k5.batchCompute(batch, { backend: 'brute' });
  await forEachBackend(t, 'efp', async (t, b, tol) => {
    expectClose(t, await all.batchCompute(batch, { backend: b }), ref, tol, `d<=10 ${b} vs reference`);
    expectClose(t, await k5.batchCompute(batch, { backend: b }), brute, tol, `K5 ${b} vs brute`);
  }, PLAN_EXECUTORS);
});
