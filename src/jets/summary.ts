import type { JetBatch } from './batch.js';

export interface Stats {
  min: number;
  mean: number;
  max: number;
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
    emptyJets: empty.length,
    problems,
  };
}
