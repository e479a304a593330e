/**
 * Observable columns -> the per-jet quantities a kernel must compute, and back.
 *
 * Every kernel (reference TS, native C++) fills the same "base" row per jet:
 *   [pt, mass, rap, phi, mult, width,  (e2, e3) per ECF beta,  tau_1..tau_nMax per tau beta]
 * and the ratios (C2, D2, tau21, tau32) are formed here, once, from that row, so every backend shares the
 * degenerate-jet conventions byte for byte.
 */
import { JetlensInputError } from '../errors.js';

export type AxesKind = 'kt' | 'wta' | 'onepass';
export const AXES: AxesKind[] = ['kt', 'wta', 'onepass'];

/** What a kernel computes per jet. */
export interface ObsRequest {
  ecfBetas: number[];
  /** Per ECF beta: whether e3 (O(M^3)) is needed; e2 is always computed (O(M^2)). */
  needE3: boolean[];
  tauBetas: number[];
  /** Largest N of tau_N needed (0 = no N-subjettiness). */
  nMax: number;
  axes: AxesKind;
}

/** Kinematic columns, in base-row order. `rap` is the jet rapidity (`y` is reserved for labels in .npz). */
export const KINEMATICS = ['pt', 'mass', 'rap', 'phi', 'mult', 'width'] as const;
export const MAX_TAU_N = 8;

/** Suffix of a beta in a column name: 1 -> 'b1', 0.5 -> 'b0.5'. */
export function betaSuffix(beta: number): string {
  return `b${beta}`;
}

/** The spec's default column set for ECF betas `betas` and N-subjettiness betas `tauBetas`. */
export function defaultColumns(betas: number[] = [1, 2], tauBetas: number[] = [1]): string[] {
  const cols = ['pt', 'mass', 'mult', 'width'];
  for (const f of ['e2', 'e3', 'c2', 'd2']) for (const b of betas) cols.push(`${f}_${betaSuffix(b)}`);
  for (const b of tauBetas) for (const f of ['tau1', 'tau2', 'tau3', 'tau21', 'tau32']) cols.push(`${f}_${betaSuffix(b)}`);
  return cols;
}

/** A parsed column: a kinematic quantity, or a beta-dependent one. */
export type Column =
  | { kind: 'kin'; name: string; index: number }
  | { kind: 'ecf'; name: string; what: 'e2' | 'e3' | 'c2' | 'd2'; beta: number }
  | { kind: 'tau'; name: string; n: number; beta: number }
  | { kind: 'tauRatio'; name: string; num: number; den: number; beta: number };

const BETA_COL = /^(e2|e3|c2|d2|tau(\d+))_b(.+)$/;

export function parseColumn(name: string): Column {
  const k = (KINEMATICS as readonly string[]).indexOf(name);
  if (k >= 0) return { kind: 'kin', name, index: k };
  const m = BETA_COL.exec(name);
  const beta = m ? Number(m[3]) : NaN;
  if (!m || m[3].trim() === '' || !Number.isFinite(beta) || beta <= 0) {
    throw new JetlensInputError(
      `unknown column '${name}' (expected ${KINEMATICS.join(', ')}, or e2|e3|c2|d2|tauN|tau21|tau32 with a suffix _b<beta>, beta > 0, e.g. c2_b1)`,
    );
  }
  const what = m[1];
  if (what === 'e2' || what === 'e3' || what === 'c2' || what === 'd2') return { kind: 'ecf', name, what, beta };
  const digits = m[2];
  if (digits === '21' || digits === '32') return { kind: 'tauRatio', name, num: Number(digits[0]), den: Number(digits[1]), beta };
  const n = Number(digits);
  if (!(n >= 1 && n <= MAX_TAU_N)) throw new JetlensInputError(`column '${name}': tau_N needs 1 <= N <= ${MAX_TAU_N}`);
  return { kind: 'tau', name, n, beta };
}

/** The smallest request that yields `columns`. */
export function planColumns(columns: string[], axes: AxesKind = 'kt'): { request: ObsRequest; parsed: Column[] } {
  if (!AXES.includes(axes)) throw new JetlensInputError(`axes must be one of ${AXES.join(', ')} (got '${axes}')`);
  const parsed = columns.map(parseColumn);
  const ecfBetas: number[] = [];
  const needE3: boolean[] = [];
  const tauBetas: number[] = [];
  let nMax = 0;
  for (const c of parsed) {
    if (c.kind === 'ecf') {
      let i = ecfBetas.indexOf(c.beta);
      if (i < 0) {
        i = ecfBetas.push(c.beta) - 1;
        needE3.push(false);
      }
      if (c.what !== 'e2') needE3[i] = true;
    } else if (c.kind === 'tau' || c.kind === 'tauRatio') {
      if (!tauBetas.includes(c.beta)) tauBetas.push(c.beta);
      nMax = Math.max(nMax, c.kind === 'tau' ? c.n : c.num);
    }
  }
  return { request: { ecfBetas, needE3, tauBetas, nMax, axes }, parsed };
}

/** Length of one base row. */
export function rowLength(r: ObsRequest): number {
  return KINEMATICS.length + 2 * r.ecfBetas.length + r.nMax * r.tauBetas.length;
}

/** Ratio with the spec's degenerate-jet rule: 0 when the denominator is 0 (never NaN). */
function ratio(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

/** Builds the requested columns from the base rows (N x rowLength). */
export function assembleColumns(base: Float64Array, n: number, r: ObsRequest, parsed: Column[]): Record<string, Float64Array> {
  const K = rowLength(r);
  const nk = KINEMATICS.length;
  const out: Record<string, Float64Array> = {};
  for (const c of parsed) {
    const col = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const row = j * K;
      if (c.kind === 'kin') col[j] = base[row + c.index];
      else if (c.kind === 'ecf') {
        const b = nk + 2 * r.ecfBetas.indexOf(c.beta);
        const e2 = base[row + b];
        const e3 = base[row + b + 1];
        col[j] = c.what === 'e2' ? e2 : c.what === 'e3' ? e3 : c.what === 'c2' ? ratio(e3, e2 * e2) : ratio(e3, e2 * e2 * e2);
      } else {
        const t = row + nk + 2 * r.ecfBetas.length + r.nMax * r.tauBetas.indexOf(c.beta) - 1; // t + N = tau_N
        col[j] = c.kind === 'tau' ? base[t + c.n] : ratio(base[t + c.num], base[t + c.den]);
      }
    }
    out[c.name] = col;
  }
  return out;
}
