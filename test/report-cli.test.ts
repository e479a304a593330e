// `jetlens report RUN_DIR [--no-png] [--embed png]`, run in-process through commander.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { runCli } from './fixtures/cli.js';
import { register } from '../src/cli/report.js';
import { cliState } from '../src/cli/util.js';
import { writeReportJson } from '../src/report/index.js';
import { demoSections } from './fixtures/report-demo.js';

/** Runs the command; returns what it printed and the exit code it set. */
async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  const r = await runCli([register], ['report', ...args]);
  return { ...r, out: r.out.replace(/\n$/, '') };
}

t.test('renders a run directory; --no-png writes SVG only', async (t) => {
  cliState.quiet = true;
  const dir = await mkdtemp(path.join(tmpdir(), 'jetlens-report-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeReportJson(dir, demoSections().slice(0, 5));
  const r = await run([dir, '--no-png']);
  t.equal(r.code, 0, r.err);
  t.equal(r.out.trim(), path.resolve(dir, 'index.html'), 'prints the page path');
  const figs = (await readdir(path.join(dir, 'figures'))).filter((f) => !f.startsWith('efp-')); // EFP drawings: report-render
  t.same(figs.filter((f) => f.endsWith('.png')), []);
  t.equal(figs.filter((f) => f.endsWith('.svg')).length, 3);
  const png = await run([dir, '--embed', 'png']);
  t.equal(png.code, 0, png.err);
  t.equal((await readdir(path.join(dir, 'figures'))).filter((f) => !f.startsWith('efp-')).length, 6, 'stale figures replaced, PNG added');
});

t.test('bad input: one-line error and exit code 1 (usage: 2)', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'jetlens-report-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const none = await run([dir]);
  t.equal(none.code, 1);
  t.match(none.err, /^jetlens: error: .*no report\.json in run directory.*\n$/);
  const embed = await run([dir, '--embed', 'jpeg']);
  t.equal(embed.code, 2, 'usage error');
  t.match(embed.err, /--embed <kind>' argument 'jpeg' is invalid. Allowed choices are svg, png/);
});
