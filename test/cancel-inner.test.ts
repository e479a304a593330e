// Issue #24 item 2: cancellation and time limits act inside one huge item (a 20k-particle jet, a big SEMD or ADO
// call), not only between items. Each native kernel gets one input that runs for seconds; an abort (AbortSignal,
// then AbortSignal.timeout as the time limit) must end it promptly with an AbortError, the process survives, and a
// following call on a small input gives the reference result. The "uncancelled" duration is estimated from a
// run on a smaller input (the kernels are at least quadratic in the size), not measured, to keep the test fast.
import t, { type Test } from 'tap';
import { cpus, loadavg } from 'node:os';
import { loadNative } from '../src/backend/native.js';
import { JetBatch } from '../src/jets/batch.js';
import { groom } from '../src/jss/groom.js';
import { jetImages } from '../src/jss/images.js';
import { computeSpectra } from '../src/semd/spectrum.js';
import { semdMatrixFromSpectra } from '../src/semd/distance.js';
import { knnFromSpectra, ballCountsFromSpectra } from '../src/semd/knn.js';
import { adoOnDisagreementBatch } from '../src/metrics/ado.js';
import { Rng } from '../src/util/rng.js';

const native = loadNative();
const skip = native ? false : 'the native addon is not built (npm run build)';

// Generous: the machine running the suite is shared (2 cores, other test files in parallel). The point is
// "ends right after the signal", where before it ended only after the whole item (seconds to minutes). On an
// oversubscribed machine a descheduled thread counts as late, so the bound grows with the load per core
// (the relative check below, against the uncancelled run in the same process, does not).
const LATENCY_MS = 1000 * Math.max(1, loadavg()[0] / cpus().length);
// Early, so that on a quiet machine the signal still lands well inside each big call (the big inputs run for
// 0.3-2 s there; the first clean-clone CI run, at 150 ms, saw quiet-machine calls end before the abort).
const ABORT_AFTER_MS = 30;

/** One jet of m particles spread over a cone of radius ~0.8 (distinct directions, varied pT). */
function bigJet(m: number, seed = 1): JetBatch {
  const rng = new Rng(seed);
  const jet = Array.from({ length: m }, () => [0.5 + 20 * rng.uniform() ** 3, 0.8 * (rng.uniform() - 0.5), 0.8 * (rng.uniform() - 0.5)]);
  return JetBatch.fromNested([jet]);
}

/** n jets of m particles each. */
function manyJets(n: number, m: number, seed = 2): JetBatch {
  const rng = new Rng(seed);
  return JetBatch.fromNested(Array.from({ length: n }, () =>
    Array.from({ length: m }, () => [0.5 + 10 * rng.uniform(), 0.6 * (rng.uniform() - 0.5), 0.6 * (rng.uniform() - 0.5)])));
}

type Start = (signal?: AbortSignal) => Promise<unknown>;

/**
 * small: the same kernel on an input `factor` times cheaper (uncancelled; its time x factor estimates the big run).
 * check: a following small call that must still give the right answer.
 */
async function cancelsInside(t: Test, name: string, big: Start, small: Start, factor: number, check: () => Promise<void>) {
  const t0 = performance.now();
  await small();
  const estimate = (performance.now() - t0) * factor;
  for (const how of ['AbortController', 'AbortSignal.timeout']) {
    const ac = new AbortController();
    const signal = how === 'AbortController' ? ac.signal : AbortSignal.timeout(ABORT_AFTER_MS);
    const timer = how === 'AbortController' ? setTimeout(() => ac.abort(), ABORT_AFTER_MS) : undefined;
    let fired = NaN; // when the signal fired: the event loop may be busy with the call's own JS set-up at 150 ms
    signal.addEventListener('abort', () => (fired = performance.now()), { once: true });
    const s = performance.now();
    await t.rejects(big(signal), { name: 'AbortError' }, `${name}: ${how} rejects with AbortError`);
    clearTimeout(timer);
    const end = performance.now();
    const total = end - s;
    const late = end - fired;
    t.ok(late < LATENCY_MS, `${name}: ${how}: ended ${late.toFixed(0)} ms after the signal (bound ${LATENCY_MS.toFixed(0)} ms)`);
    // The estimate comes from one short uncancelled call: on an oversubscribed machine (clean-clone CI at load 7 saw
    // 116 ms against an estimate of 209 ms) either run can be descheduled by more than a short estimate's margin, so
    // estimates under 1 s are compared only where the machine is not oversubscribed (as 14a6016 does).
    const msg = `${name}: ${how}: ${total.toFixed(0)} ms, well before the uncancelled run (~${estimate.toFixed(0)} ms)`;
    if (estimate >= 1000 || loadavg()[0] <= cpus().length) t.ok(total < estimate / 2, msg);
    else t.comment(`not asserted at load ${loadavg()[0].toFixed(1)}: ${msg}`);
  }
  await check();
}

t.test('clustering, images, SEMD and ADO kernels are cancelled inside one huge item', { skip }, async (t) => {
  const run = { backend: 'native', threads: 1 };
  const small3 = manyJets(3, 12, 9);
  const refCheck = (label: string, f: (backend: string) => Promise<number[]>, tol = 1e-12) => async () => {
    const [a, b] = [await f('native'), await f('reference')];
    const worst = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]) / Math.max(1, Math.abs(b[i]))), 0);
    t.ok(a.length === b.length && a.length > 0 && worst <= tol, `${label}: a following call works and matches the reference (${worst})`);
  };

  // kT re-clustering (soft drop over the whole C/A tree and trimming with kT): O(M^2) per jet at least
  const jet20k = bigJet(20000);
  const jet2500 = bigJet(2500); // 8x fewer particles: at least 64x less work
  await cancelsInside(t, 'groom soft drop (C/A)',
    (signal) => groom(jet20k, { method: 'softdrop', algorithm: 'ca', zCut: 0.1, beta: 0 }, { ...run, signal }),
    () => groom(jet2500, { method: 'softdrop', algorithm: 'ca', zCut: 0.1, beta: 0 }, run), 64,
    refCheck('groom', async (backend) => Array.from((await groom(small3, { method: 'trim', algorithm: 'kt', rSub: 0.2, fCut: 0.05 }, { backend })).keep)));

  // images with the leading kT subjet as centre: exclusive kT clustering of the jet
  await cancelsInside(t, 'images (kT subjets)',
    (signal) => jetImages(jet20k, { center: 'leading', rotate: 'subjet', ...run, signal }),
    () => jetImages(jet2500, { center: 'leading', rotate: 'subjet', ...run }), 64,
    refCheck('images', async (backend) => Array.from((await jetImages(small3, { center: 'leading', backend })).data), 1e-6));

  // SEMD: spectra of one 2500-particle jet (3 million pairs), then big matrix / k-NN / ball-count calls
  const spec2500 = bigJet(2500, 3);
  const spec625 = bigJet(625, 3);
  await cancelsInside(t, 'SEMD spectra (one big jet)',
    (signal) => computeSpectra(spec2500, { ...run, signal }), () => computeSpectra(spec625, run), 16,
    refCheck('spectra', async (backend) => Array.from((await computeSpectra(small3, { backend })).omega)));
  // 1200 jets vs 150 (8x fewer): the matrix and the brute-force k-NN do 64x less work
  const S = await computeSpectra(manyJets(1200, 20), run);
  const S150 = await computeSpectra(manyJets(150, 20), run);
  const labels = Uint8Array.from({ length: 1200 }, (_, i) => i % 2);
  await cancelsInside(t, 'SEMD matrix',
    (signal) => semdMatrixFromSpectra(S, null, { ...run, signal }), () => semdMatrixFromSpectra(S150, null, run), 64,
    refCheck('matrix', async (backend) => {
      const small = await computeSpectra(small3, { backend: 'reference' });
      return Array.from(await semdMatrixFromSpectra(small, null, { backend }));
    }));
  await cancelsInside(t, 'SEMD k-NN (brute)',
    (signal) => knnFromSpectra(S, { k: 5, brute: true, ...run, signal }), () => knnFromSpectra(S150, { k: 5, brute: true, ...run }), 64,
    async () => {
      const [a, b] = [await knnFromSpectra(S150, { k: 3, backend: 'native' }), await knnFromSpectra(S150, { k: 3, backend: 'reference' })];
      t.same(Array.from(a.index), Array.from(b.index), 'k-NN: a following call works and matches the reference');
    });
  // ball counts: 2400 jets vs 150 (16x fewer; the work grows at least linearly, so x16 is a lower bound)
  const S2400 = await computeSpectra(manyJets(2400, 20), run);
  const labels2400 = Uint8Array.from({ length: 2400 }, (_, i) => i % 2);
  await cancelsInside(t, 'SEMD ball counts',
    (signal) => ballCountsFromSpectra(S2400, labels2400, null, Float64Array.of(1e9), { ...run, signal }),
    () => ballCountsFromSpectra(S150, labels.subarray(0, 150), null, Float64Array.of(1e9), run), 16,
    async () => {
      const r = await ballCountsFromSpectra(S150, labels.subarray(0, 150), null, Float64Array.of(1e9), run);
      t.same([r.signal[0] + r.background[0], r.signal[1] + r.background[1]], [149, 149], 'ball counts: a following call counts every other jet');
    });

  // ADO on D(H, G) for one candidate over 4 million events (the shared O(N log N) ordering, then the candidate's sweep)
  const rng = new Rng(5);
  const N = 4_000_000;
  const gen = (n: number) => Float64Array.from({ length: n }, () => rng.uniform());
  const [f, g, h] = [gen(N), gen(N), gen(N)];
  const lab = Uint8Array.from({ length: N }, (_, i) => i % 2);
  const q = N / 16;
  await cancelsInside(t, 'ADO on D(H, G) (one candidate, 4M events)',
    (signal) => adoOnDisagreementBatch([f], g, h, lab, { ...run, signal }),
    () => adoOnDisagreementBatch([f.subarray(0, q)], g.subarray(0, q), h.subarray(0, q), lab.subarray(0, q), run), 8,
    async () => {
      const [a] = await adoOnDisagreementBatch([f.subarray(0, 2000)], g.subarray(0, 2000), h.subarray(0, 2000), lab.subarray(0, 2000), run);
      const [b] = await adoOnDisagreementBatch([f.subarray(0, 2000)], g.subarray(0, 2000), h.subarray(0, 2000), lab.subarray(0, 2000), { backend: 'reference' });
      t.ok(Math.abs(a.adoRaw - b.adoRaw) < 1e-12, 'ADO: a following call matches the reference');
    });
});
