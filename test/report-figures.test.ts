// #21.6: figures a physicist puts on a slide: EFP drawings without needless crossings, named graphs and physics
// titles, integer pass ticks, axes from zero for densities, fits as lines, Delta y / Delta phi image axes.
import t from 'tap';
import { efpFileName, efpTitle, graphName, graphSvg } from '../src/report/index.js';
import { sectionToVegaLite } from '../src/report/vegalite.js';
import type { Section } from '../src/report/schema.js';

/** Vertex positions and straight/curved edge end points of a drawing; crossings between straight edges. */
function crossings(svg: string): number {
  const segs = [...svg.matchAll(/<path class="edge" d="M([\d.]+) ([\d.]+) [LQ](?:[\d.]+ [\d.]+ )?([\d.]+) ([\d.]+)"/g)].map((m) => m.slice(1, 5).map(Number));
  const o = (a: number[], b: number[], c: number[]) => Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
  let x = 0;
  for (let i = 0; i < segs.length; i++)
    for (let j = i + 1; j < segs.length; j++) {
      const [p, q, r, s] = [segs[i].slice(0, 2), segs[i].slice(2), segs[j].slice(0, 2), segs[j].slice(2)];
      if (o(p, q, r) * o(p, q, s) < 0 && o(r, s, p) * o(r, s, q) < 0) x++;
    }
  return x;
}

t.test('small graphs are drawn without crossings where a plane drawing exists', (t) => {
  t.equal(crossings(graphSvg([[0, 2], [2, 1], [1, 3], [3, 0]])), 0, '4-cycle 0-2-1-3: a square, not crossing diagonals');
  t.equal(crossings(graphSvg([[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]])), 0, 'K4 with one vertex in the middle');
  t.equal(crossings(graphSvg([[0, 2], [2, 4], [4, 1], [1, 3], [3, 0]])), 0, 'pentagon given as a pentagram');
  t.equal(crossings(graphSvg([[0, 2], [0, 2], [2, 1], [1, 3], [3, 0]])), 0, 'with a doubled edge');
  t.end();
});

t.test('graph names, titles in physics notation and file names', (t) => {
  t.equal(graphName([[0, 1], [1, 2], [0, 2]]), 'triangle');
  t.equal(graphName([[0, 1], [0, 1]]), 'doubled line');
  t.equal(graphName([[0, 2], [2, 1], [1, 3], [3, 0]]), 'square');
  t.equal(graphName([[0, 1], [2, 3]]), 'line x line');
  t.equal(graphName([]), 'dot');
  t.equal(efpTitle([[0, 1], [1, 2], [2, 3], [3, 0]], 2, 0.5), 'EFP square (n = 4, d = 4), κ = 2, β = 1/2');
  t.notMatch(efpTitle([[0, 1], [1, 2]], 1, 1), /\[|-\d/, 'no edge strings in titles');
  t.equal(efpFileName([[0, 1], [1, 2], [0, 2]]), 'efp-d3-triangle-0-1_1-2_0-2');
  t.end();
});

const line = (x: number[], y: number[], extra: object = {}): Section =>
  ({ type: 'line', title: 't', x: 'pass', y: 'AUC', series: [{ label: 'a', x, y, ...extra }] }) as Section;
const json = (s: Section) => JSON.stringify(sectionToVegaLite(s));

t.test('integer x gets integer ticks; non-negative y near zero starts at 0; fits stay lines', (t) => {
  t.match(json(line([0, 1, 2, 3], [0.8, 0.82, 0.85, 0.86])), /"tickMinStep":1,"format":"d"/);
  t.notMatch(json(line([0.5, 1.5], [0.8, 0.9])), /tickMinStep/, 'not for fractional x');
  t.match(json(line([1, 2, 3], [0.01, 2, 1])), /"domainMin":0/);
  t.notMatch(json(line([1, 2, 3], [0.8, 0.9, 0.85])), /"domainMin":0/, 'an AUC axis is not forced to 0');
  const fit = json(line([0.1, 0.2], [1, 2], { mark: 'line' }));
  t.notMatch(fit, /"point":\{/, 'a fitted curve has no markers');
  t.end();
});

t.test('average images: Delta y / Delta phi axes, pixels stroked in their own colour (no seams)', (t) => {
  const img: Section = { type: 'image', title: 'avg', images: [{ label: 'W', npix: 2, data: [1, 2, 3, 4], extent: [-1, 1, -1, 1] }] } as Section;
  const s = json(img);
  t.match(s, /Δy \(rapidity from the jet axis\)/);
  t.match(s, /Δφ \(azimuth from the jet axis\)/);
  t.match(s, /"stroke":\{"field":"v"/);
  t.end();
});
