import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import zlib from 'node:zlib';
import { JetBatch } from '../src/jets/batch.js';
import { formatNpy, parseNpy, readArray, readJets, readTable, writeJets, writeNpy, writeNpz, writeTable } from '../src/io/index.js';
import { tempDir } from './fixtures/tmp.js';

const fx = (f: string) => join(import.meta.dirname, 'fixtures', f);
const dir = tempDir('jetlens-io-');
const sample = () =>
  JetBatch.fromNested(
    [
      [[10.5, 0.1, 0.2, 211], [5.25, -0.1, 6.1, -211]],
      [[3, 1e-9, -3.1, 22]],
      [[1 / 3, 0.7, 3.14159, 111], [2, -1.7, 0, 22], [7, 0.3, 0.3, 211]],
    ],
    { labels: [1, 0, 1], weights: [1, 0.5, 2] },
  );
const sameJets = (t: { same: (a: unknown, b: unknown, m: string) => void }, a: JetBatch, b: JetBatch, msg: string) => {
  t.same(Array.from(a.offsets), Array.from(b.offsets), `${msg}: offsets`);
  for (const k of ['pt', 'y', 'phi'] as const) t.same(Array.from(a[k]), Array.from(b[k]), `${msg}: ${k}`);
};

t.test('numpy fixtures: savez_compressed float64 and savez float32 with int labels', async (t) => {
  const a = await readJets(fx('qg_small.npz'));
  t.same(Array.from(a.offsets), [0, 4, 6, 9, 10, 13], 'padding dropped');
  t.same(Array.from(a.labels!), [1, 0, 1, 0, 1]);
  t.ok(a.pid);
  const b = await readJets(fx('qg_small_stored_f32.npz'));
  t.same(Array.from(b.offsets), Array.from(a.offsets));
  for (let i = 0; i < a.size; i++) t.ok(Math.abs(a.pt[i] - b.pt[i]) <= 1e-5 * a.pt[i], 'float32 within rounding');
  const c = await readJets(fx('qg_small_X.npy'));
  sameJets(t, a, c, '.npy');
});

t.test('Fortran order and big-endian are read correctly; unsupported dtypes refused', async (t) => {
  const f = await readArray(fx('fortran_f8.npy'));
  t.same(f.shape, [2, 3, 4]);
  t.same(Array.from(f.data as Float64Array), Array.from({ length: 24 }, (_, i) => i), 'transposed to C order');
  const be = await readArray(fx('bigendian_f8.npy'));
  t.same(Array.from(be.data as Float64Array), [0, 1, 2, 3, 4, 5]);
  t.same(Array.from((await readArray(fx('labels_bool.npy'))).data as Uint8Array), [1, 0, 1]);
  t.same((await readArray(fx('labels_i8.npy'))).data, new BigInt64Array([1n, 0n, 1n]));
  await t.rejects(readArray(fx('strings.npy')), /unsupported .npy dtype/);
});

t.test('round trips: npz (compressed and stored), npy, HDF5, CSV, JSONL', async (t) => {
  const b = sample();
  for (const ext of ['npz', 'npy', 'h5', 'csv', 'jsonl']) {
    const file = join(dir, `rt.${ext}`);
    await writeJets(file, b);
    const r = await readJets(file);
    sameJets(t, b, r, ext);
    t.same(Array.from(r.pid ?? []), Array.from(b.pid!), `${ext}: pid`);
    if (ext !== 'npy') t.same(Array.from(r.labels ?? []), [1, 0, 1], `${ext}: labels`);
  }
  const stored = join(dir, 'stored.npz');
  await writeJets(stored, b, { compress: false });
  sameJets(t, b, await readJets(stored), 'stored npz');
});

t.test('files load in numpy', { skip: hasNumpy() ? false : 'python3 with numpy not found' }, async (t) => {
  const file = join(dir, 'np.npz');
  await writeJets(file, sample());
  const out = execFileSync('python3', ['-c', `import numpy as np; d=np.load('${file}'); print(d['X'].shape, d['X'].dtype, d['y'].tolist(), d['X'][2,0,0])`]).toString().trim();
  t.equal(out, '(3, 3, 4) float64 [1.0, 0.0, 1.0] 0.3333333333333333');
});

t.test('tables and array specs', async (t) => {
  const cols = { mass: Float64Array.from([80.1, 1 / 3]), pt: Float64Array.from([300, 350.5]) };
  for (const ext of ['csv', 'npz', 'h5']) {
    const file = join(dir, `tab.${ext}`);
    await writeTable(file, cols);
    const r = await readTable(file);
    t.same(Array.from(r.mass), Array.from(cols.mass), `${ext} exact`);
    t.same(Array.from((await readArray(`${file}:pt`)).data as Float64Array), [300, 350.5]);
  }
  await writeNpz(join(dir, 'two.npz'), { a: { data: new Float64Array(2), shape: [2] }, b: { data: new Float64Array(2), shape: [2] } });
  await t.rejects(readArray(join(dir, 'two.npz')), /several arrays \(a, b\)/);
  await t.rejects(readArray(join(dir, 'two.npz') + ':c'), /no array or column 'c'/);
  await t.rejects(readArray('scores.txt'), /cannot read an array/);
  await writeNpy(join(dir, 'one.npy'), { data: new Float32Array([1, 2]), shape: [2] });
  t.same(Array.from((await readArray(join(dir, 'one.npy'))).data as ArrayLike<number>), [1, 2]);
});

t.test('truncated, corrupt and mislabelled files give clear errors', async (t) => {
  const good = readFileSync(fx('qg_small_X.npy'));
  const cut = join(dir, 'cut.npy');
  writeFileSync(cut, good.subarray(0, good.length - 8));
  await t.rejects(readJets(cut), /cut.npy: truncated .npy data/);
  writeFileSync(join(dir, 'hdr.npy'), good.subarray(0, 20));
  await t.rejects(readJets(join(dir, 'hdr.npy')), /truncated .npy header/);
  const z = readFileSync(fx('qg_small.npz'));
  writeFileSync(join(dir, 'cut.npz'), z.subarray(0, z.length - 30));
  await t.rejects(readJets(join(dir, 'cut.npz')), /cut.npz: not a readable .npz/);
  const flipped = Buffer.from(z);
  flipped[80] ^= 0xff;
  writeFileSync(join(dir, 'flip.npz'), flipped);
  await t.rejects(readJets(join(dir, 'flip.npz')), /flip.npz/);
  writeFileSync(join(dir, 'fake.h5'), 'not hdf5 at all');
  await t.rejects(readJets(join(dir, 'fake.h5')), /not an HDF5 file/);
  writeFileSync(join(dir, 'fake.npz'), 'PK nonsense');
  await t.rejects(readJets(join(dir, 'fake.npz')), /not a readable .npz/);
  await t.rejects(readJets(join(dir, 'missing.npz')), /missing.npz: no such file/);
  await t.rejects(readJets(join(dir, 'x.root')), /unknown file type '.root'/);
  await writeNpz(join(dir, 'nox.npz'), { Z: { data: new Float64Array(3), shape: [1, 1, 3] } });
  await t.rejects(readJets(join(dir, 'nox.npz')), /no particle array 'X' \(has: Z\)/);
  t.same((await readJets(join(dir, 'nox.npz'), { dataset: 'Z' })).length, 1);
  await writeNpz(join(dir, 'badlab.npz'), { X: { data: new Float64Array([1, 0, 0]), shape: [1, 1, 3] }, y: { data: new Float64Array([3]), shape: [1] } });
  await t.rejects(readJets(join(dir, 'badlab.npz')), /badlab.npz: jet 0, field labels: label must be 0 or 1/);
  await writeNpz(join(dir, 'shape.npz'), { X: { data: new Float64Array(4), shape: [2, 2] } });
  await t.rejects(readJets(join(dir, 'shape.npz')), /expected a 3-d array/);
  await writeNpz(join(dir, 'neg.npz'), { X: { data: new Float64Array([1, 0, 0, -2, 0, 0]), shape: [1, 2, 3] } });
  await t.rejects(readJets(join(dir, 'neg.npz')), /neg.npz: jet 0, particle 1, field pt: negative pT/);
  writeFileSync(join(dir, 'bad.jsonl'), '[[1,0,0]]\n[[1,0,\n');
  await t.rejects(readJets(join(dir, 'bad.jsonl')), /bad.jsonl: line 2: invalid JSON/);
  writeFileSync(join(dir, 'bad.csv'), 'jet,pt,y,phi\n0,1,0,0\n0,1,0\n');
  await t.rejects(readJets(join(dir, 'bad.csv')), /bad.csv: line 3: 3 fields, header has 4/);
  writeFileSync(join(dir, 'nan.csv'), 'jet,pt,y,phi\n0,abc,0,0\n');
  await t.rejects(readJets(join(dir, 'nan.csv')), /column 'pt': 'abc' is not a number/);
});

t.test('npy writer output parses back bit-exact', async (t) => {
  const a = { data: Float64Array.from([Math.PI, -0, 1e-300, Number.MAX_VALUE]), shape: [2, 2] };
  const r = parseNpy(formatNpy(a));
  t.same(r.shape, [2, 2]);
  t.same(Array.from(r.data as Float64Array), Array.from(a.data));
});

function hasNumpy(): boolean {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

t.test('rows: a shard reads, converts and validates only its slice; errors name the jet index in the file', async (t) => {
  const whole = sample();
  for (const ext of ['npz', 'npy', 'h5', 'csv', 'jsonl']) {
    const f = join(dir, `rows.${ext}`);
    await writeJets(f, whole);
    const got = await readJets(f, { rows: (n) => (t.equal(n, 3, `${ext}: total jets passed`), [1, 3]) });
    sameJets(t, got, whole.slice(1, 3), `${ext} [1, 3)`);
    if (ext !== 'npy') t.same(Array.from(got.labels!), [0, 1], `${ext}: labels sliced`);
    await t.rejects(readJets(f, { rows: () => [2, 4] }), /rows \[2, 4\) are not within the file's 3 jets/);
  }
  // Jet 2 of the file has a negative pT: the slice [0, 2) does not see it, the slice [1, 3) names jet 2.
  const bad = join(dir, 'rows-bad.npz');
  const p = whole.toPadded();
  p.data[(2 * p.shape[1] + 1) * 4] = -1;
  await writeNpz(bad, { X: { data: p.data, shape: p.shape } });
  t.equal((await readJets(bad, { rows: () => [0, 2] })).length, 2);
  await t.rejects(readJets(bad, { rows: () => [1, 3] }), /jet 2, particle 1.*negative pT/);
});

t.test('npz: zip64 records (as numpy writes past 4 GiB) read the same; damaged members are refused by size and CRC-32', async (t) => {
  const plain = await readJets(fx('qg_small.npz'));
  const z64 = await readJets(fx('qg_small_zip64.npz'));
  sameJets(t, z64, plain, 'zip64 central directory and end record');
  t.same(Array.from(z64.labels!), Array.from(plain.labels!));
  // A stored member inflates nothing, so only the CRC can notice a flipped data byte.
  const stored = Buffer.from(readFileSync(fx('qg_small_stored_f32.npz')));
  const flipped = Buffer.from(stored);
  flipped[stored.indexOf('NUMPY') + 200] ^= 0x01;
  writeFileSync(join(dir, 'crc.npz'), flipped);
  if ('crc32' in zlib) await t.rejects(readJets(join(dir, 'crc.npz')), /crc.npz: not a readable .npz \(zip\) file: member 'X.npy' fails its CRC-32 check/);
  const noEnd = join(dir, 'noend.npz');
  writeFileSync(noEnd, stored.subarray(0, stored.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))));
  await t.rejects(readJets(noEnd), /no end-of-central-directory record/);
});

t.test('rows from disk equal the rows of a whole read (npy, deflated, stored, zip64, HDF5, float32, Fortran fallback), with clear errors', async (t) => {
  const { generateMixture } = await import('../src/jets/generator/index.js');
  const big = join(dir, 'big.npz');
  await writeJets(big, generateMixture({ signal: 'w', background: 'qcd', n: 600, seed: 4 }));
  const stored = join(dir, 'big-stored.npz');
  await writeJets(stored, await readJets(big), { compress: false });
  const npy = join(dir, 'big.npy');
  await writeJets(npy, await readJets(big));
  const h5 = join(dir, 'big.h5'); // chunked, gzip: HDF5 reads only the chunks that hold the rows
  await writeJets(h5, await readJets(big));
  // A Fortran-order .npy: rows are not contiguous on disk, so the whole file is read and sliced.
  const fortran = join(dir, 'fortran.npy');
  const f = Buffer.from(readFileSync(fx('qg_small_X.npy')));
  const X = parseNpy(f);
  const [n, m, c] = X.shape;
  const tr = new Float64Array(n * m * c);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let k = 0; k < c; k++) tr[i + n * (j + m * k)] = X.data[(i * m + j) * c + k] as number;
  const head = f.subarray(0, f.indexOf(0x0a) + 1).toString('latin1').replace("'fortran_order': False", "'fortran_order': True ");
  writeFileSync(fortran, Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(tr.buffer)]));
  const files = [big, stored, npy, h5, fx('qg_small.npz'), fx('qg_small_stored_f32.npz'), fx('qg_small_zip64.npz'), fx('qg_small_X.npy'), fortran];
  for (const file of files) {
    const whole = await readJets(file);
    const N = whole.length;
    for (const [a, b] of [[0, N], [0, 1], [N - 1, N], [Math.floor(N / 3), Math.floor((2 * N) / 3)], [2, 2]]) {
      const part = await readJets(file, { rows: () => [a, b] });
      const ref = whole.slice(a, b);
      const same = part.length === ref.length && ['offsets', 'pt', 'y', 'phi'].every((k) => Buffer.from((part as never)[k]).equals(Buffer.from((ref as never)[k])));
      t.ok(same, `${file.split('/').pop()} [${a}, ${b}): identical`);
      if (whole.labels) t.same(Array.from(part.labels ?? []), Array.from(ref.labels ?? []), 'labels');
    }
  }
  // Damage anywhere in a deflated member, even past the slice, is found: the member is inflated to its end (in
  // constant memory) to check its size and CRC-32.
  const z = Buffer.from(readFileSync(big));
  z[Math.floor(z.length / 2)] ^= 0xff;
  writeFileSync(join(dir, 'bad-deflate.npz'), z);
  await t.rejects(readJets(join(dir, 'bad-deflate.npz')), /bad-deflate.npz/, 'whole read');
  await t.rejects(readJets(join(dir, 'bad-deflate.npz'), { rows: () => [0, 1] }), /bad-deflate.npz:X: cannot read rows/, 'first row only');
  const cut = readFileSync(npy);
  writeFileSync(join(dir, 'cut-rows.npy'), cut.subarray(0, cut.length - 100));
  await t.rejects(readJets(join(dir, 'cut-rows.npy'), { rows: () => [0, 1] }), /cut-rows.npy: truncated .npy data/);
  await t.rejects(readJets(join(dir, 'nope.npz'), { rows: () => [0, 1] }), /nope.npz: no such file/);
});
