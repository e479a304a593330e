import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './fixtures/tmp.js';

// Runs the compiled CLI (npm install/ci compiles it) as separate processes, as a scheduler would.
const cli = join(import.meta.dirname, '..', 'dist', 'cli', 'index.js');
const dir = tempDir('jetlens-shardcli-');
const run = (...args: string[]) => execFileSync(process.execPath, [cli, ...args, '--quiet'], { cwd: dir, stdio: 'pipe' }).toString();

t.test('4 shards in 2 local processes merge to the unsharded bytes (observables, efp, images, predict, knn)', { skip: existsSync(cli) ? false : 'dist/ not built (run npm install)' }, async (t) => {
  run('generate', '--signal', 'w', '--background', 'qcd', '--n', '300', '--seed', '3', '--out', 'jets.npz');
  for (const ext of ['npz', 'csv']) {
    run('observables', '--in', 'jets.npz', '--out', `whole.${ext}`);
    const keep = ext === 'npz' ? ['--keep-parts'] : []; // the npz parts are checked below
    run('run-shards', '--shards', '4', '--jobs', '2', ...keep, '--out', `merged.${ext}`, '--', 'observables', '--in', 'jets.npz');
    t.same(readFileSync(join(dir, `merged.${ext}`)), readFileSync(join(dir, `whole.${ext}`)), `observables .${ext}: identical bytes`);
  }
  t.notOk(existsSync(join(dir, 'merged.shard-0-of-4.csv')) || existsSync(join(dir, 'merged.shard-0-of-4.csv.manifest.json')), 'parts removed without --keep-parts');
  run('efp', '--in', 'jets.npz', '--out', 'whole.npy', '--select', 'd<=3', '--kappa', '0.5', '--beta', '2');
  run('run-shards', '--shards', '4', '--jobs', '2', '--out', 'merged.npy', '--', 'efp', '--in', 'jets.npz', '--select', 'd<=3', '--kappa', '0.5', '--beta', '2');
  t.same(readFileSync(join(dir, 'merged.npy')), readFileSync(join(dir, 'whole.npy')), 'efp .npy: identical bytes');
  t.same(readFileSync(join(dir, 'merged.json')), readFileSync(join(dir, 'whole.json')), 'efp sidecar: identical');
  t.notOk(existsSync(join(dir, 'merged.shard-3-of-4.npy')) || existsSync(join(dir, 'merged.shard-3-of-4.json')), 'efp parts and their sidecars removed');
  run('images', '--in', 'jets.npz', '--out', 'img-whole.npy', '--npix', '9');
  run('run-shards', '--shards', '4', '--jobs', '2', '--out', 'img-merged.npy', '--', 'images', '--in', 'jets.npz', '--npix', '9');
  t.same(readFileSync(join(dir, 'img-merged.npy')), readFileSync(join(dir, 'img-whole.npy')), 'images .npy: identical bytes');
  run('observables', '--in', 'jets.npz', '--out', 'obs.npz', '--columns', 'mass,d2_b1');
  run('train', '--model', 'dnn', '--in', 'obs.npz', '--out', 'dnn', '--epochs', '1');
  run('predict', '--model', 'dnn', '--in', 'obs.npz', '--out', 'p-whole.npy');
  run('run-shards', '--shards', '3', '--jobs', '2', '--out', 'p-merged.npy', '--', 'predict', '--model', 'dnn', '--in', 'obs.npz');
  t.same(readFileSync(join(dir, 'p-merged.npy')), readFileSync(join(dir, 'p-whole.npy')), 'predict .npy: identical bytes');
  // knn: a shard owns a slice of the queries and searches all jets.
  run('knn', '--in', 'jets.npz', '--k', '4', '--out', 'nn-whole.npz');
  run('run-shards', '--shards', '4', '--jobs', '2', '--out', 'nn-merged.npz', '--', 'knn', '--in', 'jets.npz', '--k', '4');
  t.same(readFileSync(join(dir, 'nn-merged.npz')), readFileSync(join(dir, 'nn-whole.npz')), 'knn .npz: identical bytes');
  const m = JSON.parse(readFileSync(join(dir, 'merged.shard-1-of-4.npz.manifest.json'), 'utf8'));
  t.same(m.rows, [150, 300]);
  t.same(m.shard, { k: 1, n: 4 });
  t.match(m.input.sha256, /^[0-9a-f]{64}$/);
  // Re-running a finished shard is a no-op; merging with a part missing is refused.
  const again = execFileSync(process.execPath, [cli, 'observables', '--in', 'jets.npz', '--out', 'merged.shard-1-of-4.npz', '--shard', '1/4'], { cwd: dir }).toString();
  t.equal(again, '');
  t.throws(() => run('merge', 'merged.shard-0-of-4.npz', 'merged.shard-1-of-4.npz', '--out', 'bad.npz'), /missing shard/);
});
