// #21.5: usage errors exit 2 (commander's own and ours), bad data exits 1 with the flag named, help exits 0;
// `info` lists every problem it finds. Runs the compiled CLI as a user would.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy, writeNpz } from '../src/io/index.js';

const cli = join(import.meta.dirname, '..', 'dist', 'cli', 'index.js');
const dir = mkdtempSync(join(tmpdir(), 'jetlens-usage-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const skip = existsSync(cli) ? false : 'dist/ not built (run npm run build)';
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

t.test('exit codes: 0 help, 2 usage, 1 bad data (with the flag named)', { skip }, async (t) => {
  t.equal(run('efp', '--help').code, 0);
  t.equal(run('--version').code, 0);
  const unknown = run('efp', '--in', 'x.npz', '--out', 'e.npy', '--nope');
  t.equal(unknown.code, 2, 'unknown option');
  t.match(unknown.err, /unknown option '--nope'/);
  t.equal(run('auc', '--scores', 's.npy').code, 2, 'missing required option');
  t.equal(run('knn', '--in', 'x.npz', '--k', 'many', '--out', 'n.npz').code, 2, 'bad number');
  t.equal(run('semd', '--in', 'x.npz', '--out', 'd.txt').code, 2, 'unwritable extension');
  t.equal(run('no-such-command').code, 2);
  await writeNpy(join(dir, 's.npy'), { data: Float64Array.of(0.1, 0.9), shape: [2] });
  const missing = run('auc', '--scores', 's.npy', '--labels', 'nolabels.npz:y');
  t.equal(missing.code, 1);
  t.match(missing.err, /^jetlens: error: --labels nolabels\.npz: no such file\n$/, 'library error prefixed with its flag, one line');
});

t.test('info lists every problem of a file that does not load', { skip }, async (t) => {
  // 3 jets x 2 particles: a negative pT, a NaN rapidity, phi in degrees twice, a label 2.
  const X = Float64Array.of(10, 0, 0, -1, 0, 0, /**/ 5, NaN, 0, 4, 0, 90, /**/ 3, 0, 180, 0, 0, 0);
  await writeNpz(join(dir, 'bad.npz'), { X: { data: X, shape: [3, 2, 3] }, y: { data: Float64Array.of(0, 1, 2), shape: [3] } });
  const r = run('info', 'bad.npz');
  t.equal(r.code, 1);
  t.match(r.out, /1 x negative pT \(first: jet 0, particle 1\)/);
  t.match(r.out, /1 x non-finite rapidity \(first: jet 1, particle 0\)/);
  t.match(r.out, /2 x \|phi\| > 3 pi .*\(first: jet 1, particle 1\)/);
  t.match(r.out, /1 x label not 0 or 1 \(first: jet 2\)/);
  t.match(r.err, /4 kind\(s\) of problem/);
});
