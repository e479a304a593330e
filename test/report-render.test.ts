// Rendering a report.json with every section type: index.html with one figure element per plot, figure files
// on disk (SVG, PNG with the PNG signature), no external URLs, escaped text, graph drawings in the table.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { renderReport, sectionToVegaLite, writeReportJson, vegaLiteToSvg } from '../src/report/index.js';
import { DEMO_FIGURES, demoSections } from './fixtures/report-demo.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The figure elements of the page: the <svg> or <img> directly inside each <figure class="plot">. */
function figureElements(html: string): { tag: string; width: number; height: number }[] {
  const out: { tag: string; width: number; height: number }[] = [];
  for (const m of html.matchAll(/<figure class="plot"[^>]*>\s*<(svg|img)\b([^>]*)>/g)) {
    const attr = (k: string) => Number(new RegExp(`\\s${k}="([\\d.]+)"`).exec(m[2])?.[1] ?? 0);
    out.push({ tag: m[1], width: attr('width'), height: attr('height') });
  }
  return out;
}

t.test('every section type renders into one self-contained page', async (t) => {
  const dir = process.env.JETLENS_REPORT_KEEP ?? (await mkdtemp(path.join(tmpdir(), 'jetlens-report-')));
  t.teardown(() => (process.env.JETLENS_REPORT_KEEP ? undefined : rm(dir, { recursive: true, force: true })));
  await writeReportJson(dir, demoSections());
  await writeFile(path.join(dir, 'scores.csv'), 'label,score\n1,0.9\n');
  const r = await renderReport(dir);
  const html = await readFile(path.join(dir, 'index.html'), 'utf8');
  t.equal(r.html, html, 'returned HTML is what was written');

  const figs = figureElements(html);
  t.equal(figs.length, DEMO_FIGURES, 'one figure element per plot section');
  t.equal((html.match(/<figure class="plot"/g) ?? []).length, DEMO_FIGURES, 'no figure without an <svg>/<img>');
  for (const f of figs) {
    t.equal(f.tag, 'svg', 'figures are inline SVG by default');
    t.ok(f.width > 100 && f.height > 100, `figure has a size (${f.width}x${f.height})`);
  }

  const plots = r.figures.filter((f) => !path.basename(f).startsWith('efp-'));
  t.equal(plots.length, 2 * DEMO_FIGURES, 'an SVG and a PNG per figure');
  const graphFiles = r.figures.filter((f) => path.basename(f).startsWith('efp-'));
  t.equal(graphFiles.length, 2 * 5, 'each EFP drawn in a table also as an SVG and a PNG named by the graph');
  t.ok(graphFiles.some((f) => /efp-d3-triangle-0-1_1-2_0-2\.svg$/.test(f)), 'named by graph name and edges');
  for (const f of graphFiles.filter((p) => p.endsWith('.png'))) t.ok((await readFile(f)).length > 1_000, `${path.basename(f)} is not trivial`);
  const files = (await readdir(path.join(dir, 'figures'))).filter((f) => !f.startsWith('efp-')).sort();
  t.equal(files.filter((f) => f.endsWith('.png')).length, DEMO_FIGURES);
  t.equal(files.filter((f) => f.endsWith('.svg')).length, DEMO_FIGURES);
  for (const f of plots.filter((p) => p.endsWith('.png'))) {
    const bytes = await readFile(f);
    t.same(bytes.subarray(0, 8), PNG_SIGNATURE, `${path.basename(f)} starts with the PNG signature`);
    t.ok(bytes.length > 10_000, `${path.basename(f)} is not trivial (${bytes.length} bytes)`);
  }
  for (const f of r.figures.filter((p) => p.endsWith('.svg'))) t.match(await readFile(f, 'utf8'), /^<svg[^>]*width="\d/);

  // Self-contained: no network reference in any src or href, no scripts, a CSP that forbids loads.
  t.notMatch(html, /(src|href)\s*=\s*["']?\s*(https?:)?\/\//i, 'no external src/href');
  t.notMatch(html, /<script/i, 'no <script> element (the title with <script> is escaped)');
  t.notMatch(html, /<link\b/i, 'no external stylesheet');
  t.match(html, /Content-Security-Policy" content="default-src 'none'/);

  // Text is escaped, the markdown subset works.
  t.match(html, /About this run &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  t.match(html, /&lt;b&gt;not bold&lt;\/b&gt; &amp; &quot;quoted&quot;/);
  t.match(html, /<strong>top vs QCD<\/strong>/);
  t.match(html, /<code>seed = 7<\/code>/);
  t.match(html, /<li>first point<\/li>/);

  // Graph table: five drawings, the first labelled with the row's kappa and beta.
  t.equal((html.match(/<svg[^>]*class="graph"/g) ?? []).length, 5, 'one graph drawing per row');
  t.match(html, /κ=1, β=0\.5/);
  t.match(html, /<td class="null">/);

  // Legends carry the AUC (computed when absent, given when present), ids do not clash between figures.
  t.match(html, /EFP linear \(AUC = 0\.\d{4}\)/);
  t.match(html, /mass cut \(AUC = 0\.6612\)/);
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  t.equal(new Set(ids).size, ids.length, 'element ids are unique across figures');
  t.match(html, /href="scores.csv"/, 'data files of the run are linked relatively');
  t.ok((await stat(path.join(dir, 'index.html'))).size < 3_000_000, 'page stays small');
});

t.test('--no-png and base64 PNG embedding', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'jetlens-report-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const sections = demoSections().filter((s) => s.type === 'roc' || s.type === 'text');
  await writeReportJson(dir, sections, { title: 'ROC only' });
  const svgOnly = await renderReport(dir, { png: false });
  t.equal(svgOnly.figures.length, 2);
  t.ok(svgOnly.figures.every((f) => f.endsWith('.svg')));
  t.match(svgOnly.html, /<title>ROC only<\/title>/);

  const withImg = await renderReport(dir, { embed: 'png' });
  const figs = figureElements(withImg.html);
  t.equal(figs.length, 2);
  t.ok(figs.every((f) => f.tag === 'img' && f.width > 0 && f.height > 0));
  t.match(withImg.html, /<img src="data:image\/png;base64,iVBORw0KGgo/);
  await t.rejects(renderReport(dir, { png: false, embed: 'png' }), /needs png/);
});

t.test('sectionToVegaLite gives a reusable spec, null for non-plots', async (t) => {
  const sections = demoSections();
  t.equal(sectionToVegaLite(sections[0]), null);
  t.equal(sectionToVegaLite(sections[1]), null);
  const spec = sectionToVegaLite(sections[2]) as unknown as { config: { font: string }; layer: unknown[] };
  t.equal(spec.config.font, 'DejaVu Sans');
  t.equal(spec.layer.length, 3, 'band, diagonal, curves');
  const svg = await vegaLiteToSvg(sectionToVegaLite(sections[6])!);
  t.match(svg, /font-family="DejaVu Sans"/);
  t.match(svg, /Jet mass/);
});

t.test('edge cases still render', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'jetlens-report-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeReportJson(dir, [
    { type: 'text', title: 'empty text' },
    { type: 'table', title: 'no rows', columns: ['a'], rows: [] },
    { type: 'roc', title: 'perfect tagger', rejection: true, curves: [{ label: 'ideal', fpr: [0, 0, 1], tpr: [0, 1, 1] }] },
    { type: 'line', title: 'one point', x: 'x', y: 'y', series: [{ label: 's', x: [1], y: [2], yErr: [0.5] }] },
    { type: 'histogram', title: 'empty and constant', x: 'v', series: [{ label: 'none', values: [] }, { label: 'const', values: [3, 3, 3] }] },
    { type: 'histogram', title: 'log, all outside', x: 'v', range: [0, 1], logY: true, series: [{ label: 'out', values: [5, 6] }] },
    { type: 'image', title: 'one pixel, all zero', logScale: true, images: [{ label: 'z', npix: 1, data: [0] }] },
    { type: 'line', title: 'long curve thinned', x: 'x', y: 'y', series: [{ label: 's', x: Array.from({ length: 20000 }, (_, i) => i), y: Array.from({ length: 20000 }, (_, i) => Math.sin(i / 500)), mark: 'line' }] },
  ]);
  const r = await renderReport(dir);
  t.equal(figureElements(r.html).length, 6);
  const long = r.figures.find((f) => /07-line-long/.test(f) && f.endsWith('.svg'))!;
  t.ok((await stat(long)).size < 200_000, 'a 20000-point series is thinned before plotting');
});
