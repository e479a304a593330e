// EFP multigraph drawings: one circle per vertex, one path per edge, parallel edges drawn as separate curves.
import t from 'tap';
import { graphSvg, vertexCount } from '../src/report/index.js';
import { escapeHtml, markdownToHtml } from '../src/report/escape.js';
import { formatNumber } from '../src/report/html.js';
import { histogram, trapezoidAuc } from '../src/report/vegalite.js';

const count = (svg: string, re: RegExp) => (svg.match(re) ?? []).length;
const edgePaths = (svg: string) => [...svg.matchAll(/<path class="edge" d="([^"]+)"/g)].map((m) => m[1]);

t.test('triangle: 3 vertices, 3 straight edges', async (t) => {
  const svg = graphSvg([[0, 1], [1, 2], [0, 2]]);
  t.equal(count(svg, /<circle class="vertex"/g), 3);
  const paths = edgePaths(svg);
  t.equal(paths.length, 3);
  t.ok(paths.every((d) => /^M[\d.]+ [\d.]+ L[\d.]+ [\d.]+$/.test(d)), 'single edges are straight');
  t.match(svg, /width="96" height="96"/);
});

t.test('doubled edge: 2 vertices, 2 curved paths bowing to opposite sides', async (t) => {
  const svg = graphSvg([[0, 1], [1, 0]]);
  t.equal(count(svg, /<circle class="vertex"/g), 2);
  const paths = edgePaths(svg);
  t.equal(paths.length, 2);
  t.ok(paths.every((d) => d.includes(' Q')), 'both copies are quadratic curves');
  const ctrl = paths.map((d) => Number(/Q([\d.]+) /.exec(d)![1]));
  t.not(ctrl[0], ctrl[1], 'control points differ, so the arcs do not overlap');
});

t.test('tripled edge: the middle copy is straight, the outer two curve', async (t) => {
  const paths = edgePaths(graphSvg([[0, 1], [0, 1], [0, 1], [1, 2]]));
  t.equal(paths.length, 4);
  t.equal(paths.filter((d) => d.includes(' Q')).length, 2);
});

t.test('labels, empty graph, vertex count', async (t) => {
  const svg = graphSvg([[0, 1]], { label: 'κ=1, β=0.5', size: 80 });
  t.match(svg, /<text[^>]*>κ=1, β=0\.5<\/text>/);
  t.match(svg, /width="80" height="94"/, 'the label adds a line below the drawing');
  const dot = graphSvg([]);
  t.equal(count(dot, /<circle class="vertex"/g), 1, 'the empty edge list is the one-vertex graph');
  t.equal(edgePaths(dot).length, 0);
  t.equal(vertexCount([[0, 3]]), 4, 'vertices are numbered from 0; isolated ones are drawn too');
  t.match(graphSvg([[0, 1]], { label: '<x>' }), /&lt;x&gt;/, 'labels are escaped');
});

t.test('text helpers: escaping and the markdown subset', async (t) => {
  t.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  t.equal(markdownToHtml('a <i>b</i>\nc\n\nd'), '<p>a &lt;i&gt;b&lt;/i&gt; c</p>\n<p>d</p>');
  t.equal(markdownToHtml('- x **y**\n- `z<`'), '<ul><li>x <strong>y</strong></li><li><code>z&lt;</code></li></ul>');
  t.equal(markdownToHtml('see [site](https://example.org)'), '<p>see [site](https://example.org)</p>', 'links stay text');
  t.equal(markdownToHtml('p *q* 2*3*4'), '<p>p <em>q</em> 2*3*4</p>');
});

t.test('numbers: formatting, histogram, AUC', async (t) => {
  t.equal(formatNumber(3), '3');
  t.equal(formatNumber(0.834567), '0.8346');
  t.equal(formatNumber(1.5e-5), '1.500e-5');
  t.equal(formatNumber(123456.7), '1.235e+5');
  const h = histogram([0, 0.5, 1, 1, 2, 5], [1, 1, 1, 1, 2, 1], 2, 0, 2, false);
  t.same(h.edges, [0, 1, 2]);
  t.same(h.heights, [2, 4], 'hi edge falls in the last bin, out-of-range values are left out, weights count');
  const d = histogram([0.25, 0.75, 1.5], undefined, 2, 0, 2, true);
  t.same(d.heights, [2 / 3, 1 / 3], 'density integrates to 1');
  t.equal(trapezoidAuc([0, 0.5, 1], [0, 1, 1]), 0.75);
  t.equal(trapezoidAuc([1, 0, 0.5], [1, 0, 0.5]), 0.5, 'points need not be sorted');
});
