import t from 'tap';
import { ado, adoOnDisagreement, adoOnDisagreementBatch, adoSampled, auc, disagreeingPairs } from '../src/metrics/index.js';
import { backendsFor } from '../src/backend/dispatch.js';
import { loadNative } from '../src/backend/native.js';
import { JetlensInputError } from '../src/errors.js';
import { sample, samples } from './fixtures/metrics-samples.js';
import { isClose, tolerance } from './fixtures/backends.js';

/** Default comparison: |a - b| <= 1e-12 max(1, |a|, |b|). */
const F64 = tolerance(1e-12);

const native = loadNative();
const backends = backendsFor('ado');
const neg = (x: Float64Array) => x.map((v) => -v);

t.test('native ADO and ADO on D(H, G) agree with the pair loops to 1e-12', { skip: native ? false : 'native addon not built' }, async (t) => {
  t.same(backendsFor('adoDisagree'), ['native', 'reference']);
  for (const s of samples()) {
    for (const [f, g] of [[s.f, s.g], [s.g, s.h], [s.h, s.f]]) {
      const ref = ado(f, g, s.labels, s.weights, { backend: 'reference' });
      const nat = ado(f, g, s.labels, s.weights, { backend: 'native' });
      t.ok(isClose(nat.adoRaw, ref.adoRaw, F64), `${s.name}: ado ${nat.adoRaw} vs ${ref.adoRaw}`);
      t.equal(nat.direction, ref.direction);
      t.ok(isClose(nat.pairs, ref.pairs, F64));
    }
    for (const [f, g, h] of [[s.f, s.g, s.h], [s.h, s.f, s.g], [s.g, s.h, s.f], [s.f, s.g, neg(s.g)]]) {
      const ref = adoOnDisagreement(f, g, h, s.labels, s.weights, { backend: 'reference' });
      const nat = adoOnDisagreement(f, g, h, s.labels, s.weights, { backend: 'native' });
      t.ok(isClose(nat.adoRaw, ref.adoRaw, F64), `${s.name}: adoD ${nat.adoRaw} vs ${ref.adoRaw}`);
      t.ok(isClose(nat.disagreePairs, ref.disagreePairs, F64), `${s.name}: |D| ${nat.disagreePairs} vs ${ref.disagreePairs}`);
      t.ok(isClose(nat.disagreeFraction, ref.disagreeFraction, F64));
    }
  }
});

t.test('unit weights count exactly: integer pair counts', { skip: native ? false : 'native addon not built' }, async (t) => {
  const s = sample('exact', 21, 400, 300, 4, false);
  for (const b of backends) {
    const r = adoOnDisagreement(s.f, s.g, s.h, s.labels, undefined, { backend: b });
    t.ok(Number.isInteger(r.disagreePairs), `${b}: ${r.disagreePairs}`);
    t.equal(r.pairs, 400 * 300);
    // 2 * (sum of DO) is an integer: ADO_raw * 2|D| is integral
    t.ok(Math.abs(r.adoRaw * 2 * r.disagreePairs - Math.round(r.adoRaw * 2 * r.disagreePairs)) < 1e-6);
  }
});

t.test('identities (every backend)', async (t) => {
  const c = sample('continuous', 22, 200, 260, 0, true); // no ties between classes
  const tied = sample('ties', 23, 180, 240, 4, true);
  for (const b of backends) {
    const o = { backend: b };
    // Exact with unit weights (integer counts); to rounding (1e-14) with weights.
    for (const w of [undefined, c.weights]) {
      const is = (x: number, v: number, msg: string) => (w ? t.ok(isClose(x, v, tolerance(1e-14)), `${msg}: ${x}`) : t.equal(x, v, msg));
      is(ado(c.f, c.f, c.labels, w, o).ado, 1, `${b}: ADO(f, f) = 1 without ties`);
      is(ado(c.f, neg(c.f), c.labels, w, o).adoRaw, 0, `${b}: ADO_raw(f, -f) = 0 without ties`);
      is(ado(c.f, neg(c.f), c.labels, w, o).ado, 1, 'inverted');
      t.equal(ado(c.f, neg(c.f), c.labels, w, o).direction, -1);
      is(ado(c.f, c.f.map((v) => Math.exp(v) + v ** 3), c.labels, w, o).ado, 1, `${b}: ADO(f, m(f)) = 1, m increasing`);
    }
    // With ties, a tied pair counts 1/2 in ADO(f, f), and m(f) ties exactly where f ties.
    const self = ado(tied.f, tied.f, tied.labels, tied.weights, o).adoRaw;
    t.ok(self < 1);
    t.ok(isClose(ado(tied.f, tied.f.map((v) => 3 * v + 7), tied.labels, tied.weights, o).adoRaw, self, F64));
    t.ok(isClose(self, 1 - tiedPairFraction(tied.f, tied.labels, tied.weights!) / 2, F64), `${b}: ADO(f, f) = 1 - (tied fraction) / 2`);
    // ADO_raw(f, y) = AUC(f) exactly, ties and weights included (g = y: g_S - g_B = 1 on every pair).
    for (const s of [c, tied]) {
      const y = Float64Array.from(s.labels);
      t.ok(isClose(ado(s.f, y, s.labels, s.weights, o).adoRaw, auc(s.f, s.labels, s.weights, o).aucRaw, F64), `${b}: ADO_raw(f, y) = AUC(f)`);
      t.ok(isClose(ado(s.f, s.g, s.labels, s.weights, o).adoRaw, ado(s.g, s.f, s.labels, s.weights, o).adoRaw, F64), 'symmetric');
      // On D(H, G) the reference itself decides like G on every pair: ADO_D(G; G, H) = 1.
      t.ok(isClose(adoOnDisagreement(s.g, s.g, s.h, s.labels, s.weights, o).adoRaw, 1, tolerance(1e-14)), 'ADO_D(G; G, H) = 1');
      t.ok(isClose(adoOnDisagreement(s.h, s.g, s.h, s.labels, s.weights, o).adoRaw, 0, tolerance(1e-14)), 'H disagrees with G on all of D');
      t.equal(adoOnDisagreement(s.g, s.g, s.h, s.labels, undefined, o).adoRaw, 1, 'exact with unit weights');
    }
    // H = G: D is empty -> NaN, zero pairs.
    const empty = adoOnDisagreement(c.f, c.g, c.g, c.labels, undefined, o);
    t.ok(Number.isNaN(empty.ado) && empty.disagreePairs === 0 && empty.disagreeFraction === 0);
    // H = -G with no ties: D = all pairs, so ADO_D = ADO.
    const all = adoOnDisagreement(c.f, c.g, neg(c.g), c.labels, c.weights, o);
    t.ok(isClose(all.disagreeFraction, 1, F64));
    t.ok(isClose(all.adoRaw, ado(c.f, c.g, c.labels, c.weights, o).adoRaw, F64));
  }
});

function tiedPairFraction(f: Float64Array, y: Uint8Array, w: Float64Array): number {
  let tied = 0, all = 0;
  for (let i = 0; i < f.length; i++) for (let j = 0; j < f.length; j++) if (y[i] && !y[j]) {
    all += w[i] * w[j];
    if (f[i] === f[j]) tied += w[i] * w[j];
  }
  return tied / all;
}

t.test('batch: same as one at a time, array of arrays / flat / (K, N), progress, abort', async (t) => {
  const s = sample('batch', 24, 150, 170, 5, true);
  const cands = [s.f, s.h, neg(s.f), s.g, Float64Array.from(s.labels)];
  for (const b of backends) {
    const got = await adoOnDisagreementBatch(cands, s.g, s.h, s.labels, { weights: s.weights, backend: b, threads: 2 });
    t.equal(got.length, cands.length);
    cands.forEach((f, k) => {
      const one = adoOnDisagreement(f, s.g, s.h, s.labels, s.weights, { backend: 'reference' });
      t.ok(isClose(got[k].adoRaw, one.adoRaw, F64) && isClose(got[k].disagreePairs, one.disagreePairs, F64), `${b}: candidate ${k}`);
    });
    const flat = new Float64Array(cands.length * s.f.length);
    cands.forEach((f, k) => flat.set(f, k * s.f.length));
    const progress: number[][] = [];
    const viaFlat = await adoOnDisagreementBatch(flat, s.g, s.h, s.labels, { weights: s.weights, backend: b, onProgress: (d, n) => progress.push([d, n]) });
    const viaShape = await adoOnDisagreementBatch({ data: flat, shape: [cands.length, s.f.length] }, s.g, s.h, s.labels, { weights: s.weights, backend: b });
    t.same(viaFlat.map((r) => r.adoRaw), got.map((r) => r.adoRaw));
    t.same(viaShape.map((r) => r.adoRaw), got.map((r) => r.adoRaw));
    t.same(progress[progress.length - 1], [cands.length, cands.length]);
    const ac = new AbortController();
    ac.abort();
    await t.rejects(adoOnDisagreementBatch(cands, s.g, s.h, s.labels, { backend: b, signal: ac.signal }), { name: 'AbortError' });
    t.same(await adoOnDisagreementBatch([], s.g, s.h, s.labels, { backend: b }), []);
  }
  await t.rejects(adoOnDisagreementBatch(new Float64Array(7), s.g, s.h, s.labels), /not a multiple of N/);
  await t.rejects(adoOnDisagreementBatch([s.f, s.f.subarray(1)], s.g, s.h, s.labels), /candidates\[1\]: length/);
  await t.rejects(adoOnDisagreementBatch([s.f.map((v, i) => (i === 5 ? NaN : v))], s.g, s.h, s.labels), /candidates\[0\]: NaN at index 5/);
});

t.test('sampled mode converges to the exact ADO; example pairs are in D(H, G)', async (t) => {
  const s = sample('sampled', 25, 400, 500, 0, false);
  const exact = adoOnDisagreement(s.f, s.g, s.h, s.labels);
  const r = adoSampled(s.f, s.g, s.labels, { pairs: 40000, seed: 3, current: s.h, examples: 10 });
  t.ok(Math.abs(r.adoRaw - exact.adoRaw) < 4 * r.stdErr, `${r.adoRaw} vs ${exact.adoRaw} +- ${r.stdErr}`);
  t.ok(Math.abs(r.kept / r.drawn - exact.disagreeFraction) < 0.02);
  t.equal(r.examples.signal.length, 10);
  for (let k = 0; k < 10; k++) {
    const i = r.examples.signal[k], j = r.examples.background[k];
    t.ok(s.labels[i] === 1 && s.labels[j] === 0);
    t.ok((s.g[i] - s.g[j]) * (s.h[i] - s.h[j]) < 0);
  }
  t.same(adoSampled(s.f, s.g, s.labels, { pairs: 500, seed: 3 }), adoSampled(s.f, s.g, s.labels, { pairs: 500, seed: 3 }), 'seeded');
  const all = adoSampled(s.f, s.g, s.labels, { pairs: 40000, seed: 4 });
  const full = ado(s.f, s.g, s.labels);
  t.ok(Math.abs(all.adoRaw - full.adoRaw) < 4 * all.stdErr);
  const ex = disagreeingPairs(s.g, s.h, s.labels, { count: 15, seed: 2 });
  t.equal(ex.signal.length, 15);
  for (let k = 0; k < 15; k++) t.ok((s.g[ex.signal[k]] - s.g[ex.background[k]]) * (s.h[ex.signal[k]] - s.h[ex.background[k]]) < 0);
});

t.test('bad input', async (t) => {
  for (const b of backends) {
    const o = { backend: b };
    t.equal(ado([0, 1, -0], [1, 2, 3], [1, 0, 0], undefined, o).adoRaw, 0.75, `${b}: -0 ties +0`);
    t.equal(ado([Infinity, Infinity, 1], [1, 2, 3], [1, 0, 0], undefined, o).adoRaw, 0.25, `${b}: Inf ties Inf`);
    t.throws(() => ado([1, 2, NaN], [1, 2, 3], [1, 0, 0], undefined, o), new JetlensInputError('f: NaN at index 2'));
    t.throws(() => ado([1, 2, 3], [1, 2], [1, 0, 0], undefined, o), /g: length 2 does not match/);
    t.throws(() => ado([1, 2, 3], [1, 2, 3], [1, 0, -1], undefined, o), /labels: expected 0/);
    t.throws(() => adoOnDisagreement([1, 2, 3], [1, 2, 3], [1, NaN, 3], [1, 0, 0], undefined, o), /current: NaN at index 1/);
    t.throws(() => adoOnDisagreement([1, 2, 3], [1, 2, 3], [1, 2, 3], [0, 0, 0], undefined, o), /at least one signal/);
  }
  if (native) {
    t.throws(() => native.adoFull(new Float32Array(2), new Float64Array(2), new Uint8Array([1, 0])), /f: expected a Float64Array/);
    t.throws(() => native.adoFull(new Float64Array(2), new Float64Array(3), new Uint8Array([1, 0])), /g: expected length 2/);
    t.throws(() => native.adoDisagree(new Float64Array(2), new Float64Array(2), new Float64Array(2), new Uint8Array([1, 2])), /labels: expected 0\/1/);
  }
});

t.test('native vs reference on larger samples (deep CDQ recursion), labels as the reference', { skip: native ? false : 'native addon not built' }, async (t) => {
  for (const [levels, weighted] of [[7, false], [0, true], [40, true]] as const) {
    const s = sample(`large ${levels}`, 40 + levels, 1200, 1300, levels, weighted);
    const y = Float64Array.from(s.labels);
    for (const [f, g, h] of [[s.f, s.g, s.h], [s.f, y, s.h], [s.h, s.g, y]]) {
      const ref = adoOnDisagreement(f, g, h, s.labels, s.weights, { backend: 'reference' });
      const nat = adoOnDisagreement(f, g, h, s.labels, s.weights, { backend: 'native' });
      t.ok(isClose(nat.adoRaw, ref.adoRaw, F64) && isClose(nat.disagreePairs, ref.disagreePairs, F64), `levels ${levels}: ${nat.adoRaw} vs ${ref.adoRaw}`);
    }
    const ref = ado(s.f, s.g, s.labels, s.weights, { backend: 'reference' });
    const nat = ado(s.f, s.g, s.labels, s.weights, { backend: 'native' });
    t.ok(isClose(nat.adoRaw, ref.adoRaw, F64), `levels ${levels}: full ADO`);
  }
});
