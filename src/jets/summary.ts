import type { JetBatch } from './batch.js';
import { pdgMass } from './pdg.js';

export interface Stats {
  min: number;
  mean: number;
  max: number;
}

/** A distribution's summary with its spread. */
export interface Dist extends Stats {
  sd: number;
  median: number;
}

/** Per-class summary: multiplicity, jet mass and jet pT (four-vector sums). */
export interface ClassSummary {
  /** 1 = signal, 0 = background; null when the file has no labels (all jets). */
  label: number | null;
  jets: number;
  multiplicity: Dist;
  /**
   * Jet mass (GeV) with the constituent masses of the mass column, else from the PDG ids when every id is known
   * (src/jets/pdg.ts, as EnergyFlow's pids2ms), else massless; `massSource` says which.
   */
  mass: Dist;
  /** Jet pT (GeV) of the four-vector sum. */
  pt: Dist;
  massSource: MassSource;
}

export type MassSource = 'mass column' | 'PDG ids' | 'massless';

/** Constituent masses for the summary, and where they came from. */
function constituentMasses(b: JetBatch): [Float64Array | null, MassSource] {
  if (b.mass) return [b.mass, 'mass column'];
  if (!b.pid) return [null, 'massless'];
  const m = new Float64Array(b.size);
  for (let i = 0; i < b.size; i++) {
    const x = pdgMass(b.pid[i]);
    if (x === undefined) return [null, 'massless'];
    m[i] = x;
  }
  return [m, 'PDG ids'];
}

/** What `jetlens info` reports about a batch. */
export interface JetSummary {
  jets: number;
  particles: number;
  multiplicity: Stats;
  /** Scalar sum of constituent pT per jet (GeV). */
  ptSum: Stats;
  rapidity: Stats;
  phi: Stats;
  labels?: { signal: number; background: number };
  weights?: Stats;
  hasPid: boolean;
  /** Per class (signal first), or one entry for all jets when unlabelled. */
  classes: ClassSummary[];
  emptyJets: number;
  problems: string[];
}

function stats(n: number, get: (i: number) => number): Stats {
  if (n === 0) return { min: NaN, mean: NaN, max: NaN };
  let min = Infinity, max = -Infinity, sum = 0;
  for (let i = 0; i < n; i++) {
    const v = get(i);
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  return { min, mean: sum / n, max };
}

function dist(values: Float64Array): Dist {
  const n = values.length;
  const st = stats(n, (i) => values[i]);
  if (n === 0) return { ...st, sd: NaN, median: NaN };
  let v = 0;
  for (const x of values) v += (x - st.mean) ** 2;
  const sorted = Float64Array.from(values).sort();
  const median = n % 2 ? sorted[n >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { ...st, sd: Math.sqrt(v / n), median };
}

/** Jet mass and pT of jet j: four-vector sum with constituent masses `ms` (null: massless). */
function jetMassPt(b: JetBatch, j: number, ms: Float64Array | null): [number, number] {
  let e = 0, px = 0, py = 0, pz = 0;
  for (let i = b.offsets[j]; i < b.offsets[j + 1]; i++) {
    const m = ms ? ms[i] : 0;
    const mt = m === 0 ? b.pt[i] : Math.sqrt(b.pt[i] * b.pt[i] + m * m);
    e += mt * Math.cosh(b.y[i]);
    px += b.pt[i] * Math.cos(b.phi[i]);
    py += b.pt[i] * Math.sin(b.phi[i]);
    pz += mt * Math.sinh(b.y[i]);
  }
  return [Math.sqrt(Math.max(0, e * e - px * px - py * py - pz * pz)), Math.hypot(px, py)];
}

/** Multiplicity, mass and pT per class (label 1 first, then 0), or of all jets without labels. */
export function classSummaries(b: JetBatch): ClassSummary[] {
  const [ms, massSource] = constituentMasses(b);
  const groups: [number | null, number[]][] = b.labels
    ? [1, 0].map((l) => [l, Array.from({ length: b.length }, (_, j) => j).filter((j) => b.labels![j] === l)] as [number, number[]])
    : [[null, Array.from({ length: b.length }, (_, j) => j)]];
  return groups
    .filter(([, js]) => js.length > 0)
    .map(([label, js]) => {
      const mult = new Float64Array(js.length), mass = new Float64Array(js.length), pt = new Float64Array(js.length);
      js.forEach((j, k) => {
        mult[k] = b.mult(j);
        [mass[k], pt[k]] = jetMassPt(b, j, ms);
      });
      return { label, jets: js.length, multiplicity: dist(mult), mass: dist(mass), pt: dist(pt), massSource };
    });
}

/** Counts and summaries of a (validated) batch, plus the problems worth a physicist's attention. */
export function summarize(b: JetBatch): JetSummary {
  const n = b.length;
  const ptSum = (j: number) => {
    let s = 0;
    for (let i = b.offsets[j]; i < b.offsets[j + 1]; i++) s += b.pt[i];
    return s;
  };
  const empty = b.emptyJets();
  const problems: string[] = [];
  if (empty.length) problems.push(`${empty.length} empty jet(s) (first: jet ${empty[0]})`);
  if (b.labels) {
    const s = b.labels.reduce((a, v) => a + v, 0);
    if (s === 0 || s === n) problems.push(`only one class present (${s === 0 ? 'background' : 'signal'})`);
  } else problems.push('no labels');
  if (b.weights?.some((w) => w === 0)) problems.push('some weights are zero');
  return {
    jets: n,
    particles: b.size,
    multiplicity: stats(n, (j) => b.mult(j)),
    ptSum: stats(n, ptSum),
    rapidity: stats(b.size, (i) => b.y[i]),
    phi: stats(b.size, (i) => b.phi[i]),
    labels: b.labels ? { signal: b.labels.reduce((a, v) => a + v, 0), background: n - b.labels.reduce((a, v) => a + v, 0) } : undefined,
    weights: b.weights ? stats(n, (j) => b.weights![j]) : undefined,
    hasPid: b.pid !== undefined,
    classes: classSummaries(b),
    emptyJets: empty.length,
    problems,
  };
}
