// The 'efp' op behind the dispatcher: 'reference' = the TypeScript plan executor, 'native' = native/efp.cc,
// 'gpujs' = gpujs.ts (float32), 'brute' = the M^n definition (efpBruteForce; never picked automatically).
import { chunked, withControl, type RunOptions } from '../backend/control.js';
import { registerKernel } from '../backend/dispatch.js';
import { gpujsInstalled } from '../backend/gpujs.js';
import { loadNative } from '../backend/native.js';
import type { JetBatch } from '../jets/batch.js';
import { efpBruteForce } from './brute.js';
import { type ParsedProgram, runProgram } from './exec.js';
import { graphFromEdges } from './graph.js';
import { gpujsEfp } from './gpujs.js';
import { type Measure, measureJet } from './measure.js';

export interface EfpKernelArgs {
  jets: JetBatch;
  program: Int32Array;
  parsed: ParsedProgram;
  measure: Measure;
  /** Number of output columns. */
  K: number;
  /** Each column's multigraph as an edge list (what the brute-force kernel evaluates literally). */
  edges: [number, number][][];
  /** Where to write the N x K values (length checked by EFPSet.batchCompute); a new array when absent. */
  out?: Float64Array;
}

export type EfpKernel = (a: EfpKernelArgs, opts: RunOptions) => Promise<Float64Array>;

export const referenceEfp: EfpKernel = async ({ jets, parsed, measure, K, out: into }, opts) => {
  const out = into ?? new Float64Array(jets.length * K);
  await chunked(jets.length, opts, (s, e) => {
    for (let j = s; j < e; j++) {
      const a = jets.offsets[j];
      const b = jets.offsets[j + 1];
      const { z, theta } = measureJet(measure, jets.pt.subarray(a, b), jets.y.subarray(a, b), jets.phi.subarray(a, b));
      runProgram(parsed, z, theta, out, j * K);
    }
  }, 16);
  return out;
};

registerKernel('efp', 'reference', referenceEfp);

/** The definition, sum over all M^n vertex assignments: for checks on small jets only. */
export const bruteEfp: EfpKernel = async ({ jets, measure, K, edges, out: into }, opts) => {
  const out = into ?? new Float64Array(jets.length * K);
  const graphs = edges.map((e) => graphFromEdges(e));
  await chunked(jets.length, opts, (s, e) => {
    for (let j = s; j < e; j++) {
      const a = jets.offsets[j];
      const b = jets.offsets[j + 1];
      const { z, theta } = measureJet(measure, jets.pt.subarray(a, b), jets.y.subarray(a, b), jets.phi.subarray(a, b));
      graphs.forEach((g, k) => (out[j * K + k] = efpBruteForce(g, z, theta)));
    }
  }, 1);
  return out;
};

registerKernel('efp', 'brute', bruteEfp);

const native = loadNative();
if (native?.efpCompute) {
  const nativeEfp: EfpKernel = async ({ jets, program, measure, K, out: into }, opts) => {
    const out = into ?? new Float64Array(jets.length * K); // (the addon writes every element)
    const { offsets, pt, y, phi } = jets;
    await withControl(jets.length, opts, (control) =>
      native.efpCompute({
        offsets, pt, y, phi, program, measure: measure.measure, kappa: measure.kappa, beta: measure.beta,
        normed: measure.normed, out, threads: opts.threads ?? 0, control,
      }) as Promise<void>);
    return out;
  };
  registerKernel('efp', 'native', nativeEfp);
}

// gpu.js (float32) kernel: registered when the package resolves; gpu.js itself is imported on first use.
if (gpujsInstalled()) registerKernel('efp', 'gpujs', gpujsEfp);
