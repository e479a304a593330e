// Jet images: pixel placement, preprocessing steps, dropped particles, shift invariance, every backend vs reference.
import t from 'tap';
import { JetBatch, wrapPhi } from '../src/jets/batch.js';
import { jetImages, type ImageOptions } from '../src/jss/images.js';
import { expectClose, forEachBackend, tolerance } from './fixtures/backends.js';
import { randomJets } from './fixtures/jss-jets.js';

const pixel = (im: { data: Float32Array; shape: number[] }, j: number, r: number, c: number) => im.data[(j * im.shape[1] + r) * im.shape[2] + c];
const nonzero = (im: { data: Float32Array; shape: number[] }, j: number) => {
  const n = im.shape[1];
  const out: [number, number, number][] = [];
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (pixel(im, j, r, c) !== 0) out.push([r, c, pixel(im, j, r, c)]);
  return out;
};

t.test('empty and one-particle jets; shape and layout', async (t) => {
  const im = await jetImages([[], [[10, 0.3, 3.0]]]);
  t.same(im.shape, [2, 33, 33]);
  t.equal(im.data.length, 2 * 33 * 33);
  t.same(nonzero(im, 0), [], 'empty jet: blank image');
  t.same(nonzero(im, 1), [[16, 16, 1]], 'one particle: centre pixel, normalised');
  t.equal(im.dropped, 0);
  const raw = await jetImages([[[10, 0.3, 3.0]]], { normalize: false, center: 'none', npix: 10, width: 5 });
  t.same(nonzero(raw, 0), [[8, 5, 10]], 'no centring: r from phi = 3.0, c from y = 0.3, pT intensity');
});

t.test('rows are phi, columns are y; particles outside are dropped', async (t) => {
  // centroid at (0, 0): the particles at (+0.5, 0) and (-0.5, 0) share pT equally
  const jets = [[[1, 0.5, 0], [1, -0.5, 0], [1e-9, 0, 1.5]]];
  const im = await jetImages(jets, { normalize: false });
  const px = nonzero(im, 0);
  t.equal(im.dropped, 1, 'dphi = 1.5 > width: dropped');
  t.same(px.map((p) => [p[0], p[1]]), [[16, 8], [16, 24]], 'both on the middle row (dphi ~ 0), columns by y');
  const rot = await jetImages(jets, { normalize: false, rotate: 'principal' });
  t.same(nonzero(rot, 0).map((p) => p[1]), [16, 16], 'principal axis along +phi: one column');
});

t.test('flip puts the harder side at dy > 0 and dphi > 0', async (t) => {
  const jets = [[[3, -0.3, -0.2], [1, 0.3, 0.4], [1, 0.2, 0.1]]];
  const im = await jetImages(jets, { normalize: false, center: 'leading', flip: true });
  // leading kT subjet: the hard particle (3 GeV) sits at the centre; the rest at dy > 0, dphi > 0 (they already are)
  const total = nonzero(im, 0).reduce((s, p) => s + p[2], 0);
  t.ok(Math.abs(total - 5) < 1e-6);
  const im2 = await jetImages([[[3, 0.3, 0.2], [1, -0.3, -0.4], [1, -0.2, -0.1]]], { normalize: false, center: 'leading', flip: true });
  t.same(Array.from(im2.data), Array.from(im.data), 'mirror image flips back onto the same image');
  for (const [r, c] of nonzero(im, 0)) t.ok(r >= 16 && c >= 16, 'upper-right quadrant');
});

t.test('subjet rotation points the second subjet to +phi', async (t) => {
  const jets = [[[5, 0, 0], [5, 0.01, 0.01], [2, 0.5, 0], [2, 0.51, 0.01]]];
  const im = await jetImages(jets, { normalize: false, center: 'leading', rotate: 'subjet' });
  const px = nonzero(im, 0);
  t.ok(px.every(([, c]) => c === 16 || c === 17 || c === 15), 'all in the central column');
  t.ok(px.some(([r]) => r > 20), 'second subjet above');
});

t.test('normalised images sum to 1; invariance under shifts across phi = +-pi', async (t) => {
  const b = randomJets(13, 30, 30);
  for (const rotate of ['none', 'principal', 'subjet'] as const) {
    for (const center of ['centroid', 'leading'] as const) {
      const o = { rotate, center, flip: true };
      const im = await jetImages(b, o);
      for (let j = 1; j < b.length; j++) {
        const s = nonzero(im, j).reduce((a, p) => a + p[2], 0);
        if (s > 0 && Math.abs(s - 1) > 1e-5) t.fail(`jet ${j} sums to ${s}`);
      }
      const moved = new JetBatch({ offsets: b.offsets, pt: b.pt, y: b.y.map((v) => v - 1.1), phi: b.phi.map((v) => wrapPhi(v + 2.5)) });
      const im2 = await jetImages(moved, o);
      let worst = 0;
      for (let k = 0; k < im.data.length; k++) worst = Math.max(worst, Math.abs(im.data[k] - im2.data[k]));
      t.ok(worst < 1e-6, `${center}/${rotate}: shifted jets give the same images (max diff ${worst})`);
      t.equal(im2.dropped, im.dropped);
    }
  }
});

t.test('every images backend agrees with the reference (all preprocessing combinations); bad options', async (t) => {
  const b = randomJets(17, 40, 50);
  const cases: ImageOptions[] = [];
  for (const center of ['centroid', 'leading', 'none'] as const) {
    for (const rotate of ['none', 'principal', 'subjet'] as const) {
      for (const flip of [false, true]) {
        for (const normalize of [false, true]) cases.push({ center, rotate, flip, normalize, npix: 25, width: 0.8 });
      }
    }
  }
  const refs = await Promise.all(cases.map((o) => jetImages(b, { ...o, backend: 'reference' })));
  // float32 pixels: |a - b| <= 1e-6 max(1, |a|, |b|)
  await forEachBackend(t, 'images', async (t, backend) => {
    for (const [i, o] of cases.entries()) {
      const im = await jetImages(b, { ...o, backend, threads: 2 });
      expectClose(t, im.data, refs[i].data, tolerance(1e-6), `${backend} ${JSON.stringify(o)}`);
      t.equal(im.dropped, refs[i].dropped, `${backend}: dropped`);
      t.same(im.shape, refs[i].shape);
    }
    const ac = new AbortController();
    ac.abort();
    await t.rejects(jetImages(b, { backend, signal: ac.signal }), { name: 'AbortError' }, `${backend}: abort`);
  });
  await t.rejects(jetImages(b, { npix: 0 }), /npix/);
  await t.rejects(jetImages(b, { width: -1 }), /width/);
  await t.rejects(jetImages(b, { center: 'x' as 'none' }), /center/);
  await t.rejects(jetImages(b, { rotate: 'x' as 'none' }), /rotate/);
});
