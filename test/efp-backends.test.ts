// Every backend against the brute-force definition (efpBruteForce: the M^n nested sum), every graph with d <= 5.
// Comparison: |a - b| <= 1e-10 * max(|a|, |b|, 1e-300) (all terms of these sums are >= 0, so relative error is
// the right measure; exact zeros — M = 1, identical particles — come out exactly 0 in every executor).
import t from 'tap';
import { backendsFor } from '../src/backend/dispatch.js';
import { JetBatch } from '../src/jets/batch.js';
import { efpBruteForce } from '../src/efp/brute.js';
import { EFPSet } from '../src/efp/efpset.js';
import { graphFromEdges } from '../src/efp/graph.js';
import { type MeasureOptions, measureJet, resolveMeasure } from '../src/efp/measure.js';
import { Rng } from '../src/util/rng.js';

const TOL = 1e-10;
/** The float64 plan executors (gpujs computes in float32: test/efp-gpujs.test.ts; brute is checked within BRUTE_BUDGET below). */
const float64Backends = () => backendsFor('efp').filter((b) => b !== 'gpujs' && b !== 'brute');
interface Check { ok(cond: boolean, msg: string): void }
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

function compare(t: Check, got: Float64Array, want: Float64Array, what: string) {
  let worst = 0;
  let where = -1;
  for (let i = 0; i < want.length; i++) {
    const a = got[i];
    const b = want[i];
    if (Number.isNaN(b) && Number.isNaN(a)) continue;
    const err = Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);
    if (!(err <= worst)) { worst = err; where = i; }
  }
  t.ok(worst <= TOL, `${what}: worst relative error ${worst.toExponential(2)}${where >= 0 ? ` at ${where}` : ''}`);
}

const set5 = (o: MeasureOptions) => new EFPSet('d<=5', o);

async function checkAll(t: Check, opts: MeasureOptions, rng: Rng) {
  const set = set5(opts);
  const m = resolveMeasure(opts);
  const batch = JetBatch.fromNested(jets(rng));
  const K = set.length;
  const graphs = set.graphs.map((e) => graphFromEdges(e));
  const results: Record<string, Float64Array> = {};
  for (const b of float64Backends()) results[b] = await set.batchCompute(batch, { backend: b, threads: 2 });
  // brute force where affordable; every column is covered by the small jets
  const want: number[] = [];
  const got: Record<string, number[]> = Object.fromEntries(Object.keys(results).map((b) => [b, []]));
  for (let j = 0; j < batch.length; j++) {
    const a = batch.offsets[j];
    const e = batch.offsets[j + 1];
    const { z, theta } = measureJet(m, batch.pt.subarray(a, e), batch.y.subarray(a, e), batch.phi.subarray(a, e));
    graphs.forEach((g, k) => {
      if (Math.pow(e - a, g.n) > BRUTE_BUDGET) return;
      want.push(efpBruteForce(g, z, theta));
      for (const b of Object.keys(results)) got[b].push(results[b][j * K + k]);
    });
  }
  t.ok(want.length > K * 4, `${want.length} brute-force values`);
  for (const b of Object.keys(results)) compare(t, Float64Array.from(got[b]), Float64Array.from(want), `${b} vs brute`);
  // compute() of one jet = the batch row
  const one = set.compute(batch.jet(7));
  compare(t, one, results.reference.subarray(7 * K, 8 * K), 'compute() vs batch');
}

t.test('hadr: kappa x beta grid', async (t) => {
  const rng = new Rng(11);
  for (const kappa of [-1, 0, 0.5, 1, 2]) {
    for (const beta of [0.5, 1, 2]) await t.test(`kappa=${kappa} beta=${beta}`, async (t) => checkAll(t, { kappa, beta }, rng));
  }
  await t.test('unnormalised', async (t) => checkAll(t, { normed: false, kappa: 1.5, beta: 1 }, rng));
});

t.test('hadrdot and ee', async (t) => {
  const rng = new Rng(12);
  for (const measure of ['hadrdot', 'ee'] as const) {
    for (const [kappa, beta] of [[1, 0.5], [0, 2], [2, 1], [-1, 1]] as const) {
      await t.test(`${measure} kappa=${kappa} beta=${beta}`, async (t) => checkAll(t, { measure, kappa, beta }, rng));
    }
    await t.test(`${measure} pf`, async (t) => checkAll(t, { measure, kappa: 'pf', normed: false, beta: 1 }, rng));
  }
});

t.test('zero-pT padding rows are masked, for every kappa', async (t) => {
  const rng = new Rng(13);
  const jet = Array.from({ length: 5 }, () => [rng.range(1, 10), rng.range(-0.4, 0.4), rng.range(-0.4, 0.4)]);
  const M = 7;
  const padded = new Float64Array(M * 3);
  jet.forEach((p, i) => padded.set(p, (i + 1) * 3)); // a zero row first and one last
  for (const kappa of [-1, 0, 1]) {
    const set = new EFPSet('d<=4', { kappa });
    for (const backend of float64Backends()) {
      const a = await set.batchCompute({ data: padded, shape: [1, M, 3] }, { backend });
      const b = await set.batchCompute([jet], { backend });
      compare(t, a, b, `kappa=${kappa} ${backend}`);
      t.ok(a.every((v) => Number.isFinite(v)));
    }
  }
});

t.test('empty jets give 0 in every column', async (t) => {
  const set = new EFPSet('d<=3');
  for (const backend of float64Backends()) {
    const out = await set.batchCompute(JetBatch.fromNested([[]]), { backend });
    t.same(Array.from(out), new Array(set.length).fill(0), backend);
  }
});

t.test('native executor rejects malformed programs', { skip: backendsFor('efp').includes('native') ? false : 'native addon not built' }, async (t) => {
  const { loadNative } = await import('../src/backend/native.js');
  const native = loadNative()!;
  const set = new EFPSet('d<=3');
  const jets = { offsets: new Uint32Array([0, 2]), pt: Float64Array.of(1, 2), y: new Float64Array(2), phi: Float64Array.of(0, 0.1) };
  const out = new Float64Array(set.length);
  const ok = { ...jets, program: set.plan.program, measure: 'hadr', kappa: 1, beta: 1, normed: true, out, threads: 1 };
  await native.efpCompute(ok);
  t.ok(Math.abs(out[0] - 1) < 1e-15);
  const bad = (edit: (p: Int32Array) => Int32Array) => edit(set.plan.program.slice());
  t.throws(() => native.efpCompute({ ...ok, program: bad((p) => p.subarray(0, p.length - 3)) }), /efp program/);
  t.throws(() => native.efpCompute({ ...ok, program: bad((p) => ((p[0] = 9), p)) }), /unknown version/);
  t.throws(() => native.efpCompute({ ...ok, program: bad((p) => ((p[3] = 3), p)) }), /efp program/);
  t.throws(() => native.efpCompute({ ...ok, measure: 'hadron' }), /efpCompute.measure: unknown value 'hadron'/);
  t.throws(() => native.efpCompute({ ...ok, out: new Float64Array(1) }), /out: expected length/);
  t.throws(() => native.efpCompute({ ...ok, program: new Float64Array(4) }), /Int32Array/);
});

t.test('d <= 7 (incl. the c = 4 K4 family): native = reference; c = 4 graphs = brute force', async (t) => {
  const rng = new Rng(14);
  const batch = JetBatch.fromNested(jets(rng).filter((j) => j.length <= 12));
  for (const kappa of [0.5, 1]) {
    const all = new EFPSet('d<=7', { kappa, beta: 0.5 });
    const ref = await all.batchCompute(batch, { backend: 'reference' });
    for (const b of float64Backends()) compare(t, await all.batchCompute(batch, { backend: b, threads: 2 }), ref, `d<=7 ${b} vs reference`);
    const c4 = new EFPSet(['d<=7', 'c==4'], { kappa, beta: 0.5 });
    t.ok(c4.length >= 4);
    const brute = await c4.batchCompute(batch, { backend: 'brute' });
    for (const b of float64Backends()) compare(t, await c4.batchCompute(batch, { backend: b }), brute, `c=4 ${b} vs brute`);
  }
});

t.test('the whole d <= 10 catalogue: native = reference on small jets; K5 (c = 5) = brute force', async (t) => {
  const rng = new Rng(15);
  const batch = JetBatch.fromNested([4, 7].map((M) => Array.from({ length: M }, () => [rng.range(1, 10), rng.range(-0.4, 0.4), rng.range(-0.4, 0.4)])));
  const all = new EFPSet('d<=10', { beta: 2 });
  t.equal(all.length, 45231);
  const ref = await all.batchCompute(batch, { backend: 'reference' });
  for (const b of float64Backends()) compare(t, await all.batchCompute(batch, { backend: b }), ref, `d<=10 ${b} vs reference`);
  const k5 = new EFPSet(['d<=10', 'c==5', 'p==1'], { beta: 2 });
  t.equal(k5.length, 1);
  const brute = await k5.batchCompute(batch, { backend: 'brute' });
  for (const b of float64Backends()) compare(t, await k5.batchCompute(batch, { backend: b }), brute, `K5 ${b} vs brute`);
});
