// docs/architecture.md stays true: every op of the registry has a row, every relative link points at a file, and
// core folders never import a study (studies sit on top of core, not inside it).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { OP_NAMES } from '../src/backend/kernel-names.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');

t.test('every op has a row in the architecture table', async (t) => {
  for (const op of OP_NAMES) t.match(doc, new RegExp(`^\\| \`${op.replace('.', '\\.')}\` \\|`, 'm'), op);
});

t.test('every relative link in docs/architecture.md exists', async (t) => {
  const links = [...doc.matchAll(/\]\((\.\.\/[^)#]+)\)/g)].map((m) => m[1]);
  t.ok(links.length > 30, `${links.length} links`);
  for (const l of new Set(links)) t.ok(existsSync(resolve(root, 'docs', l)), l);
});

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

t.test('core folders do not import studies', async (t) => {
  const core = ['backend', 'efp', 'io', 'jets', 'jss', 'metrics', 'models', 'semd', 'util', 'report'];
  const bad: string[] = [];
  for (const c of core) {
    for (const f of tsFiles(join(root, 'src', c))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        if (m[1].startsWith('.') && resolve(dirname(f), m[1]).startsWith(join(root, 'src', 'studies'))) bad.push(`${relative(root, f)} -> ${m[1]}`);
      }
    }
  }
  t.same(bad, [], 'no core -> studies import');
});

t.test('light CLI commands do not load training code (lazy command loading)', async (t) => {
  for (const f of ['predict.ts', 'uncertainty.ts', 'efp.ts', 'observables.ts']) {
    const src = readFileSync(join(root, 'src', 'cli', f), 'utf8');
    t.notMatch(src, /from '\.\/train\.js'/, `src/cli/${f} does not import ./train.js`);
  }
});
