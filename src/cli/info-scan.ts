// `jetlens info` on a file that does not load: the jet readers stop at the first bad value (right for a run), but
// info promises the list, so it scans the raw arrays here and reports every kind of problem with its count and
// first location.
import { formatOf, readArray, type NdArray } from '../io/index.js';

interface Tally {
  count: number;
  first: string;
}

const PHI_LIMIT = 3 * Math.PI;

function add(t: Map<string, Tally>, problem: string, where: string): void {
  const e = t.get(problem);
  if (e) e.count++;
  else t.set(problem, { count: 1, first: where });
}

/** Per-particle checks over a padded (N, M, F) array; rows with pT = 0 are padding. */
function scanParticles(X: NdArray, t: Map<string, Tally>): void {
  const [n, m, f] = X.shape;
  const d = X.data as ArrayLike<number>;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) {
      const r = (j * m + i) * f;
      const where = `jet ${j}, particle ${i}`;
      const pt = d[r];
      if (Number.isNaN(pt) || !Number.isFinite(pt)) add(t, 'non-finite pT', where);
      else if (pt < 0) add(t, 'negative pT', where);
      if (pt === 0) continue;
      if (!Number.isFinite(d[r + 1])) add(t, 'non-finite rapidity', where);
      if (!Number.isFinite(d[r + 2])) add(t, 'non-finite phi', where);
      else if (Math.abs(d[r + 2]) > PHI_LIMIT) add(t, '|phi| > 3 pi (not an azimuth in radians)', where);
      if (f > 3 && !Number.isFinite(d[r + 3])) add(t, 'non-finite pid', where);
    }
  }
}

function scanPerJet(a: NdArray | undefined, n: number, name: string, ok: (v: number) => boolean, msg: string, t: Map<string, Tally>): void {
  if (!a) return;
  if (a.shape[0] !== n) add(t, `${name} has ${a.shape[0]} entries for ${n} jets`, name);
  if (a.shape.length !== 1) return; // one-hot labels are checked by the reader
  const d = a.data as ArrayLike<number>;
  for (let j = 0; j < d.length; j++) if (!ok(Number(d[j]))) add(t, msg, `jet ${j}`);
}

/**
 * Every problem in an array-format jet file (.npy/.npz/.h5), as 'N x problem (first: where)' lines; undefined for
 * text formats or a file whose arrays cannot be read at all (then the reader's own error stands).
 */
export async function scanProblems(file: string, dataset: string): Promise<string[] | undefined> {
  const fmt = formatOf(file);
  if (fmt === 'csv' || fmt === 'jsonl') return undefined;
  const opt = (spec: string) => readArray(spec).catch(() => undefined);
  const X = await opt(fmt === 'npy' ? file : `${file}:${dataset}`);
  if (!X) return undefined;
  const t = new Map<string, Tally>();
  if (X.shape.length !== 3 || X.shape[2] < 3) add(t, `particle array has shape (${X.shape.join(', ')}), expected (N, M, 3|4)`, dataset);
  else scanParticles(X, t);
  if (fmt !== 'npy') {
    const n = X.shape[0];
    scanPerJet(await opt(`${file}:y`), n, 'labels', (v) => v === 0 || v === 1, 'label not 0 or 1', t);
    scanPerJet(await opt(`${file}:w`), n, 'weights', (v) => Number.isFinite(v) && v >= 0, 'weight not finite or negative', t);
  }
  return [...t].map(([p, e]) => `${e.count} x ${p} (first: ${e.first})`);
}
