// `jetlens efp` runs from one bundled file (dist/cli/efp-main.bundle.js, scripts/bundle-cli.js) when the build made
// it: the bundle must give the same bytes, messages and exit codes as the unbundled modules, and a bundle older than
// the compiled efp-main.js (a `tsc` run without the bundling step) must be left unused.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './fixtures/tmp.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'cli', 'efp-main.bundle.js');
const hooks = join(root, 'test', 'fixtures', 'import-hooks.mjs');
const input = join(root, 'test', 'fixtures', 'qg_small_X.npy');
// `tsc` alone (run-tests.js after a src/ edit) leaves the bundle older than efp-main.js, hence unused: skip then
const fresh = existsSync(bundle) && statSync(bundle).mtimeMs >= statSync(join(root, 'dist', 'cli', 'efp-main.js')).mtimeMs;
const skip = fresh ? false : 'dist/cli/efp-main.bundle.js missing or older than dist/: run `npm run build`';

/** `jetlens ...` from `cliRoot` (default: this checkout); which modules it resolved, its output and exit code. */
function jetlens(args: string[], env: Record<string, string> = {}, cliRoot = root) {
  const dir = tempDir('jetlens-bundle-log-');
  const log = join(dir, 'imports.log');
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', hooks, join(cliRoot, 'dist', 'cli', 'index.js'), ...args], {
    cwd: root, encoding: 'utf8', env: { ...process.env, JETLENS_IMPORT_LOG: log, ...env },
  });
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return { code: r.status, out: r.stdout, err: r.stderr, bundled: urls.some((u) => u.endsWith('/efp-main.bundle.js')), modules: urls.length };
}

t.test('the bundle computes the same bytes as the modules, and loads far fewer of them', { skip }, async (t) => {
  const dir = tempDir('jetlens-bundle-');
  const args = (out: string) => ['efp', '--in', input, '--out', join(dir, out), '--select', 'd<=4', '--kappa', '2', '--beta', '0.5', '--order', 'energyflow', '--quiet'];
  const b = jetlens(args('b.npy'));
  const u = jetlens(args('u.npy'), { JETLENS_CLI_BUNDLE: '0' });
  t.equal(b.code, 0, b.err);
  t.equal(u.code, 0, u.err);
  t.ok(b.bundled, 'the bundle ran');
  t.notOk(u.bundled, 'JETLENS_CLI_BUNDLE=0: the modules ran');
  t.ok(b.modules * 3 < u.modules, `${b.modules} modules resolved with the bundle, ${u.modules} without`);
  t.ok(readFileSync(join(dir, 'b.npy')).equals(readFileSync(join(dir, 'u.npy'))), 'same .npy bytes');
  t.equal(readFileSync(join(dir, 'b.json'), 'utf8'), readFileSync(join(dir, 'u.json'), 'utf8'), 'same sidecar');
});

t.test('the same messages and exit codes for bad input, usage errors and help', { skip }, async (t) => {
  const cases = [
    ['efp', '--in', join(root, 'no-such-file.npy'), '--out', join(tempDir('jetlens-bundle-'), 'x.npy')],
    ['efp', '--in', input, '--out', 'x.npy', '--select', 'd<=two'],
    ['efp', '--no-such-option'],
    ['efp', '--help'],
    ['efp-graphs', '--select', 'd<=2'],
  ];
  for (const args of cases) {
    const b = jetlens(args);
    const u = jetlens(args, { JETLENS_CLI_BUNDLE: '0' });
    t.ok(b.bundled && !u.bundled, `${args[0]} ${args[1]}: bundle used only where allowed`);
    t.same([b.code, b.out, b.err], [u.code, u.out, u.err], `${args.slice(0, 2).join(' ')}: exit ${u.code}, same stdout and stderr`);
  }
});

t.test('a bundle older than the compiled efp-main.js is not used', { skip }, async (t) => {
  // a copy of dist/ beside links to the rest, so changing file times here cannot disturb other tests
  const copy = tempDir('jetlens-bundle-copy-');
  cpSync(join(root, 'dist'), join(copy, 'dist'), { recursive: true });
  for (const f of ['build', 'data', 'node_modules', 'package.json']) if (existsSync(join(root, f))) symlinkSync(join(root, f), join(copy, f));
  const cli = join(copy, 'dist', 'cli');
  const graphs = ['efp-graphs', '--select', 'd<=1'];
  utimesSync(join(cli, 'efp-main.js'), new Date(), new Date(Date.now() + 60e3));
  const stale = jetlens(graphs, {}, copy);
  t.equal(stale.code, 0, stale.err);
  t.notOk(stale.bundled, 'stale bundle: the modules ran');
  utimesSync(join(cli, 'efp-main.bundle.js'), new Date(), new Date(Date.now() + 120e3));
  const again = jetlens(graphs, {}, copy);
  t.ok(again.bundled, 'rebuilt bundle: used again');
  t.equal(again.out, stale.out, 'same output');
});
