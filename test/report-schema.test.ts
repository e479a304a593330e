// report.json validation: every malformed section is refused with a message naming the section index and field.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import { ReportSchemaError, readReport, validateReport, validateSection, writeReportJson } from '../src/report/index.js';
import { demoSections } from './fixtures/report-demo.js';

const roc = { type: 'roc', title: 'ROC', curves: [{ label: 'a', fpr: [0, 0.5, 1], tpr: [0, 0.8, 1] }] };

/** Expects validateReport to throw a ReportSchemaError for `sections` whose message matches `re`. */
function refuses(t: Test, sections: unknown, re: RegExp, what: string) {
  t.throws(() => validateReport(sections), re, what);
  try {
    validateReport(sections);
  } catch (e) {
    t.type(e, ReportSchemaError, `${what}: a ReportSchemaError`);
  }
}

t.test('the demo report (every section type) is valid', async (t) => {
  const r = validateReport(demoSections());
  t.equal(r.sections.length, 9);
  t.equal(validateReport({ title: 'run 7', sections: [] }).title, 'run 7');
});

t.test('errors name the section index and field', async (t) => {
  refuses(t, [{ type: 'text', title: 'ok' }, { type: 'pie', title: 'x' }], /sections\[1\]\.type: expected one of 'text', 'table'.*got the string "pie"/, 'unknown type');
  refuses(t, [{ type: 'text' }], /sections\[0\]\.title: expected a string, got undefined/, 'missing title');
  refuses(t, [{ type: 'text', title: 't', html: '<b>x</b>' }], /sections\[0\]\.html: raw HTML is not allowed/, 'html field');
  refuses(t, [{ type: 'text', title: 't', markdwon: 'x' }], /sections\[0\]\.markdwon: unknown field/, 'typo in a field name');
  refuses(t, ['text'], /sections\[0\]: expected an object/, 'section not an object');
  refuses(t, 'hello', /expected a list of sections/, 'report not a list');
  refuses(t, { sections: 3 }, /field sections: expected an array/, 'sections not an array');

  const badTpr = { ...roc, curves: [{ label: 'a', fpr: [0, 0.5, 1], tpr: [0, 1] }] };
  refuses(t, [roc, badTpr], /sections\[1\]\.curves\[0\]\.tpr: has 2 values but fpr has 3/, 'tpr length');
  refuses(t, [{ ...roc, curves: [{ label: 'a', fpr: [0, 1.5], tpr: [0, 1] }] }], /curves\[0\]\.fpr\[1\]: expected a rate in \[0, 1\], got 1\.5/, 'rate > 1');
  refuses(t, [{ ...roc, curves: [{ label: 'a', fpr: [0, null], tpr: [0, 1] }] }], /curves\[0\]\.fpr\[1\]: expected a finite number, got null/, 'NaN written as null');
  refuses(t, [{ ...roc, curves: [] }], /sections\[0\]\.curves: needs at least one curve/, 'no curves');
  const badBand = { label: 'a', fpr: [0, 1], tpr: [0, 1], band: { fpr: [0, 1], tprLow: [0], tprHigh: [0, 1] } };
  refuses(t, [{ ...roc, curves: [badBand] }], /curves\[0\]\.band\.tprLow: has 1 values but band\.fpr has 2/, 'band length');

  const line = { type: 'line', title: 'L', x: 'N', y: 'eps', logY: true, series: [{ label: 's', x: [1, 2], y: [1, 0] }] };
  refuses(t, [line], /sections\[0\]\.series\[0\]\.y\[1\]: logY needs values > 0, got 0/, 'log axis with zero');
  refuses(t, [{ ...line, logY: false, series: [{ label: 's', x: [1, 2], y: [1, 2], yErr: [0.1, -1] }] }], /series\[0\]\.yErr\[1\]: error bars must be >= 0/, 'negative error bar');
  refuses(t, [{ ...line, logY: 'yes' }], /sections\[0\]\.logY: expected true or false/, 'non-boolean flag');

  const hist = { type: 'histogram', title: 'H', x: 'm', series: [{ label: 's', values: [1, 2, 3] }] };
  refuses(t, [{ ...hist, bins: 0 }], /sections\[0\]\.bins: expected an integer in \[1, 10000\]/, 'zero bins');
  refuses(t, [{ ...hist, range: [3, 1] }], /sections\[0\]\.range: expected \[lo, hi\] with lo < hi/, 'reversed range');
  refuses(t, [{ ...hist, series: [{ label: 's', values: [1, 2], weights: [1] }] }], /series\[0\]\.weights: has 1 values but values has 2/, 'weights length');
  refuses(t, [{ ...hist, fit: { label: 'f', x: [1, 2], y: [1] } }], /sections\[0\]\.fit\.y: has 1 values but x has 2/, 'fit length');

  const image = { type: 'image', title: 'I', images: [{ label: 'top', npix: 2, data: [1, 2, 3] }] };
  refuses(t, [image], /sections\[0\]\.images\[0\]\.data: has 3 values but npix\*npix = 4/, 'image size');
  refuses(t, [{ ...image, images: [{ label: 'top', npix: 2, data: [1, 2, 3, 4], extent: [1, 0, 0, 1] }] }], /images\[0\]\.extent: expected \[yMin, yMax, phiMin, phiMax\]/, 'bad extent');

  const table = { type: 'table', title: 'T', columns: ['graph', 'kappa'], rows: [[[[0, 1]], 1]], graphs: { column: 'graph' } };
  refuses(t, [{ ...table, rows: [[[[0, 1]]]] }], /sections\[0\]\.rows\[0\]: has 1 cells but there are 2 columns/, 'short row');
  refuses(t, [{ ...table, graphs: { column: 'edges' } }], /sections\[0\]\.graphs\.column: 'edges' is not one of the columns \(graph, kappa\)/, 'unknown graph column');
  refuses(t, [{ ...table, rows: [[[[0, 0]], 1]] }], /rows\[0\]\[0\]: edge 0: self-loop/, 'self-loop');
  refuses(t, [{ ...table, rows: [[[[0, 1.5]], 1]] }], /rows\[0\]\[0\]: edge 0: vertex 1\.5 is not an integer/, 'fractional vertex');
  refuses(t, [{ ...table, rows: [['[[0,1]', 1]] }], /rows\[0\]\[0\]: expected an edge list/, 'broken JSON edge list');
  refuses(t, [{ ...table, rows: [[[[0, 1]], { k: 1 }]] }], /rows\[0\]\[1\]: expected a string, a finite number or null, got an object/, 'object cell');
  t.ok(validateSection({ ...table, rows: [['[[0,1],[1,2]]', 1]] }), 'edge list as JSON text');
});

t.test('writeReportJson validates, accepts typed arrays, and round-trips', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'jetlens-report-schema-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const typed = { type: 'roc', title: 'ROC', curves: [{ label: 'a', fpr: Float64Array.from([0, 0.5, 1]), tpr: Float32Array.from([0, 0.75, 1]) }] };
  const file = await writeReportJson(path.join(dir, 'run'), [typed], { title: 'typed' });
  const back = await readReport(path.join(dir, 'run'));
  t.equal(back.title, 'typed');
  t.same((back.sections[0] as { curves: { tpr: number[] }[] }).curves[0].tpr, [0, 0.75, 1]);
  t.match(await readFile(file, 'utf8'), /^\{"title": "typed", "sections": \[\n\{"type":"roc"/);

  await t.rejects(writeReportJson(dir, [{ type: 'roc', title: 'x', curves: [{ label: 'a', fpr: [0, NaN], tpr: [0, 1] }] }]), /report\.json: field sections\[0\]\.curves\[0\]\.fpr\[1\]: expected a finite number, got NaN/);
  await t.rejects(readReport(path.join(dir, 'missing')), /no report\.json in run directory/);
  await writeFile(path.join(dir, 'report.json'), '[{"type": "text",');
  await t.rejects(readReport(dir), /report\.json: not valid JSON/);
});
