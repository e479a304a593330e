import t from 'tap';
import { JetBatch } from '../src/jets/batch.js';
import { toJetBatch } from '../src/jets/input.js';
import { JetlensInputError } from '../src/errors.js';

const nested = [
  [[10, 0.1, 0.2], [5, -0.1, 0.3]],
  [],
  [[7, 1.0, 6.2, 211]],
];

t.test('nested -> CSR -> padded -> CSR round trip', async (t) => {
  const b = JetBatch.fromNested(nested);
  t.equal(b.length, 3);
  t.same(Array.from(b.offsets), [0, 2, 2, 3]);
  t.same(b.emptyJets(), [1]);
  t.ok(b.pid, 'a 4-column particle makes a pid column');
  const p = b.toPadded();
  t.same(p.shape, [3, 2, 4]);
  const b2 = JetBatch.fromPadded(p.data, p.shape);
  t.same(Array.from(b2.pt), Array.from(b.pt));
  t.same(Array.from(b2.phi), Array.from(b.phi));
  t.same(b2.jet(2), [[7, 1.0, 6.2, 211]]);
});

t.test('padding rows anywhere are dropped', async (t) => {
  const data = new Float32Array([0, 0, 0, 3, 0.5, 1, 0, 9, 9, 2, 0.1, 0.1]);
  const b = JetBatch.fromPadded(data, [2, 2, 3]);
  t.same(Array.from(b.offsets), [0, 1, 2]);
  t.same(Array.from(b.pt), [3, 2]);
});

t.test('one dispatcher accepts every form', async (t) => {
  const b = JetBatch.fromNested(nested);
  t.equal(toJetBatch(b), b);
  const p = b.toPadded(2, false);
  t.same(Array.from(toJetBatch({ data: p.data, shape: p.shape }).pt), Array.from(b.pt));
  t.same(Array.from(toJetBatch(nested).pt), Array.from(b.pt));
  t.throws(() => toJetBatch('jets' as never), JetlensInputError);
  t.throws(() => toJetBatch({ data: [1, 2, 3], shape: [1, 1, 3] } as never), JetlensInputError);
});

t.test('bad input names jet, particle and field', async (t) => {
  const cases: [number[][][], RegExp][] = [
    [[[[1, 0, 0]], [[1, 0, 0], [-2, 0, 0]]], /jet 1, particle 1, field pt: negative pT/],
    [[[[NaN, 0, 0]]], /jet 0, particle 0, field pt: non-finite/],
    [[[[1, Infinity, 0]]], /field y: non-finite/],
    [[[[1, 0, 20]]], /field phi: .*not an azimuth/],
    [[[[1, 0]]], /jet 0, particle 0: expected a particle/],
  ];
  for (const [jets, re] of cases) t.throws(() => JetBatch.fromNested(jets, { file: 'x.npz' }), { name: 'JetlensInputError', message: re });
  t.throws(() => JetBatch.fromNested([[[1, 0, 0]]], { labels: [2] }), /jet 0, field labels: label must be 0 or 1/);
  t.throws(() => JetBatch.fromNested([[[1, 0, 0]]], { labels: [1, 0] }), /labels has 2 entries for 1 jets/);
  t.throws(() => JetBatch.fromPadded(new Float64Array(5), [1, 2, 3]), /does not match shape/);
  t.throws(() => JetBatch.fromPadded(new Float64Array(4), [2, 2]), /expected a 3-d array/);
  t.throws(() => new JetBatch({ offsets: new Uint32Array([0, 2]), pt: new Float64Array(1), y: new Float64Array(1), phi: new Float64Array(1) }), /pt has 1 entries, offsets say 2/);
});

t.test('slice, select, concat', async (t) => {
  const b = JetBatch.fromNested(nested, { labels: [1, 0, 1] });
  const s = b.slice(1, 3);
  t.same(Array.from(s.offsets), [0, 0, 1]);
  t.same(Array.from(s.labels!), [0, 1]);
  const sel = b.select([2, 0]);
  t.same(sel.jet(0), b.jet(2));
  t.same(Array.from(sel.labels!), [1, 1]);
  const c = JetBatch.concat([b, s]);
  t.equal(c.length, 5);
  t.same(c.jet(4), b.jet(2));
});
