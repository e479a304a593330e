// Start-up (issue #20.1): `import 'jetlens'` must not load TensorFlow.js, Vega or BullMQ, and the EFP catalogue
// files and plans that ship in data/ must equal what the builder makes.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMALL_CATALOG_FILE, SMALL_DMAX, catalogPrefix, catalogToFile, defaultCatalog } from '../src/efp/catalog.js';
import { PLANS_FILE, type PlanFileEntry } from '../src/efp/cache.js';
import { buildPlan } from '../src/efp/plan.js';
import { EFPSet } from '../src/efp/efpset.js';
import { parseSelection } from '../src/efp/select.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HEAVY = /@tensorflow|[/\\]vega|bullmq|ioredis/;

/** Relative modules a source file loads eagerly (static imports and re-exports; not `import type`, not import()). */
function staticImports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const m of src.matchAll(re)) if (!m[2]) out.push(m[3]);
  return out;
}

t.test('the static import graph of src/index.ts reaches no TensorFlow.js, Vega or BullMQ', async (t) => {
  const seen = new Set<string>();
  const external = new Map<string, string>();
  const stack = [join(root, 'src', 'index.ts')];
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const spec of staticImports(f)) {
      if (spec.startsWith('.')) stack.push(resolve(dirname(f), spec.replace(/\.js$/, '.ts')));
      else external.set(spec, f);
    }
  }
  t.ok(seen.size > 20, `walked ${seen.size} source files`);
  const heavy = [...external].filter(([spec]) => HEAVY.test(spec)).map(([s, f]) => `${s} (from ${f.slice(root.length + 1)})`);
  t.same(heavy, [], 'no heavy package on the eager path');
  // the walker itself must see them where they are imported
  t.ok(staticImports(join(root, 'src', 'models', 'backend.ts')).includes('@tensorflow/tfjs'), 'the walker finds tfjs in models/backend.ts');
});

const dist = join(root, 'dist', 'index.js');
t.test('import("jetlens") at run time loads none of them (compiled dist/)', { skip: existsSync(dist) ? false : 'dist/ missing: run `npx tsc -p tsconfig.json`' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jetlens-startup-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'imports.log');
  const hooks = join(root, 'test', 'fixtures', 'import-hooks.mjs');
  const script = `const m = await import('jetlens');
    const { createRequire } = await import('node:module');
    const cjs = Object.keys(createRequire(import.meta.url).cache);
    new m.EFPSet('d<=3');
    console.log(JSON.stringify({ n: Object.keys(m).length, cjs }));`;
  const env = { ...process.env, JETLENS_IMPORT_LOG: log, JETLENS_SKIP_NATIVE: '1' };
  const out = JSON.parse(execFileSync(process.execPath, ['--import', hooks, '--input-type=module', '-e', script], { cwd: root, env, encoding: 'utf8' }).trim().split('\n').pop()!) as { n: number; cjs: string[] };
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  t.ok(urls.some((u) => u.endsWith('/dist/index.js')), 'jetlens resolved to dist/index.js');
  t.ok(out.n > 50, `${out.n} exports`);
  t.same(urls.filter((u) => HEAVY.test(u)), [], 'no heavy ESM module resolved');
  t.same(out.cjs.filter((u) => HEAVY.test(u)), [], 'no heavy CommonJS module loaded');
  // the lazy facade does load them when asked
  const script2 = `const m = await import('jetlens'); await m.initTf({ backend: 'cpu' }); const mk = m.createModel('dnn', { nFeatures: 3 }); console.log(typeof mk);`;
  const out2 = execFileSync(process.execPath, ['--input-type=module', '-e', script2], { cwd: root, env: { ...process.env, JETLENS_SKIP_NATIVE: '1' }, encoding: 'utf8' });
  t.match(out2, /object/, 'createModel works after initTf');
});

t.test('a synchronous model function before initTf says what to do', async (t) => {
  const lazy = await import('../src/lazy.js');
  t.throws(() => lazy.createModel('dnn'), /await initTf\(\)/);
});

t.test('the shipped d <= 7 catalogue is the prefix of the whole catalogue', async (t) => {
  const full = defaultCatalog();
  const shipped = JSON.parse(readFileSync(SMALL_CATALOG_FILE, 'utf8'));
  t.same(shipped, JSON.parse(JSON.stringify(catalogToFile(catalogPrefix(full, SMALL_DMAX)))));
  t.equal(shipped.connected.length + shipped.composites.length, 1000, 'd<=7 has 1000 graphs');
  t.equal(parseSelection('d<=7').kind === 'catalog' && parseSelection(['d<8', 'p==1']).kind === 'catalog', true);
  const dm = (s: Parameters<typeof parseSelection>[0]) => { const p = parseSelection(s); return p.kind === 'catalog' ? p.dmax : -1; };
  t.equal(dm('d<=5'), 5);
  t.equal(dm(['d<8', 'p==1']), 7);
  t.equal(dm('d==3 and c<=2'), 3);
  t.equal(dm('p==1'), Infinity);
  t.equal(dm({ d: [2, 6] }), 6);
  t.equal(dm('d>=2'), Infinity);
});

t.test('shipped plans equal the planner and are used; other selections are built and memoised', async (t) => {
  const plans = JSON.parse(readFileSync(PLANS_FILE, 'utf8')) as PlanFileEntry[];
  t.same(plans.map((p) => p.selection), ['d<=1', 'd<=2', 'd<=3', 'd<=4', 'd<=5', 'd<=6', 'd<=7']);
  for (const sel of ['d<=3', 'd<=5', 'd<=7']) {
    const set = new EFPSet(sel);
    const fresh = buildPlan(set.primes.map((p) => ({ graph: p.graph, order: p.order })), set.columns.map((c) => c.factors));
    t.same(Array.from(set.plan.program), Array.from(fresh.program), `${sel}: shipped program = planner's`);
    t.equal(set.plan.flops(50), fresh.flops(50));
    t.equal(set.plan.cost(50), fresh.cost(50));
  }
  const a = new EFPSet(['d<=4', 'c<=2']);
  const b = new EFPSet(['d<=4', 'c<=2'], { kappa: 2 });
  t.equal(a.plan, b.plan, 'same selection, one plan object');
  t.not(a.measure, b.measure);
  const explicit = new EFPSet([[[0, 1], [1, 2]], [[0, 1], [0, 1]]]);
  t.equal(explicit.length, 2);
  const jet = [[10, 0.1, 0.2], [5, -0.1, 0.05], [3, 0.2, -0.1]];
  const cat = new EFPSet('d<=2');
  // columns of d<=2 include the path graph and the double edge: values agree with the explicit selection
  const ids = cat.columns.map((c) => c.id);
  const v = cat.compute(jet);
  const e = explicit.compute(jet);
  for (const [k, col] of explicit.columns.entries()) t.ok(Math.abs(v[ids.indexOf(col.id)] - e[k]) < 1e-12, `${col.id}`);
});
