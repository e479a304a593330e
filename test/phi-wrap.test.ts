// Every op that uses angles gives the same answer for a jet written with |phi| up to 3 pi (what JetBatch accepts)
// as for the same jet written with phi in (-pi, pi], on every backend that has the op (issue #19: the EFP 'hadr'
// angle was right only for |Delta phi| <= 3 pi, and every backend and the brute-force oracle shared the mistake).
import t from 'tap';
import { EFPSet } from '../src/efp/index.js';
import { JetBatch } from '../src/jets/batch.js';
import { exclusiveKtAxes, groom, jetImages, observables, recluster } from '../src/jss/index.js';
import { computeSpectra, semdMatrix } from '../src/semd/index.js';
import { deltaPhi, wrapPhi } from '../src/util/kinematics.js';
import { randomJets } from './fixtures/jss-jets.js';
import { expectClose, forEachBackend, type Tolerance } from './fixtures/backends.js';

const TWO_PI = 2 * Math.PI;

/** The same jets with every phi wrapped into (-pi, pi] ... */
function wrapped(b: JetBatch): JetBatch {
  return new JetBatch({ offsets: b.offsets, pt: b.pt, y: b.y, phi: b.phi.map(wrapPhi) });
}
/** ... and moved by +-2 pi to |phi| in (pi, 3 pi]: Delta phi between particles of one jet reaches almost 6 pi. */
function farPhi(b: JetBatch): JetBatch {
  return new JetBatch({ offsets: b.offsets, pt: b.pt, y: b.y, phi: b.phi.map((p) => (p > 0 ? p + TWO_PI : p - TWO_PI)) });
}

// Jets 0, 3, 6, ... sit at phi = pi - 0.05, so their particles straddle the +-pi seam.
const near = wrapped(randomJets(19, 30, 10));
const far = farPhi(near);
// Rounding of phi +- 2 pi moves an angle by ~1e-15: relative 1e-9 is far below any real disagreement.
const FLOAT64: Partial<Record<string, Partial<Tolerance>>> = { reference: { rel: 1e-9, abs: 1e-12 }, native: { rel: 1e-9, abs: 1e-12 }, brute: { rel: 1e-9, abs: 1e-12 } };

t.test('the jets used here really have |phi| near 3 pi and Delta phi beyond 3 pi', async (t) => {
  const max = far.phi.reduce((m, p) => Math.max(m, Math.abs(p)), 0);
  t.ok(max > 2.9 * Math.PI && max <= 3 * Math.PI, `max |phi| = ${(max / Math.PI).toFixed(3)} pi`);
});

t.test('the issue example: one-edge EFP (beta 2, normed) of a jet at phi = +-2.9 pi is 0.1799', async (t) => {
  const jet = (p: number) => new JetBatch({ offsets: Uint32Array.of(0, 2), pt: Float64Array.of(100, 50), y: Float64Array.of(0, 0.1), phi: Float64Array.of(p, -p) });
  // z1 z2 summed over ordered pairs: 2 (2/3)(1/3) (dy^2 + dphi^2), dphi = 5.8 pi wrapped = -0.2 pi.
  const want = 2 * (2 / 9) * (0.01 + (0.2 * Math.PI) ** 2);
  t.ok(Math.abs(want - 0.1799) < 1e-4, `closed form ${want}`);
  const set = new EFPSet([[0, 1]], { measure: 'hadr', beta: 2, normed: true });
  await forEachBackend(t, 'efp', async (t, backend, tol) => {
    for (const p of [2.9 * Math.PI, 0.9 * Math.PI]) {
      const [v] = await set.batchCompute(jet(p), { backend });
      expectClose(t, [v], [want], tol, `phi = +-${(p / Math.PI).toFixed(1)} pi`);
    }
  }, { tolerance: FLOAT64 });
});

for (const measure of ['hadr', 'hadrdot', 'ee'] as const) {
  t.test(`EFP d<=3 (${measure}) at |phi| near 3 pi == at phi in (-pi, pi]`, async (t) => {
    const set = new EFPSet('d<=3', { measure, beta: 1, normed: true });
    const want = await set.batchCompute(near, { backend: 'reference' });
    await forEachBackend(t, 'efp', async (t, backend, tol) => {
      expectClose(t, await set.batchCompute(far, { backend }), want, tol, `${measure} on ${backend}`);
    }, { tolerance: FLOAT64 });
  });
}

t.test('observables (kinematics, ECFs, N-subjettiness with every axes choice)', async (t) => {
  const columns = ['pt', 'mass', 'rap', 'phi', 'mult', 'width', 'e2_b1', 'c2_b1', 'd2_b2', 'tau1_b1', 'tau2_b1', 'tau21_b2', 'tau32_b1'];
  for (const axes of ['kt', 'wta', 'onepass'] as const) {
    const want = await observables(near, { columns, axes, backend: 'reference' });
    await forEachBackend(t, 'observables', async (t, backend, tol) => {
      const got = await observables(far, { columns, axes, backend });
      for (const c of columns) {
        // The jet axis phi is only defined modulo 2 pi: compare its difference to the reference.
        const g = c === 'phi' ? got.values.phi.map((p, i) => deltaPhi(p, want.values.phi[i])) : got.values[c];
        const w = c === 'phi' ? new Float64Array(g.length) : want.values[c];
        expectClose(t, g, w, c === 'phi' ? { rel: 0, abs: 1e-9 } : tol, `${c}, axes ${axes}`);
      }
    }, { tolerance: FLOAT64 });
  }
});

t.test('jet images (every centre and rotation)', async (t) => {
  for (const center of ['centroid', 'leading', 'none'] as const) {
    for (const rotate of ['principal', 'subjet', 'none'] as const) {
      const o = { center, rotate, flip: true, npix: 15, width: 1.2 } as const;
      const want = await jetImages(near, { ...o, backend: 'reference' });
      await forEachBackend(t, 'images', async (t, backend) => {
        const got = await jetImages(far, { ...o, backend });
        // float32 pixels; a particle on a pixel edge may fall either side after 2 pi rounding: compare totals per jet and most pixels.
        const bad = got.data.reduce((n, v, i) => n + (Math.abs(v - want.data[i]) > 1e-5 ? 1 : 0), 0);
        t.ok(bad <= 2 * near.length, `${center}/${rotate} on ${backend}: ${bad} of ${got.data.length} pixels differ`);
        t.equal(got.dropped, want.dropped, 'same number of particles outside the square');
      });
    }
  }
});

t.test('SEMD spectra and distances', async (t) => {
  // Jet 0 of randomJets is empty (no spectrum): leave it out.
  const skipFirst = (b: JetBatch) => new JetBatch({ offsets: b.offsets.subarray(1), pt: b.pt, y: b.y, phi: b.phi });
  t.equal(near.offsets[1], 0, 'jet 0 is the empty one');
  const [near1, far1] = [skipFirst(near), skipFirst(far)];
  const want = await computeSpectra(near1, { backend: 'reference' });
  await forEachBackend(t, 'semd.spectra', async (t, backend, tol) => {
    const got = await computeSpectra(far1, { backend });
    expectClose(t, got.omega, want.omega, tol, 'pair angles omega');
  }, { tolerance: FLOAT64 });
  const dWant = await semdMatrix(near1, { backend: 'reference' });
  await forEachBackend(t, 'semd.matrix', async (t, backend, tol) => {
    expectClose(t, (await semdMatrix(far1, { backend })).data, dWant.data, { ...tol, abs: Math.max(tol.abs, 1e-9) }, 'SEMD matrix');
  }, { tolerance: FLOAT64 });
});

t.test('clustering: exclusive kT axes, C/A reclustering and grooming', async (t) => {
  for (let j = 0; j < near.length; j++) {
    const [a, b] = [near.offsets[j], near.offsets[j + 1]];
    if (b - a < 3) continue;
    const args = (x: JetBatch) => [x.pt.subarray(a, b), x.y.subarray(a, b), x.phi.subarray(a, b)] as const;
    const k1 = exclusiveKtAxes(...args(near), 2);
    const k2 = exclusiveKtAxes(...args(far), 2);
    expectClose(t, k2.pt[2], k1.pt[2], { rel: 1e-9, abs: 1e-12 }, `jet ${j}: kT subjet pT`);
    expectClose(t, k2.phi[2].map((p, i) => deltaPhi(p, k1.phi[2][i])), new Float64Array(2), { rel: 0, abs: 1e-9 }, `jet ${j}: kT subjet phi (mod 2 pi)`);
    const c1 = recluster(...args(near), undefined, 'ca', 0.8);
    const c2 = recluster(...args(far), undefined, 'ca', 0.8);
    t.same([Array.from(c2.left), Array.from(c2.right)], [Array.from(c1.left), Array.from(c1.right)], `jet ${j}: same C/A tree`);
  }
  const spec = { method: 'softdrop', zCut: 0.1, beta: 0, R0: 0.8 } as const;
  const want = await groom(near, spec, { backend: 'reference' });
  await forEachBackend(t, 'groom', async (t, backend, tol) => {
    const got = await groom(far, spec, { backend });
    t.same(Array.from(got.jets.offsets), Array.from(want.jets.offsets), 'same constituents kept');
    expectClose(t, got.jets.pt, want.jets.pt, tol, 'kept pT');
  }, { tolerance: FLOAT64 });
});
