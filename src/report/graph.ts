// Small hand-written SVG drawings of EFP multigraphs for report tables: vertices on a circle, each edge its own
// path, parallel edges bowed apart as separate arcs so a doubled edge reads as two lines.
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

/** Vertex positions: n points on a circle, the first at the top, going clockwise; one vertex sits in the middle. */
function layout(n: number, size: number): Point[] {
  const c = size / 2;
  if (n === 1) return [{ x: c, y: c }];
  const R = size / 2 - 8;
  return Array.from({ length: n }, (_, k) => {
    const a = -Math.PI / 2 + (2 * Math.PI * k) / n;
    return { x: r2(c + R * Math.cos(a)), y: r2(c + R * Math.sin(a)) };
  });
}

/** Path for copy `k` of `m` parallel edges between a and b: straight when centred, else a quadratic bow. */
function edgePath(a: Point, b: Point, k: number, m: number, size: number): string {
  const offset = (k - (m - 1) / 2) * Math.max(8, size / 6);
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
  const size = opts.size ?? 64;
  const n = vertexCount(edges);
  const pts = layout(n, size);
  const labelH = opts.label ? 14 : 0;
  const groups = new Map<string, { a: number; b: number; m: number }>();
  for (const [i, j] of edges) {
    const [a, b] = i < j ? [i, j] : [j, i];
    const g = groups.get(`${a}-${b}`) ?? { a, b, m: 0 };
    g.m++;
    groups.set(`${a}-${b}`, g);
  }
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
