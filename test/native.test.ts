import t from 'tap';
import { loadNative, cudaDevices } from '../src/backend/native.js';

const native = loadNative();

t.test('addon loads and checks its arguments', { skip: native ? false : 'native addon not built' }, async (t) => {
  const jets = { offsets: new Uint32Array([0, 2, 3]), pt: new Float64Array([1, 2, 3]), y: new Float64Array(3), phi: new Float64Array(3) };
  const out = new Float64Array(2);
  native!.jetScalarPt({ ...jets, out, threads: 0 });
  t.same(Array.from(out), [3, 3]);
  t.throws(() => native!.jetScalarPt({ ...jets, out, pt: new Float32Array(3) }), /jetScalarPt.pt: expected a Float64Array/);
  t.throws(() => native!.jetScalarPt({ ...jets, out, offsets: new Uint32Array([0, 2, 4]) }), /offsets\[N\] = 4/);
  t.throws(() => native!.jetScalarPt({ ...jets, out, offsets: new Uint32Array([0, 3, 2]) }), /non-decreasing/);
  t.throws(() => native!.jetScalarPt({ ...jets, out: new Float64Array(1) }), /out: expected length N = 2/);
  t.equal(typeof cudaDevices(), 'number');
});
