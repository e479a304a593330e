// Text widths for vega's layout without a canvas. Vega's fallback guesses 0.8 em per character, about 35% wider
// than DejaVu Sans, which pads figures with empty bands and draws legend boxes far wider than their labels. These
// advance widths (in em) were measured once from DejaVuSans.ttf / DejaVuSans-Bold.ttf through resvg.
import * as vega from 'vega';

const CHARS =
  ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~εφκβηΔνστχμπθλαγδω·–—×±≈≤≥²³√∞ΣΦ';
// prettier-ignore
const NORMAL = [0.318,0.401,0.46,0.838,0.636,0.95,0.78,0.275,0.39,0.39,0.5,0.838,0.318,0.361,0.316,0.337,0.636,0.636,0.636,0.636,0.636,0.636,0.636,0.636,0.636,0.636,0.337,0.337,0.838,0.838,0.838,0.531,1,0.709,0.686,0.698,0.77,0.632,0.575,0.775,0.752,0.295,0.295,0.656,0.557,0.863,0.748,0.787,0.603,0.787,0.695,0.635,0.595,0.732,0.684,0.989,0.685,0.611,0.685,0.39,0.337,0.39,0.838,0.5,0.5,0.613,0.635,0.55,0.635,0.615,0.344,0.635,0.634,0.278,0.278,0.579,0.278,0.974,0.634,0.612,0.635,0.635,0.395,0.521,0.392,0.634,0.592,0.818,0.592,0.592,0.525,0.636,0.337,0.636,0.838,0.541,0.66,0.589,0.638,0.634,0.684,0.559,0.634,0.602,0.578,0.636,0.602,0.612,0.592,0.659,0.592,0.612,0.837,0.318,0.5,1,0.838,0.838,0.838,0.838,0.838,0.401,0.401,0.637,0.833,0.632,0.787];
// prettier-ignore
const BOLD = [0.348,0.456,0.521,0.838,0.696,1.002,0.872,0.306,0.457,0.457,0.523,0.838,0.38,0.415,0.38,0.365,0.696,0.696,0.696,0.696,0.696,0.696,0.696,0.696,0.696,0.696,0.4,0.4,0.838,0.838,0.838,0.58,1,0.774,0.762,0.734,0.83,0.683,0.683,0.821,0.837,0.372,0.372,0.775,0.637,0.995,0.837,0.85,0.733,0.85,0.77,0.68,0.703,0.812,0.774,1.103,0.771,0.724,0.725,0.457,0.365,0.457,0.838,0.5,0.5,0.675,0.716,0.593,0.716,0.678,0.405,0.716,0.712,0.343,0.343,0.665,0.343,1.042,0.712,0.687,0.716,0.716,0.493,0.595,0.478,0.712,0.652,0.924,0.645,0.652,0.582,0.712,0.365,0.712,0.838,0.557,0.782,0.71,0.716,0.712,0.774,0.681,0.779,0.638,0.645,0.736,0.791,0.687,0.633,0.687,0.681,0.687,0.869,0.38,0.5,1,0.838,0.838,0.838,0.838,0.838,0.438,0.438,0.667,0.833,0.683,0.85];

const normal = new Map<string, number>();
const bold = new Map<string, number>();
[...CHARS].forEach((c, i) => {
  normal.set(c, NORMAL[i]);
  bold.set(c, BOLD[i]);
});

/** Width in px of `text` in DejaVu Sans at `fontSize` px; unknown characters count as 0.65 em. */
export function textWidth(text: string, fontSize: number, isBold = false): number {
  const table = isBold ? bold : normal;
  let em = 0;
  for (const c of text) em += table.get(c) ?? 0.65;
  return em * fontSize;
}

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
}

type TextMetrics = { width: (item: TextItem, text?: unknown) => number };

let installed = false;

/** Makes vega measure text with the DejaVu Sans table (vega supports a user-defined `textMetrics.width`). */
export function installTextMetrics(): void {
  if (installed) return;
  const tm = (vega as unknown as { textMetrics: TextMetrics }).textMetrics;
  tm.width = (item: TextItem, text?: unknown) => {
    const s = text == null ? '' : String(text).trim();
    const size = item.fontSize != null ? +item.fontSize || 0 : 11;
    const w = item.fontWeight;
    return textWidth(s, size, w === 'bold' || w === 'bolder' || (typeof w === 'number' && w >= 600) || (typeof w === 'string' && Number(w) >= 600));
  };
  installed = true;
}
