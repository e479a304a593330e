import t from 'tap';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpy, writeNpz, writeTable } from '../src/io/index.js';
import { parseShard, shardRange, writeManifest, type Manifest } from '../src/shard/shard.js';
import { mergeParts } from '../src/shard/merge.js';
import { tempDir } from './fixtures/tmp.js';

const dir = tempDir('jetlens-shard-');

t.test('shard ranges tile the input exactly', async (t) => {
  for (const total of [0, 1, 7, 100, 101]) {
    for (const n of [1, 2, 3, 4, 7]) {
      let next = 0;
      for (let k = 0; k < n; k++) {
        const [a, b] = shardRange(total, { k, n });
        t.equal(a, next);
        next = b;
      }
      t.equal(next, total, `total ${total}, n ${n}`);
    }
  }
  t.same(parseShard('2/4'), { k: 2, n: 4 });
  for (const bad of ['4/4', '1', 'a/b', '-1/2', '0/0']) t.throws(() => parseShard(bad), /--shard: expected K\/N/);
});

/** Writes the parts of a fake command over rows 0..total-1 (row r holds r, r*10). */
async function makeParts(ext: string, n: number, total: number, tweak?: (m: Manifest) => void): Promise<string[]> {
  const parts: string[] = [];
  for (let k = 0; k < n; k++) {
    const [a, b] = shardRange(total, { k, n });
    const out = join(dir, `p${k}.${ext}`);
    const data = new Float64Array((b - a) * 2).map((_, i) => (a + (i >> 1)) * (i % 2 ? 10 : 1));
    if (ext === 'npy') await writeNpy(out, { data, shape: [b - a, 2] });
    else if (ext === 'npz') await writeNpz(out, { X: { data, shape: [b - a, 2] } });
    else await writeTable(out, { r: data.filter((_, i) => i % 2 === 0), r10: data.filter((_, i) => i % 2 === 1) });
    const m: Manifest = { jetlens: '0', node: 'v0', command: 'fake', settings: { a: 1 }, input: { file: 'in.npz', sha256: 'abc', jets: total }, shard: { k, n }, rows: [a, b], output: out, argv: [] };
    tweak?.(m);
    await writeManifest(m);
    parts.push(out);
  }
  return parts;
}

t.test('merge writes the same bytes as one unsharded write (npy, npz, csv)', async (t) => {
  const total = 11;
  const all = new Float64Array(total * 2).map((_, i) => (i >> 1) * (i % 2 ? 10 : 1));
  for (const ext of ['npy', 'npz', 'csv']) {
    const whole = join(dir, `whole.${ext}`);
    if (ext === 'npy') await writeNpy(whole, { data: all, shape: [total, 2] });
    else if (ext === 'npz') await writeNpz(whole, { X: { data: all, shape: [total, 2] } });
    else await writeTable(whole, { r: all.filter((_, i) => i % 2 === 0), r10: all.filter((_, i) => i % 2 === 1) });
    const parts = await makeParts(ext, 3, total);
    const merged = join(dir, `merged.${ext}`);
    await mergeParts([parts[2], parts[0], parts[1]], merged);
    t.same(readFileSync(merged), readFileSync(whole), `${ext} identical bytes`);
  }
});

t.test('merge refuses inconsistent parts', async (t) => {
  const parts = await makeParts('npy', 3, 9);
  await t.rejects(mergeParts(parts.slice(0, 2), join(dir, 'm.npy')), /missing shard\(s\) 2\/3/);
  await t.rejects(mergeParts([parts[0], parts[0], parts[1]], join(dir, 'm.npy')), /given twice/);
  const other = await makeParts('npy', 3, 9, (m) => { if (m.shard.k === 1) m.input.sha256 = 'zzz'; });
  await t.rejects(mergeParts(other, join(dir, 'm.npy')), /different input/);
  const set = await makeParts('npy', 3, 9, (m) => { if (m.shard.k === 2) m.settings = { a: 2 }; });
  await t.rejects(mergeParts(set, join(dir, 'm.npy')), /different settings/);
  const gap = await makeParts('npy', 3, 9, (m) => { if (m.shard.k === 1) m.rows = [4, 6]; });
  await t.rejects(mergeParts(gap, join(dir, 'm.npy')), /gap or overlap/);
  // A part whose file does not hold the rows its manifest claims, is cut short, or has another dtype.
  const short = await makeParts('npy', 3, 9);
  await writeNpy(short[1], { data: new Float64Array(4), shape: [2, 2] });
  await t.rejects(mergeParts(short, join(dir, 'm.npy')), /p1.npy: merge: part holds 2 rows, its manifest says 3/);
  const cut = await makeParts('npy', 3, 9);
  writeFileSync(cut[2], readFileSync(cut[2]).subarray(0, 150));
  await t.rejects(mergeParts(cut, join(dir, 'm.npy')), /p2.npy: part has \d+ data bytes, its header says 48 \(truncated\?\)/);
  const f32 = await makeParts('npy', 3, 9);
  await writeNpy(f32[0], { data: new Float32Array(6), shape: [3, 2] });
  await t.rejects(mergeParts(f32, join(dir, 'm.npy')), /different dtypes/);
  for (const ext of ['npz', 'csv']) {
    const bad = await makeParts(ext, 2, 6);
    if (ext === 'npz') await writeNpz(bad[0], { X: { data: new Float64Array(2), shape: [1, 2] } });
    else await writeTable(bad[0], { r: new Float64Array([0]), r10: new Float64Array([0]) });
    await t.rejects(mergeParts(bad, join(dir, `m.${ext}`)), /part holds 1 rows, its manifest says 3/, `${ext}: rows checked`);
  }
  t.notOk(readdirSync(dir).some((f) => f.includes('.tmp-')), 'no temporary file left behind');
  writeFileSync(join(dir, 'lonely.npy'), 'x');
  await t.rejects(mergeParts([join(dir, 'lonely.npy')], join(dir, 'm.npy')), /no manifest/);
});
