// Hostile-input regressions (issue #24): each test rebuilds the original damaged input and checks that it now ends
// in a located error (or a correct result), never a silently wrong number.
import t from 'tap';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JetBatch } from '../src/jets/batch.js';
import { readJets } from '../src/io/index.js';
import { readHdf5, writeHdf5 } from '../src/io/hdf5.js';
import { zipEntries } from '../src/io/zip.js';
import { tempDir } from './fixtures/tmp.js';

const fx = (f: string) => join(import.meta.dirname, 'fixtures', f);
const dir = tempDir('jetlens-integrity-');

t.test('a corrupt gzip chunk in an HDF5 file is an error naming the file and dataset, not zeros', async (t) => {
  const n = 2000;
  const data = new Float64Array(n * 3).map((_, i) => i + 1);
  const good = join(dir, 'good.h5');
  await writeHdf5(good, { X: { data, shape: [n, 3] } });
  t.same(Array.from((await readHdf5(good)).X.data.subarray(0, 3) as ArrayLike<number>), [1, 2, 3], 'the intact file reads back');
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

t.test('merge checks the SHA-256 each part recorded: a part changed after it was written is refused', async (t) => {
  const { writeNpy } = await import('../src/io/index.js');
  const { mergeParts } = await import('../src/shard/merge.js');
  const { writeManifest, shardRange } = await import('../src/shard/shard.js');
  const parts: string[] = [];
  for (let k = 0; k < 2; k++) {
    const [a, b] = shardRange(4, { k, n: 2 });
    const out = join(dir, `h${k}.npy`);
    await writeNpy(out, { data: new Float64Array(b - a).fill(k + 1), shape: [b - a] });
    await writeManifest({ jetlens: '0', node: 'v0', command: 'fake', settings: {}, input: { file: 'in', sha256: 'abc', jets: 4 }, shard: { k, n: 2 }, rows: [a, b], output: out, argv: [] });
    parts.push(out);
  }
  await mergeParts(parts, join(dir, 'h.npy'));
  const b = readFileSync(parts[1]);
  b[b.length - 1] ^= 1; // same shape, one changed byte
  writeFileSync(parts[1], b);
  await t.rejects(mergeParts(parts, join(dir, 'h2.npy')), { message: /h1\.npy: merge: the part's bytes differ from the SHA-256/ });
  t.notOk(existsSync(join(dir, 'h2.npy')), 'nothing written');
});

t.test('a manifest declaring 10^9 shards is refused without allocating per shard', async (t) => {
  const { mergeParts } = await import('../src/shard/merge.js');
  const out = join(dir, 'g0.npy');
  writeFileSync(out, 'x');
  const m = { jetlens: '0', node: 'v0', command: 'fake', settings: {}, input: { file: 'in', sha256: 'abc', jets: 4 }, shard: { k: 0, n: 1e9 }, rows: [0, 4], output: out, argv: [] };
  writeFileSync(`${out}.manifest.json`, JSON.stringify(m));
  await t.rejects(mergeParts([out], join(dir, 'g.npy')), /damaged manifest: shard must be \{k, n\} with 0 <= k < n <= 100000/);
  m.shard.n = 90000;
  writeFileSync(`${out}.manifest.json`, JSON.stringify(m));
  await t.rejects(mergeParts([out], join(dir, 'g.npy')), /missing shard\(s\) 1\/90000, 2\/90000.* and 89989 more/);
  writeFileSync(`${out}.manifest.json`, '');
  await t.rejects(mergeParts([out], join(dir, 'g.npy')), /g0\.npy\.manifest\.json: not valid JSON: empty file/);
});

t.test('FIFOs and devices are refused without opening them; a header claiming 4e8 jets is refused before allocating', async (t) => {
  const { execFileSync } = await import('node:child_process');
  const fifo = join(dir, 'pipe.npy');
  execFileSync('mkfifo', [fifo]);
  await t.rejects(readJets(fifo), /pipe\.npy: not a regular file \(a device, FIFO or socket\)/);
  await t.rejects(readJets(fifo, { rows: () => [0, 1] }), /not a regular file/);
  const fifoCsv = join(dir, 'pipe.csv');
  execFileSync('mkfifo', [fifoCsv]);
  await t.rejects(readJets(fifoCsv), /not a regular file/);
  const { sha256File } = await import('../src/shard/shard.js');
  await t.rejects(sha256File('/dev/zero'), /\/dev\/zero: not a regular file/);
  const { readArray } = await import('../src/io/index.js');
  const link = join(dir, 'zero.npy');
  (await import('node:fs')).symlinkSync('/dev/zero', link);
  await t.rejects(readArray(link), /zero\.npy: not a regular file/, 'a symlink to /dev/zero');
  const { npyHeader } = await import('../src/io/npy.js');
  const huge = join(dir, 'huge.npy');
  writeFileSync(huge, npyHeader('<f8', [4e8, 0, 4]));
  await t.rejects(readJets(huge), /huge\.npy: declares 400000000 jets, more than the 100000000 read at once \(JETLENS_MAX_JETS/);
});

t.test('zip bomb: a member inflating past its declared size stops at the declared size (whole-file and shard paths)', async (t) => {
  const { formatNpz } = await import('../src/io/npz.js');
  const n = 400_000; // 9.6 MB of zeros: deflates to ~10 KB
  const buf = Buffer.from(formatNpz({ X: { data: new Float64Array(n * 3), shape: [n, 1, 3] } }));
  const m = zipEntries(buf, 'bomb').find((e) => e.name === 'X.npy')!;
  // Central directory: declare 4096 bytes for the member (the local header is not consulted).
  const cd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  t.equal(buf.readUInt32LE(cd + 24), m.size, 'found the directory entry');
  buf.writeUInt32LE(4096, cd + 24);
  const bomb = join(dir, 'bomb.npz');
  writeFileSync(bomb, buf);
  await t.rejects(readJets(bomb), { message: /bomb\.npz: .*member 'X\.npy' does not inflate \(.*4096/ }, 'whole file: stopped at the declared size');
  await t.rejects(readJets(bomb, { rows: () => [0, 1] }), /inflates to more than the 4096 bytes the directory says/, 'shard slice');
});

t.test('.npy headers: repeated keys resolve last-wins (as numpy); 1e3 and other non-integers refused in a shape', async (t) => {
  const { parseNpy } = await import('../src/io/npy.js');
  const make = (dict: string, data: Float64Array) => {
    let h = dict;
    h += ' '.repeat((64 - ((10 + h.length + 1) % 64)) % 64) + '\n';
    const out = new Uint8Array(10 + h.length + data.byteLength);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(out.buffer).setUint16(8, h.length, true);
    for (let i = 0; i < h.length; i++) out[10 + i] = h.charCodeAt(i);
    out.set(new Uint8Array(data.buffer), 10 + h.length);
    return out;
  };
  const data = new Float64Array([1, 2, 3, 4, 5, 6]);
  const dup = parseNpy(make("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), 'shape': (2, 3), }", data), 'dup.npy');
  t.same(dup.shape, [2, 3], "the last 'shape' wins");
  const dupOrder = parseNpy(make("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), 'fortran_order': False, }", data), 'o.npy');
  t.same(Array.from(dupOrder.data as Float64Array), [1, 2, 3, 4, 5, 6], "the last 'fortran_order' wins (C order: no transpose)");
  for (const bad of ['1e3', '0x6', '6.0', '-6', '6e0']) {
    t.throws(() => parseNpy(make(`{'descr': '<f8', 'fortran_order': False, 'shape': (${bad},), }`, data), 'bad.npy'), /bad\.npy: malformed \.npy shape/, bad);
  }
});

t.test('SIGTERM during an atomic write removes the temporary file and the process still dies of the signal', async (t) => {
  const { spawn } = await import('node:child_process');
  const { readdirSync, existsSync: exists } = await import('node:fs');
  const dist = join(import.meta.dirname, '..', 'dist', 'util', 'atomic.js');
  if (!exists(dist)) return t.fail('dist/ not built: run npm run build');
  const target = join(dir, 'sig-out.npy');
  // The test runner injects its own signal handlers into child processes: drop them, as in a plain CLI run.
  const code = `import { withTempFile } from ${JSON.stringify(dist)}; import { writeFileSync } from 'node:fs';
    process.removeAllListeners('SIGTERM'); process.removeAllListeners('SIGINT');
    await withTempFile(${JSON.stringify(target)}, async (tmp) => { writeFileSync(tmp, 'partial'); console.log('ready'); await new Promise(() => setInterval(() => {}, 1000)); });`;
  const script = join(dir, 'sig-child.mjs');
  writeFileSync(script, code);
  // A plain node process: the test runner's NODE_OPTIONS loaders install signal handlers of their own.
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'], env });
  t.teardown(() => { child.kill('SIGKILL'); });
  await new Promise<void>((ok) => child.stdout!.once('data', () => ok()));
  t.ok(readdirSync(dir).some((f) => f.startsWith('.sig-out.tmp-')), 'temporary file exists mid-write');
  const exit = new Promise<[number | null, string | null]>((ok) => child.once('exit', (c, s) => ok([c, s])));
  child.kill('SIGTERM');
  t.same(await exit, [null, 'SIGTERM'], 'died of SIGTERM');
  t.notOk(readdirSync(dir).some((f) => f.startsWith('.sig-out.tmp-')), 'temporary file removed');
  t.notOk(exists(target), 'no output');
});
