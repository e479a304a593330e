// The four SEMD commands end to end (through commander, in process): outputs match the library API.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { runCli } from './fixtures/cli.js';
import { register as registerKnn } from '../src/cli/knn.js';
import { register as registerNn } from '../src/cli/nn-scaling.js';
import { register as registerSemd } from '../src/cli/semd.js';
import { register as registerSmear } from '../src/cli/smear.js';
import { cliState } from '../src/cli/util.js';
import { readArray, writeJets } from '../src/io/index.js';
import { JetBatch } from '../src/jets/batch.js';
import { semdCross, semdMatrix } from '../src/semd/distance.js';
import { semdKnn } from '../src/semd/knn.js';
import { randomJets } from './fixtures/semd-jets.js';
import { tempDir } from './fixtures/tmp.js';

cliState.quiet = true;
const dir = tempDir('jetlens-semd-cli-');

async function run(...args: string[]): Promise<number> {
  const r = await runCli([registerSemd, registerKnn, registerSmear, registerNn], args);
  process.stderr.write(r.err); // callers read stderr themselves
  return r.code;
}

t.test('semd, knn, smear, nn-scaling', async (t) => {
  const jets = randomJets(2, 300, 1, 20);
  const b = JetBatch.fromNested(jets, { labels: jets.map((j) => (j.length > 10 ? 1 : 0)) });
  const b2 = JetBatch.fromNested(randomJets(3, 40, 1, 35));
  const f1 = join(dir, 'a.npz'), f2 = join(dir, 'b.npz');
  await writeJets(f1, b);
  await writeJets(f2, b2);

  t.equal(await run('semd', '--in', f1, '--out', join(dir, 'd.npy'), '--scale', '2'), 0);
  const d = await readArray(join(dir, 'd.npy'));
  const ref = await semdMatrix(b, { scale: 2 });
  t.same(d.shape, [300, 300]);
  t.ok((d.data as Float64Array).every((v, i) => v === ref.data[i]), 'pairwise matrix as the API');
  t.equal(await run('semd', '--in', f1, '--in2', f2, '--out', join(dir, 'c.npy'), '--energy', 'raw'), 0);
  const c = await readArray(join(dir, 'c.npy'));
  const cref = await semdCross(b, b2, { energy: 'raw' });
  t.same(c.shape, [300, 40]);
  t.ok((c.data as Float64Array).every((v, i) => v === cref.data[i]), 'cross matrix (files padded differently)');

  t.equal(await run('knn', '--in', f1, '--k', '4', '--out', join(dir, 'nn.npz'), '--threads', '2'), 0);
  const idx = await readArray(`${join(dir, 'nn.npz')}:index`);
  const dist = await readArray(`${join(dir, 'nn.npz')}:distance`);
  const kref = await semdKnn(b, { k: 4, backend: 'reference' });
  t.same(idx.shape, [300, 4]);
  t.same(Array.from(idx.data as Int32Array), Array.from(kref.index), 'knn index as brute force');
  t.ok((dist.data as Float64Array).every((v, i) => Math.abs(v - kref.distance[i]) <= 1e-12 * v), 'knn distance');

  t.equal(await run('smear', '--in', f1, '--eps', '0.05,0.01,0.2', '--out', join(dir, 's.json'), '--bootstrap', '20'), 0);
  const s = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'));
  t.same(s.results.map((r: { eps: number }) => r.eps), [0.05, 0.01, 0.2]);
  t.ok(s.results.every((r: { auc: number; auc_err: number; empty_fraction: number }) => r.auc >= 0 && r.auc <= 1 && r.auc_err >= 0 && r.empty_fraction >= 0));
  t.equal(s.settings.evaluation, 'leave-one-out');
  t.equal(await run('smear', '--in', f1, '--test', f1, '--out', join(dir, 's2.json'), '--bootstrap', '5'), 0);
  t.equal(JSON.parse(readFileSync(join(dir, 's2.json'), 'utf8')).results.length, 24, 'default grid');

  t.equal(await run('nn-scaling', '--in', f1, '--sizes', '50,100,250', '--repeats', '2', '--out', join(dir, 'e.json')), 0);
  const e = JSON.parse(readFileSync(join(dir, 'e.json'), 'utf8'));
  t.same(e.sizes.map((x: { N: number }) => x.N), [50, 100, 250]);
  t.ok(e.sizes.every((x: { exponent: { label: string }; weibull_label: string }) => /conditional/.test(x.exponent.label) && /secondary/.test(x.weibull_label)));
  t.ok(Number.isFinite(e.power_law.inv_a) && e.local_slopes.length === 2);

  // Bad input: one line on stderr, exit code 1.
  const write = process.stderr.write.bind(process.stderr);
  let err = '';
  process.stderr.write = ((m: string) => ((err += m), true)) as typeof process.stderr.write;
  try {
    t.equal(await run('knn', '--in', f1, '--k', '300', '--out', join(dir, 'x.npz')), 1);
    t.equal(await run('nn-scaling', '--in', f1, '--sizes', '5000', '--out', join(dir, 'x.json')), 1);
    t.equal(await run('smear', '--in', f2, '--out', join(dir, 'x.json')), 1);
  } finally {
    process.stderr.write = write;
  }
  t.match(err, /k must be an integer in \[1, N - 1 = 299\]/);
  t.match(err, /sizes: 5000/);
  t.match(err, /labels are required/);
});
