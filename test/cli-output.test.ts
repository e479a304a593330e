// #21.1: every command writes what its --out extension says or refuses it (before any work) listing what it can
// write; tables come out as .npy/.npz/.csv/.h5 with the labels carried; obs.csv feeds `train --model dnn` directly.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './fixtures/cli.js';
import { cliState } from '../src/cli/util.js';
import { register as efp } from '../src/cli/efp.js';
import { register as images } from '../src/cli/images.js';
import { register as knn } from '../src/cli/knn.js';
import { register as nnScaling } from '../src/cli/nn-scaling.js';
import { register as observables } from '../src/cli/observables.js';
import { register as predict } from '../src/cli/predict.js';
import { register as semd } from '../src/cli/semd.js';
import { register as smear } from '../src/cli/smear.js';
import { register as train } from '../src/cli/train.js';
import { readArray, readTable, writeJets } from '../src/io/index.js';
import { generateMixture } from '../src/jets/generator/index.js';

const dir = mkdtempSync(join(tmpdir(), 'jetlens-out-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
cliState.quiet = true;
const p = (f: string) => join(dir, f);
const run = (...args: string[]) => runCli([efp, images, knn, nnScaling, observables, predict, semd, smear, train], args);
const jets = p('t.npz');

/** What the file's first bytes say it is. */
function magic(file: string): string {
  const b = readFileSync(file);
  if (b.subarray(1, 6).toString() === 'NUMPY') return 'npy';
  if (b[0] === 0x50 && b[1] === 0x4b) return 'npz';
  if (b.subarray(1, 4).toString() === 'HDF') return 'h5';
  if (b[0] === 0x7b) return 'json';
  return 'csv';
}

t.before(async () => {
  await writeJets(jets, generateMixture({ signal: 'w', background: 'qcd', n: 20, seed: 2 }));
});

const refusals: [string[], string][] = [
  [['semd', '--in', jets, '--out', p('d.txt')], '.npy, .npz, .csv, .h5'],
  [['knn', '--in', jets, '--k', '2', '--out', p('nn.npy')], '.npz, .csv, .h5'],
  [['predict', '--model', p('nomodel'), '--in', jets, '--out', p('pr.json')], '.npy, .npz, .csv, .h5'],
  [['smear', '--in', jets, '--out', p('sm.npy')], '.json, .csv, .npz, .h5'],
  [['nn-scaling', '--in', jets, '--sizes', '10,20', '--out', p('e.csv')], '.json'],
  [['observables', '--in', jets, '--out', p('o.npy')], '.csv, .npz, .h5'],
  [['efp', '--in', jets, '--out', p('e.txt')], '.npy, .npz, .csv, .h5'],
  [['images', '--in', jets, '--out', p('i.csv')], '.npy, .npz, .h5'],
];
for (const [args, formats] of refusals) {
  t.test(`${args[0]} refuses ${args[args.length - 1].replace(/.*\./, '.')} listing ${formats}`, async (t) => {
    const r = await run(...args);
    t.equal(r.code, 2, 'usage error');
    t.match(r.err, `this command writes ${formats}`);
    t.notOk(existsSync(args[args.length - 1]), 'nothing written');
  });
}

t.test('semd: .npy, .npz, .csv, .h5 hold the same matrix', async (t) => {
  const got: Record<string, number[]> = {};
  for (const ext of ['npy', 'npz', 'csv', 'h5']) {
    const f = p(`d.${ext}`);
    const r = await run('semd', '--in', jets, '--out', f);
    t.equal(r.code, 0, r.err);
    t.equal(magic(f), ext);
    if (ext === 'csv') {
      const tab = await readTable(f);
      t.equal(Object.keys(tab).length, 40);
      got[ext] = Array.from(tab['3']);
    } else {
      const a = await readArray(ext === 'npy' ? f : `${f}:distance`);
      t.same(a.shape, [40, 40]);
      got[ext] = Array.from({ length: 40 }, (_, i) => a.data[i * 40 + 3] as number);
    }
  }
  t.same(got.csv, got.npy, 'CSV column 3 = matrix column 3, full precision');
  t.same(got.npz, got.npy);
  t.same(got.h5, got.npy);
});

t.test('knn and smear tables', async (t) => {
  t.equal((await run('knn', '--in', jets, '--k', '3', '--out', p('nn.csv'))).code, 0);
  const tab = await readTable(p('nn.csv'));
  t.same(Object.keys(tab), ['index_0', 'index_1', 'index_2', 'distance_0', 'distance_1', 'distance_2']);
  t.equal((await run('knn', '--in', jets, '--k', '3', '--out', p('nn.h5'))).code, 0);
  t.same(Array.from((await readArray(`${p('nn.h5')}:index`)).data, Number).slice(0, 3), Array.from(tab.index_0.slice(0, 1)).concat(Array.from(tab.index_1.slice(0, 1)), Array.from(tab.index_2.slice(0, 1))));
  const r = await run('smear', '--in', jets, '--eps', '0.1,0.3', '--bootstrap', '5', '--out', p('sm.csv'));
  t.equal(r.code, 0, r.err);
  const sm = await readTable(p('sm.csv'));
  t.same(Object.keys(sm), ['eps', 'eps_gev', 'auc', 'auc_err', 'empty_fraction', 'resolved_fraction', 'flagged', 'mean_ball']);
  t.same(Array.from(sm.eps), [0.1, 0.3]);
  t.equal((await run('smear', '--in', jets, '--eps', '0.1', '--bootstrap', '5', '--out', p('sm.json'))).code, 0);
  t.equal(magic(p('sm.json')), 'json');
});

t.test('observables carry the labels in every table format; obs.csv trains a dnn; predict writes tables', async (t) => {
  for (const ext of ['csv', 'npz', 'h5']) {
    const f = p(`obs.${ext}`);
    const r = await run('observables', '--in', jets, '--out', f, '--columns', 'mass,c2_b1,tau21_b1');
    t.equal(r.code, 0, r.err);
    t.equal(magic(f), ext);
    const tab = await readTable(f);
    t.same(Object.keys(tab).sort(), ['c2_b1', 'mass', 'tau21_b1', 'y']);
    t.equal(tab.y.reduce((a, b) => a + b, 0), 20, 'balanced labels (20 per class)');
  }
  let r = await run('train', '--model', 'dnn', '--in', p('obs.csv'), '--out', p('dnn'), '--epochs', '1');
  t.equal(r.code, 0, r.err);
  r = await run('train', '--model', 'dnn', '--in', p('obs.csv'), '--labels', `${jets}:y`, '--out', p('dnn2'), '--epochs', '1');
  t.equal(r.code, 0, `--labels FILE:COLUMN for the dnn: ${r.err}`);
  r = await run('predict', '--model', p('dnn'), '--in', p('obs.csv'), '--out', p('pr.csv'));
  t.equal(r.code, 0, r.err);
  const pr = await readTable(p('pr.csv'));
  t.same(Object.keys(pr), ['score', 'y']);
  t.equal(pr.score.length, 40);
  r = await run('predict', '--model', p('dnn'), '--in', p('obs.csv'), '--out', p('pr.npy'));
  t.same(Array.from((await readArray(p('pr.npy'))).data as ArrayLike<number>), Array.from(pr.score));
});

t.test('efp and images: tables with labels, sidecar next to any extension', async (t) => {
  let r = await run('efp', '--in', jets, '--select', 'd<=2', '--out', p('efp.csv'));
  t.equal(r.code, 0, r.err);
  t.ok(existsSync(p('efp.json')));
  const tab = await readTable(p('efp.csv'));
  const k = JSON.parse(readFileSync(p('efp.json'), 'utf8')).columns.length;
  t.same(Object.keys(tab), [...Array.from({ length: k }, (_, i) => `efp_${i}`), 'y']);
  r = await run('efp', '--in', jets, '--select', 'd<=2', '--out', p('efp.npy'));
  const a = await readArray(p('efp.npy'));
  t.same(a.shape, [40, k]);
  t.same(Array.from({ length: 40 }, (_, i) => a.data[i * k + 2]), Array.from(tab.efp_2));
  r = await run('images', '--in', jets, '--npix', '5', '--out', p('im.npz'));
  t.equal(r.code, 0, r.err);
  t.same((await readArray(`${p('im.npz')}:images`)).shape, [40, 5, 5]);
  t.equal((await readArray(`${p('im.npz')}:y`)).shape[0], 40);
});
