// `jetlens efp` on a large .npy reads it in chunks while the kernel runs (src/cli/efp-chunks.ts, #20.3): the values
// must equal one whole-batch computation exactly (the kernel runs jets independently), with the same outputs for
// --order energyflow and a --shard, and a bad particle in a later chunk must fail with the jet's index in the file
// and leave no output.
import t from 'tap';
import { runCli } from './fixtures/cli.js';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from '../src/cli/efp.js';
import { cliState } from '../src/cli/util.js';
import { chunkJets, efpChunked, MIN_CHUNK_JETS, npyJetCount } from '../src/cli/efp-chunks.js';
import { readArray, readJets, writeNpy } from '../src/io/index.js';
import { EFPSet } from '../src/efp/efpset.js';
import { parseShard, shardRange } from '../src/shard/shard.js';
import { Rng } from '../src/util/rng.js';
import { loadNative } from '../src/backend/native.js';

const dir = mkdtempSync(join(tmpdir(), 'jetlens-efp-chunks-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
cliState.quiet = true;

const N = 4 * MIN_CHUNK_JETS + 77; // full chunks and a partial one; a --shard 1/2 of it is chunked too
const M = 7;
/** (N, M, 4) jets, zero-padded from a random multiplicity of 1..M on. */
function jets(seed: number): Float64Array {
  const rng = new Rng(seed);
  const data = new Float64Array(N * M * 4);
  for (let j = 0; j < N; j++) {
    const m = 1 + rng.int(M);
    for (let i = 0; i < m; i++) data.set([rng.range(0.5, 40), rng.range(-0.5, 0.5), rng.range(-0.5, 0.5), 22], (j * M + i) * 4);
  }
  return data;
}
const file = join(dir, 'X.npy');
t.before(() => writeNpy(file, { data: jets(5), shape: [N, M, 4] }));

/** Byte-for-byte equality of two float arrays (t.same walks them element by element: too slow at this size). */
function sameBytes(a: ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }, b: typeof a): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

async function cli(...args: string[]) {
  return runCli([register], args);
}

t.test('chunk sizes and the header-only count', async (t) => {
  t.same(await npyJetCount(file, 'X'), { jets: N, rowBytes: M * 4 * 8 });
  t.equal(await npyJetCount(join(dir, 'x.npz'), 'X'), undefined, 'not a .npy: read whole');
  t.equal(chunkJets(1000, 1600), MIN_CHUNK_JETS);
  t.equal(chunkJets(30000, 1600), 3750, 'about eight chunks');
  t.equal(chunkJets(1e7, 1600), Math.floor((16 * 2 ** 20) / 1600), 'at most 16 MiB a chunk');
});

t.test('efpChunked = one batchCompute, bit for bit, for any chunk size', async (t) => {
  const set = new EFPSet('d<=4');
  const whole = await set.batchCompute(await readJets(file), { threads: 1 });
  for (const chunk of [100, 512, N - 1]) {
    let last = 0;
    const got = await efpChunked(set, file, 'X', [0, N], chunk, { threads: 1 }, (d) => (last = d));
    t.ok(sameBytes(got, whole), `chunks of ${chunk}`);
    t.equal(last, N, 'progress reaches N');
  }
  const part = await efpChunked(set, file, 'X', [300, 1000], 128, { threads: 1 }, () => {});
  t.ok(sameBytes(part, whole.subarray(300 * set.length, 1000 * set.length)), 'rows [300, 1000)');
});

t.test('the CLI (chunked) writes what the API computes; --order energyflow and --shard too', async (t) => {
  const set = new EFPSet('d<=5');
  const whole = await set.batchCompute(await readJets(file), { threads: 1 });
  const out = join(dir, 'e.npy');
  const r = await cli('efp', '--in', file, '--out', out, '--select', 'd<=5', '--threads', '1');
  t.equal(r.code, 0, r.err);
  const arr = await readArray(out);
  t.same(arr.shape, [N, set.length]);
  t.ok(sameBytes(arr.data as Float64Array, whole), 'bit for bit');
  const ef = join(dir, 'ef.npy');
  t.equal((await cli('efp', '--in', file, '--out', ef, '--order', 'energyflow', '--threads', '1')).code, 0);
  const efv = (await readArray(ef)).data as Float64Array;
  t.ok(sameBytes(efv.slice().sort(), whole.slice().sort()), 'the same values, columns permuted');
  const sh = join(dir, 'sh.npy');
  t.equal((await cli('efp', '--in', file, '--out', sh, '--shard', '1/2', '--threads', '1')).code, 0);
  const shv = await readArray(sh);
  const [a, b] = shardRange(N, parseShard('1/2'));
  t.same(shv.shape, [b - a, set.length]);
  t.ok(sameBytes(shv.data as Float64Array, whole.subarray(a * set.length, b * set.length)), `shard 1/2 = rows [${a}, ${b})`);
});

t.test('a bad particle in a later chunk: one-line error naming the jet, exit 1, no output', async (t) => {
  const data = jets(5);
  const bad = N - 20;
  data[bad * M * 4 + 1] = NaN; // y of the bad jet's first particle
  const badFile = join(dir, 'bad.npy');
  await writeNpy(badFile, { data, shape: [N, M, 4] });
  const wholeErr = await readJets(badFile).then(() => '', (e: Error) => e.message);
  t.match(wholeErr, new RegExp(`jet ${bad}\\b`), 'the whole-file read names the jet');
  const out = join(dir, 'bad-out.npy');
  const r = await cli('efp', '--in', badFile, '--out', out, '--threads', '1');
  t.equal(r.code, 1);
  t.equal(r.err.trim(), `jetlens: error: --in ${wholeErr}`, 'the message of the whole-file read, on one line');
  t.notOk(existsSync(out));
  t.notOk(existsSync(join(dir, 'bad-out.json')));
});

t.test('batchCompute(jets, opts, out): writes into the view it is given, for every backend; a wrong length is refused', async (t) => {
  const set = new EFPSet('d<=3');
  const jets = (await readJets(file)).slice(0, 40);
  for (const backend of loadNative() ? ['native', 'reference'] : ['reference']) {
    const want = await set.batchCompute(jets, { backend, threads: 1 });
    const big = new Float64Array((jets.length + 2) * set.length).fill(-1);
    const view = big.subarray(set.length, (jets.length + 1) * set.length);
    const got = await set.batchCompute(jets, { backend, threads: 1 }, view);
    t.equal(got, view, `${backend}: returns the view`);
    t.ok(sameBytes(view, want), `${backend}: the same values`);
    t.ok(big.subarray(0, set.length).every((v) => v === -1) && big.subarray((jets.length + 1) * set.length).every((v) => v === -1), `${backend}: nothing outside the view`);
  }
  await t.rejects(set.batchCompute(jets, {}, new Float64Array(3)), /out must be a Float64Array of N x K = 40 x/);
});
