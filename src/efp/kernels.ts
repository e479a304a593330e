// The 'efp' op behind the dispatcher: 'reference' = the TypeScript plan executor, 'native' = native/efp.cc,
// 'gpujs' = gpujs.ts (float32).
// (The brute-force oracle, efpBruteForce, is not a dispatcher backend: EFPSet exposes it as backend 'brute'.)
import { chunked, withControl, type RunOptions } from '../backend/control.js';
import { registerKernel } from '../backend/dispatch.js';
import { gpujsInstalled } from '../backend/gpujs.js';
import { loadNative } from '../backend/native.js';
import type { JetBatch } from '../jets/batch.js';
import { type ParsedProgram, runProgram } from './exec.js';
import { gpujsEfp } from './gpujs.js';
import { type Measure, measureConfig, measureJet } from './measure.js';

export interface EfpKernelArgs {
  jets: JetBatch;
  program: Int32Array;
  parsed: ParsedProgram;
  measure: Measure;
  /** Number of output columns. */
  K: number;
}

export type EfpKernel = (a: EfpKernelArgs, opts: RunOptions) => Promise<Float64Array>;

export const referenceEfp: EfpKernel = async ({ jets, parsed, measure, K }, opts) => {
  const out = new Float64Array(jets.length * K);
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

const native = loadNative();
if (native?.efpCompute) {
  const nativeEfp: EfpKernel = async ({ jets, program, measure, K }, opts) => {
    const out = new Float64Array(jets.length * K);
    const j = { offsets: jets.offsets, pt: jets.pt, y: jets.y, phi: jets.phi };
    await withControl(jets.length, opts, (control) =>
      native.efpCompute(j, program, measureConfig(measure), out, opts.threads ?? 0, control) as Promise<void>);
    return out;
  };
  registerKernel('efp', 'native', nativeEfp);
}

// gpu.js (float32) kernel: registered when the package resolves; gpu.js itself is imported on first use.
if (gpujsInstalled()) registerKernel('efp', 'gpujs', gpujsEfp);
