import type { RunOptions } from '../backend/control.js';
import { EFPSet } from '../efp/index.js';
import type { JetBatch } from '../jets/batch.js';
import type { Candidates, CandidateInfo } from './guided.js';

export interface CandidateSpace {
  select: string; // EFP selection, e.g. 'd<=5'
  kappas: number[];
  betas: number[];
}

/** The paper's parameter grid: kappa in {-1, 0, 1/2, 1, 2}, beta in {1/2, 1, 2}. */
export const PAPER_SPACE: CandidateSpace = { select: 'd<=5', kappas: [-1, 0, 0.5, 1, 2], betas: [0.5, 1, 2] };

const edgeLabel = (edges: [number, number][]) => (edges.length ? edges.map(([a, b]) => `${a}-${b}`).join(',') : '•');

/**
 * Every EFP of the selection at every (kappa, beta), as candidate columns. Graphs without edges do not depend
 * on beta and enter once per kappa (kappa = 0 on the one-vertex graph is the multiplicity); with kappa = 1 and
 * normed z they are the constant 1 and are left out.
 */
export async function efpCandidates(jets: JetBatch, space: CandidateSpace, run: RunOptions = {}): Promise<Candidates> {
  const info: CandidateInfo[] = [];
  const blocks: { values: Float64Array; cols: number[] }[] = [];
  const N = jets.length;
  let done = 0;
  const total = space.kappas.length * space.betas.length;
  for (const kappa of space.kappas) {
    for (const [bi, beta] of space.betas.entries()) {
      const set = new EFPSet(space.select, { measure: 'hadr', kappa, beta, normed: true });
      const keep = set.columns.map((c, k) => ({ c, k })).filter(({ c }) => (c.spec.d > 0 ? true : bi === 0 && kappa !== 1));
      if (keep.length === 0) continue;
      const block = done;
      // progress in thousandths of the whole space, so a long (kappa, beta) block still moves the bar
      const onProgress = run.onProgress && ((d: number, t: number) => run.onProgress!(Math.floor(((block + d / Math.max(1, t)) / total) * 1000), 1000));
      const values = await set.batchCompute(jets, { ...run, onProgress });
      blocks.push({ values, cols: keep.map(({ k }) => k) });
      for (const { c } of keep) {
        info.push({
          name: `efp[${edgeLabel(c.edges)}](k=${kappa},b=${c.spec.d > 0 ? beta : '-'})`,
          edges: c.edges, n: c.spec.n, d: c.spec.d, chi: c.spec.chi, kappa, beta: c.spec.d > 0 ? beta : NaN,
        });
      }
      run.onProgress?.(Math.floor((++done / total) * 1000), 1000);
    }
  }
  // (N x K_set) row-major blocks -> one (K x N) candidate-major matrix.
  const out = new Float64Array(info.length * N);
  let k0 = 0;
  for (const { values, cols } of blocks) {
    const K = values.length / N;
    cols.forEach((col, i) => {
      const row = (k0 + i) * N;
      for (let j = 0; j < N; j++) out[row + j] = values[j * K + col];
    });
    k0 += cols.length;
  }
  return { info, values: out };
}
