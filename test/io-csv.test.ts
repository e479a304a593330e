// CSV read and written through csv-parse / csv-stringify: files shaped like pandas' output (crafted here, byte for
// byte what df.to_csv() writes), quoting, BOM, NaN spellings, one-hot labels, FILE:COLUMN specs.
import t from 'tap';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readArray, readJets, readTable, writeTable, labelVector } from '../src/io/index.js';
import { csvNumber, formatCsvTable, parseCsvTable } from '../src/io/text.js';
import { tempDir } from './fixtures/tmp.js';

const dir = tempDir('jetlens-csv-');
const p = (f: string) => join(dir, f);

t.test("pandas df.to_csv(): unnamed index column dropped, values exact", async (t) => {
  // pandas.DataFrame({'mass': [80.4, 91.2], 'c2_b1': [0.1, float('nan')], 'y': [1, 0]}).to_csv(f)
  writeFileSync(p('pd.csv'), ',mass,c2_b1,y\n0,80.4,0.1,1\n1,91.2,,0\n');
  const tab = await readTable(p('pd.csv'));
  t.same(Object.keys(tab), ['mass', 'c2_b1', 'y']);
  t.same(Array.from(tab.mass), [80.4, 91.2]);
  t.equal(tab.c2_b1[0], 0.1);
  t.ok(Number.isNaN(tab.c2_b1[1]), 'empty cell (pandas na_rep) is NaN');
  // re-saved after read_csv: the index comes back as 'Unnamed: 0'
  writeFileSync(p('pd2.csv'), 'Unnamed: 0,mass\n0,1.5\n');
  t.same(Object.keys(await readTable(p('pd2.csv'))), ['mass']);
});

t.test('quoting, BOM, CRLF, quoted header, text columns skipped when unused', async (t) => {
  writeFileSync(p('q.csv'), '\uFEFF"mass","tau21","process"\r\n"80.5",0.25,"W, boosted"\r\n81,0.5,"QCD ""light"""\r\n');
  t.same(Array.from((await readArray(`${p('q.csv')}:mass`)).data as ArrayLike<number>), [80.5, 81]);
  t.same(Array.from((await readArray(`${p('q.csv')}:tau21`)).data as ArrayLike<number>), [0.25, 0.5]);
  await t.rejects(readTable(p('q.csv')), /line 2, column 'process': 'W, boosted' is not a number/);
  await t.rejects(readArray(`${p('q.csv')}:nope`), /no array or column 'nope' \(has: mass, tau21, process\)/);
});

t.test('NaN and infinity spellings pandas and numpy write', (t) => {
  for (const s of ['', 'nan', 'NaN', 'NA', 'N/A', 'null', 'None', '<NA>', '-nan', '#N/A']) t.ok(Number.isNaN(csvNumber(s)), s);
  t.equal(csvNumber('inf'), Infinity);
  t.equal(csvNumber('-inf'), -Infinity);
  t.equal(csvNumber('Infinity'), Infinity);
  t.equal(csvNumber('True'), 1);
  t.equal(csvNumber('False'), 0);
  t.equal(csvNumber('1e-3'), 0.001);
  t.equal(csvNumber('.5'), 0.5);
  t.equal(csvNumber('0x10'), undefined, 'hex is not a CSV number');
  t.equal(csvNumber('abc'), undefined);
  t.end();
});

t.test('round trip: written with 17 digits, nan/inf as pandas reads them, header quoted when needed', async (t) => {
  const cols = { 'a,b': Float64Array.of(Math.PI, NaN, -Infinity, 1e-300), plain: Float64Array.of(1, 2, 3, Infinity) };
  const text = formatCsvTable(cols);
  t.equal(text.split('\n')[0], '"a,b",plain');
  t.match(text, /\nnan,2\n-inf,3\n/);
  const back = parseCsvTable(text, 'x.csv');
  t.same(Object.keys(back), ['a,b', 'plain']);
  t.equal(back['a,b'][0], Math.PI);
  t.ok(Number.isNaN(back['a,b'][1]));
  t.equal(back['a,b'][2], -Infinity);
  t.equal(back['a,b'][3], 1e-300);
  t.equal(back.plain[3], Infinity);
  await writeTable(p('rt.csv'), cols);
  t.equal(readFileSync(p('rt.csv'), 'utf8'), text);
});

t.test('bad CSV: clear errors naming the file and line', async (t) => {
  writeFileSync(p('ragged.csv'), 'a,b\n1,2\n3\n');
  await t.rejects(readTable(p('ragged.csv')), /ragged\.csv: line 3: 1 fields, header has 2/);
  writeFileSync(p('dup.csv'), 'a,a\n1,2\n');
  await t.rejects(readTable(p('dup.csv')), /column 'a' appears twice/);
  writeFileSync(p('unterminated.csv'), 'a,b\n"1,2\n');
  await t.rejects(readTable(p('unterminated.csv')), /malformed CSV/);
  writeFileSync(p('empty.csv'), '');
  await t.rejects(readTable(p('empty.csv')), /empty CSV/);
});

t.test('jets CSV with a pandas index column and one-hot-free labels', async (t) => {
  writeFileSync(p('jets.csv'), ',jet,pt,y,phi,label\n0,0,100,0.1,0.2,1\n1,0,50,-0.1,0.3,1\n2,1,70,0,0,0\n');
  const b = await readJets(p('jets.csv'));
  t.equal(b.length, 2);
  t.same(Array.from(b.labels!), [1, 0]);
  t.same(b.jet(0), [[100, 0.1, 0.2], [50, -0.1, 0.3]]);
});

t.test('one-hot labels (N, 2) are read as argmax; anything else is refused', (t) => {
  const y = labelVector({ data: Float32Array.of(1, 0, 0, 1, 0, 1), shape: [3, 2] }, 'y');
  t.same(Array.from(y), [0, 1, 1]);
  t.throws(() => labelVector({ data: Float32Array.of(0.3, 0.7), shape: [1, 2] }, 'y'), /row 0 .* not one-hot/);
  t.throws(() => labelVector({ data: new Float32Array(6), shape: [2, 3] }, 'y'), /\(N,\) or one-hot \(N, 2\), got \(2, 3\)/);
  t.end();
});
