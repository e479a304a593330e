// Vega-Lite spec -> SVG text (vega's headless View, no DOM, no canvas) -> PNG (resvg, prebuilt Rust binary).
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { installTextMetrics } from './metrics.js';
import { FONT } from './vegalite.js';

/** SVG text of a Vega-Lite spec, rendered without a browser. */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  installTextMetrics();
  const runtime = vega.parse(compile(spec).spec);
  // No loader access: every spec built here inlines its data, and a report must not touch the network.
  const view = new vega.View(runtime, { renderer: 'none', loader: offlineLoader() });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function offlineLoader() {
  const loader = vega.loader();
  const refuse = async (uri: string) => {
    throw new Error(`report figures must inline their data; refusing to load '${uri}'`);
  };
  loader.load = refuse;
  return loader;
}

export interface PngOptions {
  /** Pixel density: 2 gives crisp figures on slides and high-DPI screens. */
  scale?: number;
}

/**
 * PNG bytes of an SVG. Text uses DejaVu Sans from the system fonts; when it is not installed resvg falls back to
 * another system font (and draws no text if the machine has none at all).
 */
export function svgToPng(svg: string, opts: PngOptions = {}): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: opts.scale ?? 2 },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: FONT, sansSerifFamily: FONT },
  });
  return resvg.render().asPng();
}

/**
 * Makes the ids inside one SVG unique in a page holding many SVGs: vega names its clip paths `clip1`, `clip2`...
 * in every figure, and a duplicate id makes the browser clip one figure with another's rectangle.
 */
export function prefixSvgIds(svg: string, prefix: string): string {
  const ids = new Set<string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) ids.add(m[1]);
  if (ids.size === 0) return svg;
  return svg
    .replace(/(\sid=")([^"]+)"/g, (all, pre: string, id: string) => `${pre}${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (all, id: string) => (ids.has(id) ? `url(#${prefix}${id})` : all))
    .replace(/(href=")#([^"]+)"/g, (all, pre: string, id: string) => (ids.has(id) ? `${pre}#${prefix}${id}"` : all));
}
