// Small hand-written SVG drawings of EFP multigraphs for report tables and figure files: small graphs laid out with
// the fewest edge crossings, each edge its own path, parallel edges bowed apart as separate arcs so a doubled edge
// reads as two lines.
import { escapeHtml } from './escape.js';
import type { EdgeList } from './schema.js';

export interface GraphDrawingOptions {
  /** Width and height of the drawing area in px (the label adds a line below). */
  size?: number;
  /** Text under the drawing, e.g. "κ=1, β=0.5". */
  label?: string;
}

interface Point {
  x: number;
  y: number;
}

const r2 = (v: number) => Math.round(v * 100) / 100;

/** Candidate vertex positions: n points on a circle (first at the top, clockwise), or n-1 on it and one in the middle. */
function slots(n: number, size: number, centre: boolean): Point[] {
  const c = size / 2;
  if (n === 1) return [{ x: c, y: c }];
  const R = size / 2 - 10;
  const ring = centre ? n - 1 : n;
  const pts = Array.from({ length: ring }, (_, k) => {
    const a = -Math.PI / 2 + (2 * Math.PI * k) / ring;
    return { x: r2(c + R * Math.cos(a)), y: r2(c + R * Math.sin(a)) };
  });
  return centre ? [...pts, { x: c, y: c }] : pts;
}

/** Whether segments pq and rs cross at an interior point (shared end points do not count). */
function crosses(p: Point, q: Point, r: Point, s: Point): boolean {
  const o = (a: Point, b: Point, c: Point) => Math.sign((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x));
  return o(p, q, r) * o(p, q, s) < 0 && o(r, s, p) * o(r, s, q) < 0;
}

function* permutations(n: number): Generator<number[]> {
  const a = Array.from({ length: n }, (_, i) => i);
  yield a.slice();
  // Heap's algorithm
  const c = new Array(n).fill(0);
  for (let i = 0; i < n; ) {
    if (c[i] < i) {
      const j = i % 2 ? c[i] : 0;
      [a[j], a[i]] = [a[i], a[j]];
      yield a.slice();
      c[i]++;
      i = 0;
    } else c[i++] = 0;
  }
}

/**
 * Vertex positions with as few edge crossings as small graphs allow: every assignment of the vertices to the
 * circle slots (or to the ring plus the centre, which draws K4 and wheels without crossings) is tried for n <= 7,
 * and the first with the fewest crossings wins (circle before centre). A 4-cycle comes out as a square, not as
 * crossing diagonals; larger graphs keep the plain circle.
 */
function layout(n: number, pairs: [number, number][], size: number): Point[] {
  if (n <= 3 || n > 7) return slots(n, size, false);
  let best: { pts: Point[]; x: number } | undefined;
  for (const centre of [false, true]) {
    const base = slots(n, size, centre);
    for (const perm of permutations(n)) {
      const pts = perm.map((k) => base[k]);
      let x = 0;
      for (let i = 0; i < pairs.length && (!best || x < best.x); i++)
        for (let j = i + 1; j < pairs.length; j++) if (crosses(pts[pairs[i][0]], pts[pairs[i][1]], pts[pairs[j][0]], pts[pairs[j][1]])) x++;
      if (!best || x < best.x) best = { pts, x };
      if (best.x === 0) return best.pts;
    }
  }
  return best!.pts;
}

/** Path for copy `k` of `m` parallel edges between a and b: straight when centred, else a quadratic bow. */
function edgePath(a: Point, b: Point, k: number, m: number, size: number): string {
  const offset = (k - (m - 1) / 2) * Math.max(8, size / 9);
  if (offset === 0) return `M${a.x} ${a.y} L${b.x} ${b.y}`;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  // Control point on the perpendicular bisector; a quadratic's apex is half-way to its control point.
  const cx = (a.x + b.x) / 2 + (-dy / len) * 2 * offset;
  const cy = (a.y + b.y) / 2 + (dx / len) * 2 * offset;
  return `M${a.x} ${a.y} Q${r2(cx)} ${r2(cy)} ${b.x} ${b.y}`;
}

/** Number of vertices of an edge list: highest index + 1 (one vertex for the empty graph). */
export function vertexCount(edges: EdgeList): number {
  let n = 1;
  for (const [i, j] of edges) n = Math.max(n, i + 1, j + 1);
  return n;
}

/**
 * An SVG drawing of the multigraph `edges` (e.g. [[0,1],[1,2],[0,2]] is the triangle). Each vertex is one
 * `<circle class="vertex">` and each edge one `<path class="edge">`; an edge that appears m times is drawn as m
 * paths (curved, except the middle one when m is odd).
 */
export function graphSvg(edges: EdgeList, opts: GraphDrawingOptions = {}): string {
  const size = opts.size ?? 96;
  const n = vertexCount(edges);
  const groups = new Map<string, { a: number; b: number; m: number }>();
  for (const [i, j] of edges) {
    const [a, b] = i < j ? [i, j] : [j, i];
    const g = groups.get(`${a}-${b}`) ?? { a, b, m: 0 };
    g.m++;
    groups.set(`${a}-${b}`, g);
  }
  const pts = layout(n, [...groups.values()].map((g) => [g.a, g.b]), size);
  const labelH = opts.label ? 14 : 0;
  const paths: string[] = [];
  for (const { a, b, m } of groups.values())
    for (let k = 0; k < m; k++) paths.push(`<path class="edge" d="${edgePath(pts[a], pts[b], k, m, size)}"/>`);
  const circles = pts.map((p) => `<circle class="vertex" cx="${p.x}" cy="${p.y}" r="4"/>`);
  const label = opts.label
    ? `<text x="${size / 2}" y="${size + 11}" text-anchor="middle" font-size="10" fill="#333">${escapeHtml(opts.label)}</text>`
    : '';
  const desc = `${n} vertices, ${edges.length} edges: ${JSON.stringify(edges)}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="graph" width="${size}" height="${size + labelH}" ` +
    `viewBox="0 0 ${size} ${size + labelH}" role="img" font-family="DejaVu Sans, sans-serif">` +
    `<title>${escapeHtml(desc)}</title>` +
    `<g fill="none" stroke="#2b5d8a" stroke-width="1.6">${paths.join('')}</g>` +
    `<g fill="#1f1f1f">${circles.join('')}</g>${label}</svg>`
  );
}

/** "κ=1, β=0.5" from a row's kappa and beta values (either may be missing). */
export function kappaBetaLabel(kappa: unknown, beta: unknown): string | undefined {
  const parts: string[] = [];
  if (kappa !== undefined && kappa !== null && kappa !== '') parts.push(`κ=${kappa}`);
  if (beta !== undefined && beta !== null && beta !== '') parts.push(`β=${beta}`);
  return parts.length ? parts.join(', ') : undefined;
}

/** Names of small connected simple graphs, by n and the sorted valencies. */
const NAMES: Record<string, string> = {
  '1:': 'dot', '2:1,1': 'line', '3:1,1,2': 'wedge', '3:2,2,2': 'triangle', '4:1,1,2,2': 'path', '4:1,1,1,3': 'star',
  '4:2,2,2,2': 'square', '4:1,2,2,3': 'triangle with a tail', '4:2,2,3,3': 'diamond', '4:3,3,3,3': 'tetrahedron',
  '5:2,2,2,2,2': 'pentagon',
};

/** A readable name for an EFP multigraph: 'triangle', 'doubled line', 'line x wedge', or 'n = 5, d = 6'. */
export function graphName(edges: EdgeList): string {
  if (edges.length === 0) return 'dot';
  const n = vertexCount(edges);
  const adj = Array.from({ length: n }, () => new Set<number>());
  const mult = new Map<string, number>();
  for (const [i, j] of edges) {
    adj[i].add(j);
    adj[j].add(i);
    const k = i < j ? `${i}-${j}` : `${j}-${i}`;
    mult.set(k, (mult.get(k) ?? 0) + 1);
  }
  const seen = new Array(n).fill(false);
  const parts: string[] = [];
  for (let s = 0; s < n; s++) {
    if (seen[s] || adj[s].size === 0) continue;
    const comp = [s];
    seen[s] = true;
    for (let q = 0; q < comp.length; q++) for (const b of adj[comp[q]]) if (!seen[b]) { seen[b] = true; comp.push(b); }
    const inComp = new Set(comp);
    const val = comp.map((v) => adj[v].size).sort((a, b) => a - b);
    const base = NAMES[`${comp.length}:${val.join(',')}`];
    const d = [...mult].filter(([k]) => inComp.has(Number(k.split('-')[0]))).reduce((a, [, m]) => a + m, 0);
    const e = [...mult.keys()].filter((k) => inComp.has(Number(k.split('-')[0]))).length;
    const mults = [...mult].filter(([k]) => inComp.has(Number(k.split('-')[0]))).map(([, m]) => m);
    if (base && d === e) parts.push(base);
    else if (base === 'line') parts.push(d === 2 ? 'doubled line' : d === 3 ? 'tripled line' : `line x${d}`);
    else if (base) parts.push(`${base} (${Math.max(...mults) === 2 && d - e === 1 ? 'one doubled edge' : `d = ${d}`})`);
    else parts.push(`n = ${comp.length}, d = ${d}`);
  }
  return parts.join(' x ');
}

/** A figure title in physics notation: 'EFP triangle (n = 3, d = 3), κ = 1, β = 1/2'. */
export function efpTitle(edges: EdgeList, kappa?: number | string, beta?: number | string): string {
  const n = edges.length ? vertexCount(edges) : 1;
  const frac = (v: number | string) => (v === 0.5 ? '1/2' : v === -0.5 ? '-1/2' : String(v));
  const kb = [kappa !== undefined ? `κ = ${frac(kappa)}` : '', beta !== undefined && edges.length ? `β = ${frac(beta)}` : ''].filter(Boolean);
  return `EFP ${graphName(edges)} (n = ${n}, d = ${edges.length})${kb.length ? `, ${kb.join(', ')}` : ''}`;
}

/** A file name for an EFP drawing: 'efp-d3-triangle-0-1_0-2_1-2' (graph name and edge list, filesystem-safe). */
export function efpFileName(edges: EdgeList): string {
  const name = graphName(edges).replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
  return `efp-d${edges.length}-${name}${edges.length ? `-${edges.map(([a, b]) => `${a}-${b}`).join('_')}` : ''}`;
}
