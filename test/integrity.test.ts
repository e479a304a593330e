// Hostile-input regressions (issue #24): each test rebuilds the original damaged input and checks that it now ends
// in a located error (or a correct result), never a silently wrong number.
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JetBatch } from '../src/jets/batch.js';
import { readJets } from '../src/io/index.js';
import { readHdf5, writeHdf5 } from '../src/io/hdf5.js';
import { zipEntries } from '../src/io/zip.js';

const fx = (f: string) => join(import.meta.dirname, 'fixtures', f);
const dir = mkdtempSync(join(tmpdir(), 'jetlens-integrity-'));

t.test('a corrupt gzip chunk in an HDF5 file is an error naming the file and dataset, not zeros', async (t) => {
  const n = 2000;
  const data = new Float64Array(n * 3).map((_, i) => i + 1);
  const good = join(dir, 'good.h5');
  await writeHdf5(good, { X: { data, shape: [n, 3] } });
  t.same(Array.from((await readHdf5(good)).X.data.subarray(0, 3)), [1, 2, 3], 'the intact file reads back');
  const b = readFileSync(good);
  for (let i = 4000; i < 4200; i++) b[i] ^= 0x55; // inside the first compressed chunk
  const bad = join(dir, 'bad.h5');
  writeFileSync(bad, b);
  await t.rejects(readHdf5(bad), { name: 'JetlensInputError', message: /bad\.h5: dataset 'X' cannot be read: the file is damaged/ });
  await t.rejects(readHdf5(bad, undefined, [], () => [0, 10]), /cannot be read/, 'a shard slice too');
});

t.test('a shard read of a stored (np.savez) .npz checks the member CRC: one changed byte is an error', async (t) => {
  const src = readFileSync(fx('qg_small_stored_f32.npz'));
  const x = zipEntries(src, 'f').find((m) => m.name === 'X.npy')!;
  t.equal(x.method, 0, 'fixture member is stored');
  const whole = await readJets(fx('qg_small_stored_f32.npz'), { rows: () => [0, 2] });
  t.equal(whole.length, 2, 'intact file: the slice reads');
  const b = Buffer.from(src);
  b[x.dataOffset + x.size - 3] ^= 0x40; // a byte in the last jet, outside the rows read
  const bad = join(dir, 'stored-bad.npz');
  writeFileSync(bad, b);
  await t.rejects(readJets(bad, { rows: () => [0, 2] }), { message: /stored-bad\.npz:X.*CRC-32/ });
  await t.rejects(readJets(bad), /CRC-32/, 'and the whole-file read');
});

t.test('finite extremes (pT 1e308, rapidity 1e300) are refused at the boundary with the jet, particle and field', async (t) => {
  t.throws(() => JetBatch.fromNested([[[1, 0, 0], [1e308, 0.1, 0.2]]]), { message: /jet 0, particle 1, field pt: pT = 1e\+308/ });
  t.throws(() => JetBatch.fromNested([[[10, 0, 0]], [[10, 1e300, 0.2]]]), { message: /jet 1, particle 0, field y: \|rapidity\|/ });
  t.throws(() => JetBatch.fromPadded(new Float64Array([5, -1e300, 0]), [1, 1, 3]), { message: /field y/ });
  const ok = JetBatch.fromNested([[[1e20, 99, 0.2], [1e20, -99, 0.3]]]);
  t.equal(ok.length, 1, 'the limits themselves are accepted');
});
