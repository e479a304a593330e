// Issue #24 item 2: no run may write over one of its inputs (symlinks, sidecars, manifests and merge parts included).
import t from 'tap';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JetBatch } from '../src/jets/batch.js';
import { writeJets } from '../src/io/index.js';
import { refuseOverwrite } from '../src/io/paths.js';
import { register as efpCli } from '../src/cli/efp.js';
import { register as obsCli } from '../src/cli/observables.js';
import { register as shardCli } from '../src/cli/shards.js';
import { validateJob } from '../src/queue/job.js';
import { redactRedisUrl } from '../src/queue/connection.js';
import { runCli } from './fixtures/cli.js';
import { tempDir } from './fixtures/tmp.js';

const dir = tempDir('jetlens-overwrite-');
const jets = JetBatch.fromNested([[[10, 0.1, 0.2], [5, -0.1, 0.3]], [[3, 0, -1], [2, 0.2, -1.1]]], { labels: [1, 0] });
const p = (f: string) => join(dir, f);

t.before(async () => {
  await writeJets(p('jets.npy'), jets);
  await writeJets(p('jets.npz'), jets);
  await writeJets(p('side.json'), jets); // JSONL input named like efp's column sidecar for --out side.npy
  symlinkSync(p('jets.npz'), p('link.npz'));
});

const unchanged = (t: { same: (a: unknown, b: unknown, m: string) => void }, f: string, before: Buffer) => t.same(readFileSync(f), before, `${f} is untouched`);

t.test('CLI: --out onto --in (directly, through a symlink, or through the sidecar) exits 1 and writes nothing', async (t) => {
  for (const [cli, args, victim] of [
    [efpCli, ['efp', '--in', p('jets.npy'), '--out', p('jets.npy'), '--select', 'd<=2'], 'jets.npy'],
    [obsCli, ['observables', '--in', p('jets.npz'), '--out', p('link.npz')], 'jets.npz'],
    [obsCli, ['observables', '--in', p('jets.npz'), '--out', join(dir, '.', '..', dir.split('/').pop()!, 'jets.npz')], 'jets.npz'],
    [efpCli, ['efp', '--in', p('side.json'), '--out', p('side.npy'), '--select', 'd<=2'], 'side.json'],
  ] as const) {
    const before = readFileSync(p(victim));
    const r = await runCli([cli], [...args]);
    t.equal(r.code, 1, args.join(' '));
    t.match(r.err, /refusing to write over the input/, 'says why');
    unchanged(t, p(victim), before);
  }
  const ok = await runCli([efpCli], ['efp', '--in', p('jets.npz'), '--out', p('efp.npy'), '--select', 'd<=2']);
  t.equal(ok.code, 0, 'a distinct output still works');
});

t.test('merge --out onto one of its parts is refused before anything is read or written', async (t) => {
  for (const k of [0, 1]) {
    const r = await runCli([efpCli], ['efp', '--in', p('jets.npz'), '--out', p(`part${k}.npy`), '--select', 'd<=2', '--shard', `${k}/2`]);
    t.equal(r.code, 0, `shard ${k}`);
  }
  const before = readFileSync(p('part0.npy'));
  const r = await runCli([shardCli], ['merge', p('part0.npy'), p('part1.npy'), '--out', p('part0.npy')]);
  t.equal(r.code, 1);
  t.match(r.err, /part0\.npy.*refusing to write over the input/);
  unchanged(t, p('part0.npy'), before);
  const m = await runCli([shardCli], ['merge', p('part0.npy'), p('part1.npy'), '--out', p('merged.npy')]);
  t.equal(m.code, 0, 'merging elsewhere works');
});

t.test('refuseOverwrite: hard links and two outputs that are one file', async (t) => {
  const { linkSync } = await import('node:fs');
  linkSync(p('jets.npy'), p('hard.npy'));
  t.throws(() => refuseOverwrite([p('jets.npy')], [p('hard.npy')]), /refusing to write over the input/);
  t.throws(() => refuseOverwrite([p('jets.npy')], [p('a.npy'), join(dir, '.', 'a.npy')]), /two outputs of this run are the same file/);
  t.doesNotThrow(() => refuseOverwrite([p('jets.npy')], [p('new.npy'), p('new.json')]));
});

t.test('queue jobs: output onto the input or outside --output-root is invalid (dead-lettered, not run)', async (t) => {
  t.throws(() => validateJob({ command: 'efp', input: p('jets.npy'), output: p('jets.npy') }), { name: 'JobValidationError', message: /refusing to write over the input/ });
  t.throws(() => validateJob({ command: 'efp', input: p('side.json'), output: p('side.npy') }), /refusing to write over the input/, 'the sidecar');
  mkdirSync(p('root'));
  symlinkSync(tmpdir(), p('root/escape'));
  const ok = validateJob({ command: 'observables', input: p('jets.npz'), output: p('root/sub/o.csv') }, { outputRoot: p('root') });
  t.equal(ok.output, p('root/sub/o.csv'));
  for (const out of [p('o.csv'), p('root/../o.csv'), p('root/escape/o.csv'), '/etc/o.csv']) {
    t.throws(() => validateJob({ command: 'observables', input: p('jets.npz'), output: out }, { outputRoot: p('root') }), /outside the worker's output root/, out);
  }
});

t.test('the Redis password is never printed', async (t) => {
  t.equal(redactRedisUrl('redis://user:s3cret@host:6380/2'), 'redis://user:***@host:6380/2');
  t.equal(redactRedisUrl('redis://:s3cret@host'), 'redis://:***@host');
  t.equal(redactRedisUrl('redis://host:6379'), 'redis://host:6379');
  t.notMatch(redactRedisUrl('redis://u:pa ss@h'), /pa ss/);
});
