/**
 * The SEMD ops behind the dispatcher, one file for the area (as src/efp/kernels.ts and src/metrics/kernels.ts):
 * 'semd.spectra', 'semd.matrix', 'semd.embed', 'semd.knn' and 'semd.ballCounts'. Each has a 'reference' kernel
 * (plain TypeScript, all pairs: what the tests compare against) and a 'native' kernel (native/semd.cc) registered
 * when the addon has it; 'semd.matrix' also has 'gpujs' (gpujs.ts, float32) when gpu.js is installed.
 * The facades (spectrum.ts, distance.ts, embed.ts, knn.ts) validate options and import this file.
 *
 * Those facades import this file and this file imports their per-jet functions: the cycle is safe because nothing
 * here touches their bindings while the modules load (only inside kernels, at call time).
 */
import { chunked, withControl, type RunOptions } from '../backend/control.js';
import { registerKernel } from '../backend/dispatch.js';
import { gpujsInstalled } from '../backend/gpujs.js';
import { loadNative } from '../backend/native.js';
import type { JetBatch } from '../jets/batch.js';
import { semdReference } from './distance.js';
import { embedOne, embedSpectra, maxTotalWeight } from './embed.js';
import { gpujsSemdMatrix } from './gpujs.js';
import { bruteRow, type BallCounts, type KnnResult } from './knn.js';
import { allocateSpectra, checkSpectrumOptions, spectraCount, spectraReference, type Spectra, type SpectrumOptions } from './spectrum.js';

export type SpectraKernel = (batch: JetBatch, opts: SpectrumOptions, run: RunOptions) => Promise<Spectra>;
/** Matrix kernel: B null means the symmetric pairwise matrix of A. */
export type MatrixKernel = (A: Spectra, B: Spectra | null, run: RunOptions) => Promise<Float64Array>;
export type EmbedKernel = (S: Spectra, K: number, T: number, threads: number) => Float64Array;
/** Run options a kNN kernel sees: native also uses `cells` (its embedding) and `brute` (no tree). */
export type KnnRun = RunOptions & { brute?: boolean; cells?: number };
export type KnnKernel = (S: Spectra, k: number, queries: [number, number], run: KnnRun) => Promise<KnnResult>;
/** query null: leave-one-out on the reference set. `cells`: the native kernel's embedding size. */
export type BallKernel = (ref: Spectra, labels: Uint8Array, query: Spectra | null, eps: Float64Array, run: RunOptions & { cells?: number }) => Promise<BallCounts>;

// ---------- reference (plain TypeScript) ----------

export const referenceSpectra: SpectraKernel = async (batch, opts) => spectraReference(batch, opts);
registerKernel('semd.spectra', 'reference', referenceSpectra);

export const referenceMatrix: MatrixKernel = async (A, B, run) => {
  const na = spectraCount(A);
  const self = B === null;
  const BB = B ?? A;
  const nb = spectraCount(BB);
  const out = new Float64Array(na * nb);
  await chunked(na, run, (s, e) => {
    for (let i = s; i < e; i++) {
      for (let j = self ? i : 0; j < nb; j++) {
        const d = self && i === j ? 0 : semdReference(A, i, BB, j);
        out[i * nb + j] = d;
        if (self) out[j * nb + i] = d;
      }
    }
  }, 16);
  return out;
};
registerKernel('semd.matrix', 'reference', referenceMatrix);

export const referenceEmbed: EmbedKernel = (S, K, T) => {
  const n = spectraCount(S);
  const u = new Float64Array(n * (K + 1));
  for (let j = 0; j < n; j++) embedOne(S, j, K, T, u, j * (K + 1));
  return u;
};
registerKernel('semd.embed', 'reference', referenceEmbed);

export const referenceKnn: KnnKernel = async (S, k, [q0, q1], run) => {
  const nq = q1 - q0;
  const index = new Int32Array(nq * k);
  const distance = new Float64Array(nq * k);
  await chunked(nq, run, (s, e) => {
    for (let r = s; r < e; r++) bruteRow(S, q0 + r, k, r, index, distance);
  }, 8);
  return { index, distance, n: nq, first: q0, k, refined: nq * (spectraCount(S) - 1) };
};
registerKernel('semd.knn', 'reference', referenceKnn);

export const referenceBallCounts: BallKernel = async (ref, labels, query, eps, run) => {
  const Q = query ?? ref;
  const nq = spectraCount(Q);
  const nr = spectraCount(ref);
  const E = eps.length;
  const signal = new Int32Array(nq * E);
  const background = new Int32Array(nq * E);
  await chunked(nq, run, (s, e) => {
    for (let q = s; q < e; q++) {
      for (let j = 0; j < nr; j++) {
        if (query === null && j === q) continue;
        const d = semdReference(Q, q, ref, j);
        const out = labels[j] ? signal : background;
        for (let c = 0; c < E; c++) if (d <= eps[c]) out[q * E + c]++;
      }
    }
  }, 8);
  return { signal, background, nq, E, refined: nq * nr };
};
registerKernel('semd.ballCounts', 'reference', referenceBallCounts);

// ---------- gpu.js (float32), registered when the package resolves; gpu.js itself loads on first use ----------

if (gpujsInstalled()) registerKernel('semd.matrix', 'gpujs', gpujsSemdMatrix);

// ---------- native (native/semd.cc) ----------

const native = loadNative();
if (native?.semdSpectra) {
  registerKernel('semd.spectra', 'native', (async (batch, opts, run) => {
    const { raw, beta } = checkSpectrumOptions(opts);
    const spec = allocateSpectra(batch);
    await withControl(batch.length, run, (control) => native.semdSpectra(batch, raw ? 1 : 0, beta, spec, run.threads ?? 0, control));
    return spec;
  }) as SpectraKernel);
}

if (native?.semdMatrix) {
  registerKernel('semd.matrix', 'native', (async (A, B, run) => {
    const na = spectraCount(A);
    const nb = B ? spectraCount(B) : na;
    const out = new Float64Array(na * nb);
    await withControl(na, run, (control) => native.semdMatrix(A, B, out, run.threads ?? 0, control));
    return out;
  }) as MatrixKernel);
}

if (native?.semdEmbed) {
  registerKernel('semd.embed', 'native', ((S, K, T, threads) => {
    const u = new Float64Array(spectraCount(S) * (K + 1));
    native.semdEmbed(S, K, T, u, threads);
    return u;
  }) as EmbedKernel);
}

if (native?.semdKnn) {
  registerKernel('semd.knn', 'native', (async (S, k, [q0, q1], run) => {
    const nq = q1 - q0;
    const index = new Int32Array(nq * k);
    const distance = new Float64Array(nq * k);
    const e = embedSpectra(S, { K: run.cells ?? 64, backend: 'native', threads: run.threads });
    const res = await withControl<{ refined: number; nodes: number; bounds: number }>(nq, run, (control) =>
      native.semdKnn(S, e.u, e.K + 1, k, run.brute ? 1 : 0, index, distance, run.threads ?? 0, control, q0, q1));
    return { index, distance, n: nq, first: q0, k, refined: res.refined, nodes: res.nodes, bounds: res.bounds };
  }) as KnnKernel);
}

if (native?.semdBallCounts) {
  registerKernel('semd.ballCounts', 'native', (async (ref, labels, query, eps, run) => {
    const Q = query ?? ref;
    const nq = spectraCount(Q);
    const E = eps.length;
    const signal = new Int32Array(nq * E);
    const background = new Int32Array(nq * E);
    // One T for both sets so their embeddings share the cells (raw energies: the largest total weight).
    const T = query ? maxTotalWeight(ref, query) : maxTotalWeight(ref);
    const K = run.cells ?? 64;
    const refEmb = embedSpectra(ref, { K, T, backend: 'native', threads: run.threads });
    const qEmb = query ? embedSpectra(query, { K, T, backend: 'native', threads: run.threads }) : refEmb;
    const res = await withControl<{ refined: number }>(nq, run, (control) =>
      native.semdBallCounts(ref, refEmb.u, K + 1, labels, Q, qEmb.u, eps, query === null ? 1 : 0, signal, background, run.threads ?? 0, control));
    return { signal, background, nq, E, refined: res.refined as number };
  }) as BallKernel);
}
