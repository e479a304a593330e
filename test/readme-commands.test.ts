// #21.5: the documentation is self-contained and its commands work as written.
//  1. README.md, docs/*.md and the CLI sources cite no file outside the repository, and every docs/*.md they name exists.
//  2. Every `jetlens ...` command in a fenced block of README.md or docs/*.md names a real command and real options.
//  3. The README's command-line sequence runs as written (sizes scaled down, listed below) through bash.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { commands } from '../src/cli/commands.js';

const root = join(import.meta.dirname, '..');
const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const read = (f: string) => readFileSync(join(root, f), 'utf8');

/** `jetlens ...` commands of the fenced blocks of a Markdown file (continuation lines joined, comments dropped). */
function documentedCommands(md: string): string[] {
  const out: string[] = [];
  let fenced = false;
  let pending = '';
  for (const raw of md.split('\n')) {
    if (raw.startsWith('```')) {
      fenced = !fenced;
      continue;
    }
    if (!fenced) continue;
    const line = pending + raw;
    if (line.endsWith('\\')) {
      pending = line.slice(0, -1);
      continue;
    }
    pending = '';
    const m = /^\s*(?:npx |- npx )?jetlens (.*)$/.exec(line);
    if (m) out.push(m[1].replace(/\s+#\s.*$/, '').trim());
  }
  return out;
}

t.test('docs and help cite no file outside the repository', async (t) => {
  // Every source file too: a comment pointing at a spec the user does not have is a dead end.
  const sources = ['src', 'native', 'bench', 'scripts'].flatMap((d) =>
    readdirSync(join(root, d), { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ts|mjs|js|cc|h|cu|md|sh)$/.test(f)).map((f) => `${d}/${f}`));
  for (const f of [...docs, ...sources]) {
    const text = read(f);
    t.notMatch(text, /\.\.\/shared|shared\/docs|(?<!docs\/)\bmodels\.md|(?<!docs\/)\bado\.md|stack\.md|DESIGN\.md/, `${f}: no reference to the private specs`);
    for (const [, doc] of text.matchAll(/\b(docs\/[\w.-]+\.md)\b/g)) t.ok(existsSync(join(root, doc)), `${f} names ${doc}, which exists`);
  }
});

t.test('every documented command and option exists', async (t) => {
  const program = new Command();
  for (const c of commands) (await c.load()).register(program);
  for (const f of docs) {
    for (const cmd of documentedCommands(read(f))) {
      const words = cmd.split(/\s+/);
      let sub = program.commands.find((c) => c.name() === words[0]);
      if (sub && words[1] && sub.commands.length) sub = sub.commands.find((c) => c.name() === words[1]) ?? sub;
      if (!t.ok(sub, `${f}: jetlens ${words[0]} is a command`)) continue;
      const head = cmd.split(' -- ')[0]; // run-shards: options after -- belong to the inner command
      const known = new Set(['--help', '--quiet', ...sub!.options.flatMap((o) => [o.long, o.negate ? o.long : `--no-${o.long?.slice(2)}`])]);
      for (const [flag] of head.matchAll(/(?<=\s|^)--[a-z][\w-]*/g)) t.ok(known.has(flag), `${f}: jetlens ${words[0]} knows ${flag}`);
    }
  }
});

// The README sequence at small sizes: every change from the text is listed here.
const SMALL: [RegExp, string][] = [
  [/--n 5000/, '--n 60'],
  [/--bootstrap 200/, '--bootstrap 20'],
  [/--epochs 5/, '--epochs 1'],
  [/--resamples 10/, '--resamples 2 --epochs 1'],
  [/--sizes 500,1000,2000/, '--sizes 20,40,80'],
  [/--select 'd<=5'/, "--select 'd<=3'"],
];
// Not run here (each has its own test): the main job and guide (minutes), rendering a study's report (needs one),
// the HTTP service (does not exit).
const NOT_RUN = /^(study|guide|report jetlens-study|serve)\b/;

const cli = join(root, 'dist', 'cli', 'index.js');
t.test("the README's command sequence runs as written (small sizes), CSV path included", { skip: existsSync(cli) ? false : 'dist/ not built (run npm run build)' }, async (t) => {
  const block = read('README.md').split('## Command line')[1].split('## Service')[0];
  const cmds = documentedCommands(block);
  t.ok(cmds.some((c) => c.includes('--out obs.csv')) && cmds.some((c) => c.includes('--in obs.csv')), 'the CSV path is part of the sequence');
  const dir = mkdtempSync(join(tmpdir(), 'jetlens-readme-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const c of cmds) {
    if (NOT_RUN.test(c)) continue;
    const small = SMALL.reduce((s, [re, to]) => s.replace(re, to), c);
    const r = spawnSync('bash', ['-c', `jetlens() { "${process.execPath}" "${cli}" "$@"; }; jetlens ${small} --quiet`], { cwd: dir, encoding: 'utf8' });
    t.equal(r.status, 0, `jetlens ${small}\n${r.stderr}`);
  }
  t.ok(existsSync(join(dir, 'efp.npy')) && !existsSync(join(dir, 'efp.shard-0-of-4.npy')), 'run-shards merged and cleaned up');
});
