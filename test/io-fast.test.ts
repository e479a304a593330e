// The fast read path (issue #20.2): native padded -> CSR conversion + validation against the TypeScript path,
// unaligned .npy data (a stored .npz member), and whole-file reads.
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JetBatch } from '../src/jets/batch.js';
import { paddedToCsrNative } from '../src/jets/padded.js';
import { loadNative } from '../src/backend/native.js';
import { formatNpy, parseNpy } from '../src/io/npy.js';
import { readWhole } from '../src/io/read.js';
import { readJets, writeNpz } from '../src/io/index.js';
import { Rng } from '../src/util/rng.js';

const native = loadNative()?.paddedToCsr ? false : 'native addon not built (npm run build)';

function padded(n: number, m: number, f: number, seed: number, f32 = false) {
  const rng = new Rng(seed);
  const data = new (f32 ? Float32Array : Float64Array)(n * m * f);
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < m; k++) {
      if (rng.uniform() < 0.3) continue; // padding anywhere, also between particles
      const r = (j * m + k) * f;
      data[r] = rng.range(0.1, 50);
      data[r + 1] = rng.range(-1, 1);
      data[r + 2] = rng.range(-3, 6);
      if (f > 3) data[r + 3] = rng.int(3) - 1;
      if (f > 4) data[r + 4] = rng.range(0, 1);
    }
  }
  return data;
}

/** The TypeScript path alone. */
function reference<T>(fn: () => T): T {
  const saved = process.env.JETLENS_BACKEND;
  process.env.JETLENS_BACKEND = 'reference';
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.JETLENS_BACKEND;
    else process.env.JETLENS_BACKEND = saved;
  }
}

const errorOf = (fn: () => unknown) => {
  try {
    fn();
    return 'no error';
  } catch (e) {
    return (e as Error).message;
  }
};

t.test('native conversion equals the TypeScript path (f = 3, 4, 5; float64 and float32)', { skip: native }, async (t) => {
  for (const [f, f32] of [[3, false], [4, false], [5, false], [4, true]] as const) {
    const data = padded(40, 17, f, f * 10 + Number(f32), f32);
    const labels = Array.from({ length: 40 }, (_, i) => i % 2);
    t.ok(paddedToCsrNative(data, 40, 17, f, { ptLimit: 1e20, yLimit: 100, phiLimit: 3 * Math.PI }), 'the native path ran');
    const a = JetBatch.fromPadded(data, [40, 17, f], { labels });
    const b = reference(() => JetBatch.fromPadded(data, [40, 17, f], { labels }));
    for (const k of ['offsets', 'pt', 'y', 'phi', 'pid', 'mass', 'labels'] as const) t.same(a[k], b[k], `f = ${f}${f32 ? ' f4' : ''}: ${k}`);
  }
});

t.test('bad rows: the same error as the TypeScript path, naming jet, particle and field', { skip: native }, async (t) => {
  const cases: [number, number, string][] = [
    [0, NaN, 'non-finite pT'], [0, Infinity, 'non-finite pT'], [0, -1, 'negative pT'], [1, NaN, 'rapidity'],
    [1, -Infinity, 'rapidity'], [2, 10, '3 pi'], [2, NaN, 'phi'], [3, NaN, 'pid'], [0, 2e20, 'pT = '],
    [1, -101, 'rapidity'], [4, -1, 'mass'], [4, NaN, 'mass'], [4, Infinity, 'mass'],
  ];
  const lim = { ptLimit: 1e20, yLimit: 100, phiLimit: 3 * Math.PI };
  for (const [col, v, what] of cases) {
    const data = padded(6, 5, 5, 3);
    const r = (4 * 5 + 2) * 5; // jet 4, padded row 2
    data[r] = data[r] || 7;
    data[r + col] = v;
    t.equal(paddedToCsrNative(data, 6, 5, 5, lim), null, `${what}: native declines`);
    const fast = errorOf(() => JetBatch.fromPadded(data, [6, 5, 5], { file: 'x.npy' }));
    const slow = errorOf(() => reference(() => JetBatch.fromPadded(data, [6, 5, 5], { file: 'x.npy' })));
    t.equal(fast, slow, `${what}: same message`);
    t.match(fast, new RegExp(what.replace(/[()]/g, '.')), what);
    t.match(fast, /jet 4/);
  }
  t.throws(() => loadNative()!.paddedToCsr({ data: new Float64Array(5), n: 1, m: 2, f: 3, ...lim }), /length does not match/);
  t.throws(() => loadNative()!.paddedToCsr({ data: new Int32Array(6), n: 1, m: 2, f: 3, ...lim }), /Float64Array or Float32Array/);
  t.throws(() => loadNative()!.paddedToCsr({ data: new Float64Array(6), n: 1, m: 2, f: 3 }), /ptLimit: expected a number/);
});

t.test('unaligned .npy data (stored .npz member) reads as a copy with the right values', async (t) => {
  const a = { data: Float64Array.from({ length: 30 }, (_, i) => i * 0.5 - 3), shape: [5, 6] };
  const bytes = formatNpy(a);
  const shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 3);
  const got = parseNpy(shifted.subarray(3), 'x.npy', true);
  t.same(Array.from(got.data as Float64Array), Array.from(a.data));
  t.same(got.shape, [5, 6]);
});

t.test('readWhole and readJets on a stored .npz equal the written batch', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jetlens-iofast-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const data = padded(25, 9, 4, 7);
  const b = JetBatch.fromPadded(data, [25, 9, 4]);
  const file = join(dir, 's.npz');
  await writeNpz(file, { X: { data, shape: [25, 9, 4] }, y: { data: new Float64Array(25).fill(1), shape: [25] } }, false);
  const back = await readJets(file);
  t.same(back.pt, b.pt);
  t.same(back.pid, b.pid);
  t.same(back.labels, new Float64Array(25).fill(1));
  const raw = join(dir, 'r.bin');
  writeFileSync(raw, Buffer.from([1, 2, 3, 250]));
  t.same(Array.from(await readWhole(raw)), [1, 2, 3, 250]);
  await t.rejects(readWhole(join(dir, 'missing.npy')), /no such file/);
});
