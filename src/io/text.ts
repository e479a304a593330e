import { JetlensInputError } from '../errors.js';
import { JetBatch } from '../jets/batch.js';

/**
 * Jets as text. JSONL: one jet per line, either `[[pt, y, phi(, pid)], ...]` or
 * `{"particles": [[...], ...], "label": 0|1, "weight": w}`. CSV: one particle per row with a header
 * `jet,pt,y,phi[,pid][,label]` (rows of a jet contiguous; `label` repeated on each row of the jet).
 */
export function parseJetsJsonl(text: string, file: string): JetBatch {
  const jets: number[][][] = [];
  const labels: number[] = [];
  const weights: number[] = [];
  const lines = text.split('\n');
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln].trim();
    if (line === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new JetlensInputError(`line ${ln + 1}: invalid JSON (${(e as Error).message})`, { file });
    }
    const obj = Array.isArray(v) ? { particles: v } : (v as { particles?: unknown; label?: unknown; weight?: unknown });
    if (!obj || !Array.isArray(obj.particles)) throw new JetlensInputError(`line ${ln + 1}: expected [[pt, y, phi], ...] or {"particles": ...}`, { file });
    for (const p of obj.particles as unknown[]) {
      if (!Array.isArray(p) || !p.every((x) => typeof x === 'number')) {
        throw new JetlensInputError(`line ${ln + 1}: every particle must be an array of numbers`, { file, jet: jets.length });
      }
    }
    jets.push(obj.particles as number[][]);
    if ('label' in obj) labels.push(Number(obj.label));
    if ('weight' in obj) weights.push(Number(obj.weight));
  }
  const per = (a: number[], name: string) => {
    if (a.length === 0) return undefined;
    if (a.length !== jets.length) throw new JetlensInputError(`'${name}' given on ${a.length} of ${jets.length} lines`, { file });
    return a;
  };
  return JetBatch.fromNested(jets, { file, labels: per(labels, 'label'), weights: per(weights, 'weight') });
}

export function formatJetsJsonl(b: JetBatch): string {
  const out: string[] = [];
  for (let j = 0; j < b.length; j++) {
    const particles = b.jet(j);
    if (!b.labels && !b.weights) out.push(JSON.stringify(particles));
    else out.push(JSON.stringify({ particles, ...(b.labels ? { label: b.labels[j] } : {}), ...(b.weights ? { weight: b.weights[j] } : {}) }));
  }
  return out.join('\n') + '\n';
}

/** Parses a numeric CSV with a header row into named float64 columns. */
export function parseCsvTable(text: string, file: string): Record<string, Float64Array> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new JetlensInputError('empty CSV file', { file });
  const header = lines[0].split(',').map((s) => s.trim());
  if (header.some((h) => h === '')) throw new JetlensInputError('CSV header has an empty column name', { file });
  const cols = header.map(() => new Float64Array(lines.length - 1));
  for (let r = 1; r < lines.length; r++) {
    const cells = lines[r].split(',');
    if (cells.length !== header.length) {
      throw new JetlensInputError(`line ${r + 1}: ${cells.length} fields, header has ${header.length}`, { file });
    }
    for (let c = 0; c < cells.length; c++) {
      const s = cells[c].trim();
      const v = s === '' ? NaN : Number(s);
      if (Number.isNaN(v) && !/^nan$/i.test(s)) throw new JetlensInputError(`line ${r + 1}, column '${header[c]}': '${s}' is not a number`, { file });
      cols[c][r - 1] = v;
    }
  }
  return Object.fromEntries(header.map((h, c) => [h, cols[c]]));
}

/** Writes named columns as CSV with a header and full float64 precision (17 significant digits). */
export function formatCsvTable(columns: Record<string, ArrayLike<number>>): string {
  const names = Object.keys(columns);
  const n = names.length ? columns[names[0]].length : 0;
  for (const k of names) if (columns[k].length !== n) throw new Error(`column '${k}' has ${columns[k].length} rows, expected ${n}`);
  const out: string[] = [names.join(',')];
  for (let r = 0; r < n; r++) out.push(names.map((k) => fmt(columns[k][r])).join(','));
  return out.join('\n') + '\n';
}

function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Number.isFinite(v) ? v.toPrecision(17).replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1') : String(v);
}

export function parseJetsCsv(text: string, file: string): JetBatch {
  const t = parseCsvTable(text, file);
  for (const need of ['jet', 'pt', 'y', 'phi']) {
    if (!t[need]) throw new JetlensInputError(`CSV jets need columns jet,pt,y,phi[,pid][,mass][,label]; missing '${need}'`, { file });
  }
  const rows = t.jet.length;
  const jets: number[][][] = [];
  const labels: number[] = [];
  let last = NaN;
  for (let r = 0; r < rows; r++) {
    const id = t.jet[r];
    if (id !== last) {
      if (!Number.isNaN(last) && id < last) throw new JetlensInputError(`line ${r + 2}: jet ids must be contiguous and increasing`, { file });
      jets.push([]);
      if (t.label) labels.push(t.label[r]);
      last = id;
    }
    const p = [t.pt[r], t.y[r], t.phi[r]];
    if (t.pid || t.mass) p.push(t.pid ? t.pid[r] : 0);
    if (t.mass) p.push(t.mass[r]); // constituent masses (jetops: optional mass column)
    jets[jets.length - 1].push(p);
  }
  return JetBatch.fromNested(jets, { file, labels: t.label ? labels : undefined });
}

export function formatJetsCsv(b: JetBatch): string {
  const cols: Record<string, number[]> = { jet: [], pt: [], y: [], phi: [] };
  if (b.pid) cols.pid = [];
  if (b.mass) cols.mass = [];
  if (b.labels) cols.label = [];
  for (let j = 0; j < b.length; j++) {
    for (let i = b.offsets[j]; i < b.offsets[j + 1]; i++) {
      cols.jet.push(j);
      cols.pt.push(b.pt[i]);
      cols.y.push(b.y[i]);
      cols.phi.push(b.phi[i]);
      cols.pid?.push(b.pid![i]);
      cols.mass?.push(b.mass![i]);
      cols.label?.push(b.labels![j]);
    }
  }
  return formatCsvTable(cols);
}
