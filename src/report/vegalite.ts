// One Vega-Lite spec per plot section. The data are inlined (`data.values`), so a spec is self-contained and can be
// reused elsewhere (e.g. pasted into the Vega editor) without the run directory.
import type { TopLevelSpec } from 'vega-lite';
import type { HistogramSection, ImageSection, JetImage, LineSection, RocCurve, RocSection, Section } from './schema.js';

/** Tableau-10: distinguishable, and readable in greyscale print. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
export const FONT = 'DejaVu Sans';

/** Shared look: DejaVu Sans everywhere (otherwise text falls back to a serif font in resvg), light grid. */
export const CONFIG = {
  font: FONT,
  background: 'white',
  padding: 8,
  view: { stroke: '#999' },
  axis: { labelFontSize: 11, labelSeparation: 4, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e8e8e8', tickColor: '#888', domainColor: '#888' },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 360, symbolStrokeWidth: 2.5 },
  title: { fontSize: 14, anchor: 'start', fontWeight: 'bold', subtitleFontSize: 11, subtitleColor: '#555' },
  header: { labelFontSize: 12, titleFontSize: 12 },
} as const;

/** Legend entries drawn as short solid strokes (otherwise a band or fill makes them pale discs). */
const LINE_LEGEND = { symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 3, symbolSize: 200 };
const WIDTH = 440;
const HEIGHT = 300;
/** Curves longer than this are thinned before plotting (a 10^5-point ROC makes a 10 MB SVG and looks the same). */
export const MAX_POINTS = 1500;

type Layer = Record<string, unknown>;
type Row = Record<string, number | string | null>;

const colorScale = (domain: string[], range = PALETTE) => ({ domain, range: domain.map((_, i) => range[i % range.length]) });

/** Breaks a caption into lines of at most about `width` characters (a vega subtitle is one line per string). */
export function wrapLines(text: string, width = 110): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function top(section: Section, body: Record<string, unknown>): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    // A long caption on one line would make the figure as wide as the caption.
    title: section.caption ? { text: section.title, subtitle: wrapLines(section.caption) } : section.title,
    config: CONFIG,
    ...body,
  } as TopLevelSpec;
}

/** Keeps every k-th point plus the last, so at most about `max` points remain. */
export function thin<T>(n: number, max: number, pick: (i: number) => T): T[] {
  const step = Math.max(1, Math.ceil(n / max));
  const out: T[] = [];
  for (let i = 0; i < n; i += step) out.push(pick(i));
  if ((n - 1) % step !== 0) out.push(pick(n - 1));
  return out;
}

/** Area under a ROC curve by trapezoids, after sorting points by fpr (then tpr). */
export function trapezoidAuc(fpr: number[], tpr: number[]): number {
  const idx = fpr.map((_, i) => i).sort((a, b) => fpr[a] - fpr[b] || tpr[a] - tpr[b]);
  let area = 0;
  for (let k = 1; k < idx.length; k++) {
    const [a, b] = [idx[k - 1], idx[k]];
    area += ((fpr[b] - fpr[a]) * (tpr[a] + tpr[b])) / 2;
  }
  return area;
}

const curveName = (c: RocCurve) => `${c.label} (AUC = ${(c.auc ?? trapezoidAuc(c.fpr, c.tpr)).toFixed(4)})`;

// ---- ROC -------------------------------------------------------------------------------------------------------

function rocSpec(s: RocSection): TopLevelSpec {
  const names = s.curves.map(curveName);
  const legend = { ...LINE_LEGEND, orient: s.rejection ? 'top-right' : 'bottom-right', fillColor: 'white', padding: 4 };
  const color = { field: 'curve', type: 'nominal', title: null, scale: colorScale(names), legend };
  const rej = Boolean(s.rejection);
  const lines: Row[] = [];
  const bands: Row[] = [];
  s.curves.forEach((c, ci) => {
    for (const p of thin(c.fpr.length, MAX_POINTS, (i) => ({ f: c.fpr[i], t: c.tpr[i], i }))) {
      if (rej && p.f <= 0) continue; // infinite rejection: off the plot
      lines.push(rej ? { curve: names[ci], x: p.t, y: 1 / p.f, i: p.i } : { curve: names[ci], x: p.f, y: p.t, i: p.i });
    }
    const b = c.band;
    if (!b) return;
    for (const i of thin(b.fpr.length, MAX_POINTS, (i) => i)) {
      if (rej && b.fpr[i] <= 0) continue;
      bands.push(rej ? { curve: names[ci], y: 1 / b.fpr[i], lo: b.tprLow[i], hi: b.tprHigh[i], i } : { curve: names[ci], x: b.fpr[i], lo: b.tprLow[i], hi: b.tprHigh[i], i });
    }
  });
  const xTitle = rej ? 'signal efficiency (true positive rate)' : 'background efficiency (false positive rate)';
  const yTitle = rej ? 'background rejection (1 / false positive rate)' : 'signal efficiency (true positive rate)';
  const x = { field: 'x', type: 'quantitative', title: xTitle, scale: { domain: [0, 1] } };
  const y = rej ? { field: 'y', type: 'quantitative', title: yTitle, scale: { type: 'log' } } : { field: 'y', type: 'quantitative', title: yTitle, scale: { domain: [0, 1] } };
  // The band uses the fill channel with the same field and colours; Vega-Lite merges its legend with the curves'
  // (a `legend: null` there would disable the merged legend). No `order` on areas: vega then draws one area per point.
  // Random guessing: tpr = fpr, i.e. rejection 1/ε_s.
  const diag = rej ? Array.from({ length: 41 }, (_, k) => ({ x: 10 ** (-2 + k / 20), y: 1 / 10 ** (-2 + k / 20) })) : [{ x: 0, y: 0 }, { x: 1, y: 1 }];
  const layer: Layer[] = [];
  if (bands.length) {
    layer.push(
      rej
        ? { data: { values: bands }, mark: { type: 'area', orient: 'horizontal', opacity: 0.25 }, encoding: { y: { ...y, field: 'y' }, x: { ...x, field: 'lo' }, x2: { field: 'hi' }, fill: color } }
        : { data: { values: bands }, mark: { type: 'area', opacity: 0.25 }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, fill: color } },
    );
  }
  layer.push({ data: { values: diag }, mark: { type: 'line', color: '#999', strokeDash: [4, 4], strokeWidth: 1 }, encoding: { x, y } });
  layer.push({ data: { values: lines }, mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y, color, order: { field: 'i' } } });
  return top(s, { width: WIDTH, height: HEIGHT, layer });
}

// ---- line ------------------------------------------------------------------------------------------------------

function lineSpec(s: LineSection): TopLevelSpec {
  const labels = s.series.map((r) => r.label);
  const allLines = s.series.every((r) => r.mark === 'line');
  const color = { field: 'series', type: 'nominal', title: null, scale: colorScale(labels), ...(allLines ? { legend: LINE_LEGEND } : {}) };
  // A few pixels of padding keep end points and error bars off the frame.
  const xs = s.series.flatMap((r) => r.x);
  // Integer x (passes, epochs, N): integer ticks only, never 0.5 steps.
  const integerX = !s.logX && xs.length > 0 && xs.every(Number.isInteger) && Math.max(...xs) - Math.min(...xs) <= 100;
  const xAxis = integerX ? { axis: { tickMinStep: 1, format: 'd' } } : {};
  const x = { field: 'x', type: 'quantitative', title: s.x, ...xAxis, scale: s.logX ? { type: 'log', nice: false, padding: 10 } : { zero: false, padding: 10 } };
  // Non-negative data near zero (densities, rates) start the axis at 0 instead of padding it below.
  const ys = s.series.flatMap((r) => r.y.map((v, i) => v - (r.yErr?.[i] ?? 0)));
  const yMax = Math.max(...s.series.flatMap((r) => r.y));
  const fromZero = !s.logY && ys.length > 0 && Math.min(...ys) >= 0 && Math.min(...ys) <= 0.1 * yMax;
  const yScale = s.logY ? { type: 'log', nice: false, padding: 10 } : fromZero ? { domainMin: 0, zero: true } : { zero: false, padding: 10 };
  const y = { field: 'y', type: 'quantitative', title: s.y, scale: yScale };
  const layer: Layer[] = [];
  for (const r of s.series) {
    const rows: Row[] = thin(r.x.length, MAX_POINTS, (i) => {
      const e = r.yErr?.[i] ?? 0;
      // On a log axis an error bar reaching zero or below is cut at y/100 rather than dropped.
      const lo = s.logY && r.y[i] - e <= 0 ? r.y[i] / 100 : r.y[i] - e;
      return { series: r.label, x: r.x[i], y: r.y[i], lo, hi: r.y[i] + e, i };
    });
    const mark = r.mark ?? 'linepoints';
    if (r.yErr) layer.push({ data: { values: rows }, mark: { type: 'rule', strokeWidth: 1.2 }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } });
    if (mark === 'points') layer.push({ data: { values: rows }, mark: { type: 'point', filled: true, size: 40, opacity: 1 }, encoding: { x, y, color } });
    else
      layer.push({
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 2, point: mark === 'linepoints' ? { filled: true, size: 36, opacity: 1 } : false, ...(r.dashed ? { strokeDash: [6, 4] } : {}) },
        encoding: { x, y, color, order: { field: 'i' } },
      });
  }
  return top(s, { width: WIDTH, height: HEIGHT, layer });
}

// ---- histogram ---------------------------------------------------------------------------------------------------

export interface Binned {
  edges: number[];
  heights: number[];
}

/** Weighted counts in `bins` equal bins over [lo, hi] (hi included in the last bin), optionally as a density. */
export function histogram(values: number[], weights: number[] | undefined, bins: number, lo: number, hi: number, density: boolean): Binned {
  const w = (hi - lo) / bins;
  const heights = new Array<number>(bins).fill(0);
  let total = 0;
  values.forEach((v, i) => {
    if (v < lo || v > hi) return;
    const k = Math.min(bins - 1, Math.floor((v - lo) / w));
    const wt = weights ? weights[i] : 1;
    heights[k] += wt;
    total += wt;
  });
  if (density && total !== 0) for (let k = 0; k < bins; k++) heights[k] /= total * w;
  return { edges: Array.from({ length: bins + 1 }, (_, k) => lo + k * w), heights };
}

/** Range over all series when none is given (a constant sample gets a unit-wide range). */
export function histogramRange(s: HistogramSection): [number, number] {
  if (s.range) return s.range;
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of s.series) {
    for (const v of r.values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) return [0, 1];
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

/** Step outline of a histogram that starts and ends on the axis: (e0,0) (e0,h0) (e1,h1) ... (en,h_{n-1}) (en,0). */
function stepRows(label: string, b: Binned, floor: number): Row[] {
  const h = (v: number) => Math.max(v, floor);
  const rows: Row[] = [{ series: label, x: b.edges[0], y: h(0), i: 0 }];
  b.heights.forEach((v, k) => rows.push({ series: label, x: b.edges[k], y: h(v), i: k + 1 }));
  const n = b.heights.length;
  rows.push({ series: label, x: b.edges[n], y: h(b.heights[n - 1]), i: n + 1 }, { series: label, x: b.edges[n], y: h(0), i: n + 2 });
  return rows;
}

function histogramSpec(s: HistogramSection): TopLevelSpec {
  const [lo, hi] = histogramRange(s);
  const bins = s.bins ?? 40;
  const hists = s.series.map((r) => histogram(r.values, r.weights, bins, lo, hi, Boolean(s.density)));
  // A log axis cannot show empty bins: they are drawn at a floor a decade below the smallest filled bin.
  let floor = 0;
  if (s.logY) {
    const pos = hists.flatMap((b) => b.heights.filter((v) => v > 0));
    floor = pos.length ? Math.min(...pos) / 10 : 1e-3;
  }
  const labels = [...s.series.map((r) => r.label), ...(s.fit ? [s.fit.label] : [])];
  const range = [...s.series.map((_, i) => PALETTE[i % PALETTE.length]), ...(s.fit ? ['#222222'] : [])];
  const color = { field: 'series', type: 'nominal', title: null, scale: colorScale(labels, range), legend: LINE_LEGEND };
  const weighted = s.series.some((r) => r.weights);
  const yTitle = s.density ? 'probability density' : weighted ? 'weighted count' : 'count';
  const x = { field: 'x', type: 'quantitative', title: s.x, scale: { domain: [lo, hi], zero: false, nice: false } };
  const y = { field: 'y', type: 'quantitative', title: yTitle, scale: s.logY ? { type: 'log', domainMin: floor } : {} };
  const rows = s.series.flatMap((r, k) => stepRows(r.label, hists[k], floor));
  const layer: Layer[] = [];
  const step = { interpolate: 'step-after' };
  if (!s.logY) {
    // Light fill under each outline: one bar per bin (areas cannot keep the step order).
    const bars = s.series.flatMap((r, k) => hists[k].heights.map((h, b) => ({ series: r.label, x: hists[k].edges[b], x2: hists[k].edges[b + 1], y: h })));
    layer.push({ data: { values: bars }, mark: { type: 'rect', opacity: 0.12, aria: false }, encoding: { x, x2: { field: 'x2' }, y, fill: color } });
  }
  layer.push({ data: { values: rows }, mark: { type: 'line', strokeWidth: 1.8, ...step }, encoding: { x, y, color, order: { field: 'i' } } });
  if (s.fit) {
    const f = s.fit;
    const fitRows = thin(f.x.length, MAX_POINTS, (i) => ({ series: f.label, x: f.x[i], y: f.y[i], i })).filter((r) => r.x >= lo && r.x <= hi && (!s.logY || r.y > 0));
    layer.push({ data: { values: fitRows }, mark: { type: 'line', strokeWidth: 1.8, strokeDash: [6, 4] }, encoding: { x, y, color, order: { field: 'i' } } });
  }
  return top(s, { width: WIDTH, height: HEIGHT, layer });
}

// ---- jet images --------------------------------------------------------------------------------------------------

function imagePanel(img: JetImage, logScale: boolean): Record<string, unknown> {
  const n = img.npix;
  const [x0, x1, p0, p1] = img.extent ?? [0, n, 0, n];
  const dx = (x1 - x0) / n;
  const dp = (p1 - p0) / n;
  const minPos = Math.min(...img.data.filter((v) => v > 0), Infinity);
  const rows: Row[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let v = img.data[i * n + j];
      // log colour: empty pixels take the smallest filled value (the darkest colour) instead of a hole.
      if (logScale) v = Number.isFinite(minPos) ? Math.max(v, minPos) : 1;
      // Each pixel overlaps its neighbours by 2% so anti-aliasing leaves no hairline seams between them.
      rows.push({ x: x0 + j * dx, x2: x0 + (j + 1.02) * dx, y: p0 + i * dp, y2: p0 + (i + 1.02) * dp, v });
    }
  // Report images are centred on the jet: the axes are offsets from its axis.
  const axisTitles = img.extent ? ['Δy (rapidity from the jet axis)', 'Δφ (azimuth from the jet axis)'] : ['Δy pixel', 'Δφ pixel'];
  return {
    title: img.label,
    width: 230,
    height: 230,
    data: { values: rows },
    // A hairline stroke in the pixel's own colour closes the anti-aliasing seams between neighbouring pixels.
    mark: { type: 'rect', clip: true, aria: false, strokeWidth: 0.6 },
    encoding: {
      stroke: { field: 'v', type: 'quantitative', legend: null, scale: { type: logScale ? 'log' : 'linear', scheme: 'viridis' } },
      x: { field: 'x', type: 'quantitative', title: axisTitles[0], axis: { grid: false }, scale: { domain: [x0, x1], zero: false, nice: false } },
      x2: { field: 'x2' },
      y: { field: 'y', type: 'quantitative', title: axisTitles[1], axis: { grid: false }, scale: { domain: [p0, p1], zero: false, nice: false } },
      y2: { field: 'y2' },
      color: { field: 'v', type: 'quantitative', title: logScale ? 'intensity (log)' : 'intensity', scale: { type: logScale ? 'log' : 'linear', scheme: 'viridis' } },
    },
  };
}

function imageSpec(s: ImageSection): TopLevelSpec {
  return top(s, {
    hconcat: s.images.map((img) => imagePanel(img, Boolean(s.logScale))),
    resolve: { scale: { color: 'independent' } },
    spacing: 24,
  });
}

/**
 * The Vega-Lite spec of a plot section (roc, line, histogram, image), with the data inlined; null for sections
 * that are not plots (text, table). The spec carries the report's look (DejaVu Sans, Tableau-10 colours).
 */
export function sectionToVegaLite(section: Section): TopLevelSpec | null {
  switch (section.type) {
    case 'roc':
      return rocSpec(section);
    case 'line':
      return lineSpec(section);
    case 'histogram':
      return histogramSpec(section);
    case 'image':
      return imageSpec(section);
    default:
      return null;
  }
}
