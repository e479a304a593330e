import t from 'tap';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

// #20 (perf): the service must not read the full d <= 10 EFP catalogue at start or for d <= 7 selections; it reads
// the small d <= 7 prefix, and the full file only for a selection that reaches past d = 7 (then once, cached).
const read: string[] = [];
const orig = fs.readFileSync;
fs.readFileSync = ((p: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
  read.push(String(p));
  return (orig as (...a: unknown[]) => unknown)(p, ...rest);
}) as typeof fs.readFileSync;
syncBuiltinESMExports();

const { CATALOG_FILE, SMALL_CATALOG_FILE } = await import('../src/efp/catalog.js');
const { defaultOps, warmUp } = await import('../src/serve/ops.js');
const { generateMixture } = await import('../src/jets/generator/index.js');
const fullReads = () => read.filter((p) => p === CATALOG_FILE).length;

t.test('serve ops: lazy catalogue', { skip: fs.existsSync(SMALL_CATALOG_FILE) ? false : 'no shipped d<=7 catalogue' }, async (t) => {
  warmUp();
  t.ok(read.includes(SMALL_CATALOG_FILE), 'warm-up reads the d<=7 prefix');
  t.equal(fullReads(), 0, 'warm-up does not read the d<=10 catalogue');
  const jets = generateMixture({ signal: 'w', background: 'qcd', n: 2, seed: 1 });
  const ac = new AbortController();
  const r = (await defaultOps.efp(jets, { select: 'd<=4' }, ac.signal)) as { columns: unknown[] };
  t.ok(r.columns.length > 10, 'd<=4 computed');
  t.equal(fullReads(), 0, 'a d<=4 request does not read the d<=10 catalogue');
  await t.rejects(defaultOps.efp(jets, { select: 'd<=9' }, ac.signal), /at most 1000/, 'd<=9 is counted (and refused) from the full catalogue');
  t.equal(fullReads(), 1, 'which is read once');
  await t.rejects(defaultOps.efp(jets, { select: 'd<=10' }, ac.signal), /at most 1000/);
  t.equal(fullReads(), 1, 'and cached');
});
