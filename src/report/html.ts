// The single-file HTML page: inline CSS, inline figures, no scripts, and a Content-Security-Policy that forbids
// every network load, so the page opens the same on a laptop on a train.
import { escapeHtml, markdownToHtml } from './escape.js';
import { graphSvg, kappaBetaLabel } from './graph.js';
import { parseEdges, type Section, type TableCell, type TableSection } from './schema.js';

/** What the page shows for one rendered figure. */
export interface FigureHtml {
  /** Inline `<svg>` or `<img src="data:...">`. */
  element: string;
  /** Links (relative to the run directory) to the figure's files. */
  files: { label: string; href: string }[];
}

const CSS = `
:root { color-scheme: light; }
body { font-family: 'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif; margin: 0; background: #f6f7f9; color: #1d1f23; }
header { background: #fff; border-bottom: 1px solid #dde1e6; padding: 18px 32px 10px; }
h1 { font-size: 22px; margin: 0 0 4px; }
.meta { color: #5b6470; font-size: 13px; margin: 0 0 8px; }
nav ol { margin: 0; padding-left: 20px; font-size: 13px; columns: 2; }
nav a { color: #2b5d8a; text-decoration: none; }
main { display: flex; flex-wrap: wrap; gap: 18px; padding: 18px 32px 32px; align-items: flex-start; }
.section { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 14px 18px; max-width: 100%; box-sizing: border-box; }
.section.text, .section.table { flex: 1 1 100%; }
h2 { font-size: 16px; margin: 0 0 8px; }
.caption { color: #5b6470; font-size: 13px; margin: 6px 0 0; }
figure.plot { margin: 0; overflow-x: auto; }
figure.plot > svg, figure.plot > img { display: block; max-width: none; }
.files { font-size: 12px; color: #5b6470; margin-top: 4px; }
.files a { color: #2b5d8a; margin-right: 10px; }
.text p { line-height: 1.5; max-width: 80ch; }
code { background: #f0f2f5; padding: 0 3px; border-radius: 3px; font-size: 90%; }
.tablewrap { overflow: auto; max-height: 640px; }
table { border-collapse: collapse; font-size: 13px; }
th { position: sticky; top: 0; background: #eef1f5; text-align: left; }
th, td { border-bottom: 1px solid #e3e6ea; padding: 4px 10px; vertical-align: middle; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.null { color: #aaa; }
tr:hover td { background: #f8fafc; }
svg.graph { display: block; }
footer { padding: 0 32px 24px; font-size: 12px; color: #5b6470; }
footer a { color: #2b5d8a; }
`;

/** Numbers as a physicist writes them: integers plain, others to 4 significant digits, tiny/huge in e-notation. */
export function formatNumber(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e7) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

function cellHtml(cell: TableCell): string {
  if (cell === null) return '<td class="null">–</td>';
  if (typeof cell === 'number') return `<td class="num">${formatNumber(cell)}</td>`;
  if (Array.isArray(cell)) return `<td>${escapeHtml(JSON.stringify(cell))}</td>`;
  return `<td>${escapeHtml(cell)}</td>`;
}

function tableHtml(s: TableSection): string {
  const graphCol = s.graphs ? s.columns.indexOf(s.graphs.column) : -1;
  const kCol = s.columns.indexOf('kappa');
  const bCol = s.columns.indexOf('beta');
  const head = `<tr>${s.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = s.rows.map((row) => {
    const cells = row.map((cell, j) => {
      if (j !== graphCol) return cellHtml(cell);
      const edges = parseEdges(cell, (p) => {
        throw new Error(p); // already validated
      });
      const label = kappaBetaLabel(kCol >= 0 ? row[kCol] : undefined, bCol >= 0 ? row[bCol] : undefined);
      return `<td class="graphcell">${graphSvg(edges, { label })}</td>`;
    });
    return `<tr>${cells.join('')}</tr>`;
  });
  return `<div class="tablewrap"><table><thead>${head}</thead><tbody>${body.join('\n')}</tbody></table></div>`;
}

/** HTML of one section. Plot sections carry their title inside the figure, so they get no separate heading. */
export function sectionHtml(s: Section, index: number, figure?: FigureHtml): string {
  const id = `s${String(index).padStart(2, '0')}`;
  const caption = s.caption ? `<p class="caption">${escapeHtml(s.caption)}</p>` : '';
  let inner: string;
  if (figure) {
    const links = figure.files.map((f) => `<a href="${escapeHtml(f.href)}">${escapeHtml(f.label)}</a>`).join('');
    inner = `<figure class="plot" aria-label="${escapeHtml(s.title)}">${figure.element}</figure><div class="files">${links}</div>`;
  } else if (s.type === 'text') inner = `<h2>${escapeHtml(s.title)}</h2>${markdownToHtml(s.markdown ?? '')}${caption}`;
  else if (s.type === 'table') inner = `<h2>${escapeHtml(s.title)}</h2>${tableHtml(s)}${caption}`;
  else inner = `<h2>${escapeHtml(s.title)}</h2><p class="caption">(figure not rendered)</p>`;
  return `<section id="${id}" class="section ${s.type}">${inner}</section>`;
}

export interface PageParts {
  title: string;
  sections: Section[];
  bodies: string[];
  /** Data files of the run directory, relative paths. */
  dataFiles: string[];
}

/** The whole page. Deterministic: the same report.json gives the same bytes (no timestamps). */
export function pageHtml(p: PageParts): string {
  const toc = p.sections.map((s, i) => `<li><a href="#s${String(i).padStart(2, '0')}">${escapeHtml(s.title)}</a></li>`).join('');
  const figures = p.sections.filter((s) => s.type !== 'text' && s.type !== 'table').length;
  const files = p.dataFiles.length
    ? `<footer>Files in this run: ${p.dataFiles.map((f) => `<a href="${escapeHtml(encodeURI(f))}">${escapeHtml(f)}</a>`).join(' · ')}</footer>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="generator" content="jetlens report">
<title>${escapeHtml(p.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(p.title)}</h1><p class="meta">${p.sections.length} sections, ${figures} figures</p><nav><ol>${toc}</ol></nav></header>
<main>
${p.bodies.join('\n')}
</main>
${files}
</body>
</html>
`;
}
