// Reports people look at: a study writes RUN_DIR/report.json (a list of sections) with writeReportJson, and
// renderReport (or `jetlens report RUN_DIR`) turns it into RUN_DIR/index.html plus RUN_DIR/figures/*.{svg,png}.
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { JetlensInputError } from '../errors.js';
import { pageHtml, sectionHtml, type FigureHtml } from './html.js';
import { prefixSvgIds, svgToPng, vegaLiteToSvg } from './render.js';
import { parseEdges, validateReport, type Report, type Section } from './schema.js';
import { sectionToVegaLite } from './vegalite.js';
import { writeFileAtomic } from '../util/atomic.js';

export * from './schema.js';
export { sectionToVegaLite, trapezoidAuc, histogram, CONFIG as REPORT_VEGA_CONFIG } from './vegalite.js';
export { vegaLiteToSvg, svgToPng } from './render.js';
export { efpFileName, efpTitle, graphName, graphSvg, vertexCount } from './graph.js';
import { efpFileName, graphName, graphSvg } from './graph.js';
export { escapeHtml, markdownToHtml } from './escape.js';

export const REPORT_FILE = 'report.json';
export const FIGURES_DIR = 'figures';

export interface RenderReportOptions {
  /** Write PNG files next to the SVG files (default true). */
  png?: boolean;
  /** How figures sit in index.html: inline 'svg' (default, sharp at any zoom) or base64 'png'. */
  embed?: 'svg' | 'png';
  /** Page title; default: report.json's title, else the run directory's name. */
  title?: string;
}

export interface RenderedReport {
  /** The HTML written to RUN_DIR/index.html. */
  html: string;
  /** Absolute paths of the figure files written (an .svg and, unless png: false, a .png per figure). */
  figures: string[];
  /** Absolute path of index.html. */
  index: string;
}

/** Reads and validates RUN_DIR/report.json. */
export async function readReport(runDir: string): Promise<Report> {
  const file = path.join(runDir, REPORT_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new JetlensInputError(`no ${REPORT_FILE} in run directory (a study writes it with writeReportJson)`, { file: runDir });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new JetlensInputError(`not valid JSON: ${(e as Error).message}`, { file });
  }
  return validateReport(json, file);
}

/** Typed arrays (Float64Array...) become plain arrays, so studies can pass their buffers straight in. */
function plain(v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/**
 * Validates `sections` and writes RUN_DIR/report.json (creating the directory), one section per line so the
 * file stays readable and diffs well. Typed arrays are accepted wherever the schema has number[].
 * Throws a ReportSchemaError naming the section index and field when a section is malformed.
 */
export async function writeReportJson(runDir: string, sections: Section[] | unknown[], opts: { title?: string } = {}): Promise<string> {
  const file = path.join(runDir, REPORT_FILE);
  const json = plain(opts.title === undefined ? sections : { title: opts.title, sections });
  const report = validateReport(json, file);
  const lines = report.sections.map((s) => JSON.stringify(s));
  const list = `[\n${lines.join(',\n')}\n]`;
  const text = report.title === undefined ? list : `{"title": ${JSON.stringify(report.title)}, "sections": ${list}}`;
  await mkdir(runDir, { recursive: true });
  await writeFileAtomic(file, text + '\n');
  return file;
}

/** "03-roc-top-tagging-roc" from the section index, type and title. */
function figureName(s: Section, i: number): string {
  const slug = s.title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
  return `${String(i).padStart(2, '0')}-${s.type}${slug ? '-' + slug : ''}`;
}

/** Figures from an earlier rendering (our naming only), so a shorter report leaves no stale files behind. */
async function clearOldFigures(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => /^(\d{2,}-[a-z]+.*|efp-d\d+-.*)\.(svg|png)$/.test(n)).map((n) => rm(path.join(dir, n), { force: true })));
}

/**
 * Every EFP multigraph drawn in a table, also as figures/efp-dD-NAME-EDGES.{svg,png} (for slides), at 3x the table
 * size with its name under it.
 */
async function writeGraphFiles(sections: Section[], figDir: string, png: boolean): Promise<string[]> {
  const out: string[] = [];
  const done = new Set<string>();
  for (const s of sections) {
    if (s.type !== 'table' || !s.graphs) continue;
    const col = s.columns.indexOf(s.graphs.column);
    for (const row of s.rows) {
      const cell = row[col];
      if (cell === null) continue;
      const edges = parseEdges(cell, (p) => {
        throw new Error(p); // validated with the report
      });
      const name = efpFileName(edges);
      if (done.has(name)) continue;
      done.add(name);
      const svg = graphSvg(edges, { size: 240, label: graphName(edges) });
      await writeFileAtomic(path.join(figDir, `${name}.svg`), svg);
      out.push(path.resolve(figDir, `${name}.svg`));
      if (png) {
        await writeFileAtomic(path.join(figDir, `${name}.png`), svgToPng(svg));
        out.push(path.resolve(figDir, `${name}.png`));
      }
    }
  }
  return out;
}

/** Top-level files of the run directory other than the report's own, linked from the page footer. */
async function dataFiles(runDir: string): Promise<string[]> {
  const names = (await readdir(runDir)).filter((n) => n !== 'index.html' && n !== FIGURES_DIR && !n.startsWith('.'));
  const files: string[] = [];
  for (const n of names.sort()) if ((await stat(path.join(runDir, n))).isFile()) files.push(n);
  return files;
}

function svgSize(svg: string): [number, number] {
  const w = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1] ?? 0);
  const h = Number(/<svg[^>]*\sheight="([\d.]+)"/.exec(svg)?.[1] ?? 0);
  return [w, h];
}

/**
 * Renders RUN_DIR/report.json into RUN_DIR/index.html (self-contained: inline CSS and figures, no scripts, no
 * network) and RUN_DIR/figures/NN-type-title.{svg,png}, one pair per plot section.
 */
export async function renderReport(runDir: string, opts: RenderReportOptions = {}): Promise<RenderedReport> {
  const report = await readReport(runDir);
  const png = opts.png ?? true;
  const embed = opts.embed ?? 'svg';
  if (embed === 'png' && !png) throw new JetlensInputError("embed: 'png' needs png output (drop --no-png)");
  const figDir = path.join(runDir, FIGURES_DIR);
  await mkdir(figDir, { recursive: true });
  await clearOldFigures(figDir);
  const figures: string[] = [];
  const bodies: string[] = [];
  for (const [i, s] of report.sections.entries()) {
    const spec = sectionToVegaLite(s);
    if (!spec) {
      bodies.push(sectionHtml(s, i));
      continue;
    }
    const name = figureName(s, i);
    const svg = await vegaLiteToSvg(spec);
    await writeFileAtomic(path.join(figDir, `${name}.svg`), svg);
    figures.push(path.resolve(figDir, `${name}.svg`));
    const files = [{ label: 'SVG', href: `${FIGURES_DIR}/${name}.svg` }];
    let pngBytes: Buffer | undefined;
    if (png) {
      pngBytes = svgToPng(svg);
      await writeFileAtomic(path.join(figDir, `${name}.png`), pngBytes);
      figures.push(path.resolve(figDir, `${name}.png`));
      files.push({ label: 'PNG', href: `${FIGURES_DIR}/${name}.png` });
    }
    const [w, h] = svgSize(svg);
    const element =
      embed === 'png' && pngBytes
        ? `<img src="data:image/png;base64,${pngBytes.toString('base64')}" width="${w}" height="${h}" alt="${name}">`
        : prefixSvgIds(svg, `f${i}-`);
    const fig: FigureHtml = { element, files };
    bodies.push(sectionHtml(s, i, fig));
  }
  figures.push(...(await writeGraphFiles(report.sections, figDir, png)));
  const title = opts.title ?? report.title ?? path.basename(path.resolve(runDir));
  const html = pageHtml({ title, sections: report.sections, bodies, dataFiles: await dataFiles(runDir) });
  const index = path.resolve(runDir, 'index.html');
  await writeFileAtomic(index, html);
  return { html, figures, index };
}
