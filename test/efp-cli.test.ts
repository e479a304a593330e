import t from 'tap';
import { runCli } from './fixtures/cli.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from '../src/cli/efp.js';
import { cliState } from '../src/cli/util.js';
import { readArray, writeJets } from '../src/io/index.js';
import { JetBatch } from '../src/jets/batch.js';
import { EFPSet } from '../src/efp/efpset.js';
import { Rng } from '../src/util/rng.js';

const dir = mkdtempSync(join(tmpdir(), 'jetlens-efp-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
cliState.quiet = true;

async function cli(...args: string[]): Promise<{ rc: number; out: string; err: string }> {
  const r = await runCli([register], args);
  return { rc: r.code, out: r.out.replace(/\n$/, ''), err: r.err };
}

const rng = new Rng(3);
const batch = JetBatch.fromNested(Array.from({ length: 20 }, () =>
  Array.from({ length: 4 + rng.int(10) }, () => [rng.range(1, 30), rng.range(-0.4, 0.4), rng.range(-0.4, 0.4)])));
const jetsFile = join(dir, 'jets.npz');

t.before(async () => writeJets(jetsFile, batch));

t.test('efp --select writes (N, K) npy and a sidecar equal to the API', async (t) => {
  const out = join(dir, 'e.npy');
  const r = await cli('efp', '--in', jetsFile, '--out', out, '--select', 'd<=4', '--kappa', '2', '--beta', '0.5', '--threads', '1');
  t.equal(r.rc, 0, r.err);
  const arr = await readArray(out);
  const set = new EFPSet('d<=4', { kappa: 2, beta: 0.5 });
  t.same(arr.shape, [20, set.length]);
  const want = await set.batchCompute(batch, { backend: 'reference' });
  const got = arr.data as Float64Array;
  t.ok(want.every((v, i) => Math.abs(got[i] - v) <= 1e-12 * Math.abs(v)), 'values equal the API to 1e-12 relative');
  const side = JSON.parse(readFileSync(join(dir, 'e.json'), 'utf8'));
  t.equal(side.columns.length, set.length, "one sidecar entry per column (the row count is in the .npy)");
  t.match(side.measure, { measure: 'hadr', kappa: 2, beta: 0.5, normed: true });
  t.same(side.columns[1].edges, [[0, 1]]);
  t.equal(side.columns.length, set.length);
});

t.test('efp --graphs', async (t) => {
  const g = join(dir, 'g.json');
  writeFileSync(g, JSON.stringify([[[0, 1], [1, 2], [2, 0]], [[0, 1], [2, 3]]]));
  const out = join(dir, 'g.npy');
  t.equal((await cli('efp', '--in', jetsFile, '--out', out, '--graphs', g, '--measure', 'ee', '--kappa', 'pf', '--no-normed')).rc, 0);
  const arr = await readArray(out);
  t.same(arr.shape, [20, 2]);
  const side = JSON.parse(readFileSync(join(dir, 'g.json'), 'utf8'));
  t.same(side.columns.map((c: { p: number }) => c.p), [1, 2]);
  t.match(side.measure, { measure: 'ee', kappa: 'pf', normed: false });
});

t.test('efp-graphs lists the catalogue', async (t) => {
  const table = await cli('efp-graphs', '--select', 'd<=2');
  t.equal(table.rc, 0);
  t.equal(table.out.split('\n').length, 1 + 5);
  const json = await cli('efp-graphs', '--select', 'd<=4', '--json');
  t.equal(JSON.parse(json.out).length, 36);
});

t.test('bad input: one-line error, exit 1 (bad data) or 2 (usage)', async (t) => {
  const out = join(dir, 'bad.npy');
  const cases: [string[], RegExp][] = [
    [['efp', '--in', jetsFile, '--out', out, '--select', 'd<=x'], /cannot parse 'd<=x'/],
    [['efp', '--in', jetsFile, '--out', out, '--select', 'd<=2', '--graphs', 'x.json'], /'--graphs <file>' cannot be used with option '--select <sel>'/],
    [['efp', '--in', jetsFile, '--out', out, '--kappa', 'pf'], /normed/],
    [['efp', '--in', jetsFile, '--out', out, '--measure', 'nope'], /--measure <name>' argument 'nope' is invalid. Allowed choices are hadr/],
    [['efp', '--in', jetsFile, '--out', out, '--beta', '-1'], /--beta/],
    [['efp', '--in', jetsFile, '--out', join(dir, 'x.txt')], /this command writes \.npy, \.npz, \.csv, \.h5/],
    [['efp', '--in', join(dir, 'missing.npz'), '--out', out], /missing/],
    [['efp-graphs', '--select', 'q<3'], /unknown column 'q'/],
  ];
  for (const [args, re] of cases) {
    const r = await cli(...args);
    const usage = /--graphs|--measure|x\.txt/.test(args.join(' '));
    t.equal(r.rc, usage ? 2 : 1, args.join(' '));
    t.match(r.err, re);
    t.equal(r.err.trim().split('\n').length, 1, 'one line');
  }
  t.notOk(existsSync(out));
});
