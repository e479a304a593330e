import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Runs the compiled CLI (npm install/ci compiles it) as separate processes, as a scheduler would.
const cli = join(import.meta.dirname, '..', 'dist', 'cli', 'index.js');
const dir = mkdtempSync(join(tmpdir(), 'jetlens-shardcli-'));
const run = (...args: string[]) => execFileSync(process.execPath, [cli, ...args, '--quiet'], { cwd: dir, stdio: 'pipe' }).toString();

t.test('4 shards in 2 local processes merge to the unsharded bytes', { skip: existsSync(cli) ? false : 'dist/ not built (run npm install)' }, async (t) => {
  run('generate', '--signal', 'w', '--background', 'qcd', '--n', '300', '--seed', '3', '--out', 'jets.npz');
  for (const ext of ['npz', 'csv']) {
    run('observables', '--in', 'jets.npz', '--out', `whole.${ext}`);
    run('run-shards', '--shards', '4', '--jobs', '2', '--out', `merged.${ext}`, '--', 'observables', '--in', 'jets.npz');
    t.same(readFileSync(join(dir, `merged.${ext}`)), readFileSync(join(dir, `whole.${ext}`)), `observables .${ext}: identical bytes`);
  }
  const m = JSON.parse(readFileSync(join(dir, 'merged.shard-1-of-4.npz.manifest.json'), 'utf8'));
  t.same(m.rows, [150, 300]);
  t.same(m.shard, { k: 1, n: 4 });
  t.match(m.input.sha256, /^[0-9a-f]{64}$/);
  // Re-running a finished shard is a no-op; merging with a part missing is refused.
  const again = execFileSync(process.execPath, [cli, 'observables', '--in', 'jets.npz', '--out', 'merged.shard-1-of-4.npz', '--shard', '1/4'], { cwd: dir }).toString();
  t.equal(again, '');
  t.throws(() => run('merge', 'merged.shard-0-of-4.npz', 'merged.shard-1-of-4.npz', '--out', 'bad.npz'), /missing shard/);
});
