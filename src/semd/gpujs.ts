/**
 * 'gpujs' backend of 'semd.matrix' (gpu.js, **float32**): one kernel thread per output cell runs the same merge
 * of two sorted spectra as semd2Reference, with a fixed loop bound (the two padded spectrum lengths of the tile)
 * and guards instead of a data-dependent bound. Spectra are cut into tiles of jets padded to the longest spectrum
 * of the tile. Every term (R_A - R_B)^2 dt is >= 0, so a plain float32 sum is used (no compensation); identical
 * spectra still give exactly 0. A pairwise matrix computes the upper triangle and mirrors it (exactly symmetric,
 * zero diagonal, as the reference).
 *
 * 'semd.spectra' has no gpu.js kernel: backend 'gpujs' computes spectra with the float64 native (else reference)
 * kernel, so semdMatrix(jets, {backend: 'gpujs'}) works end to end.
 */
import { type RunOptions } from '../backend/control.js';
import { backendsFor, getKernel, registerKernel } from '../backend/dispatch.js';
import { type GpuJs, gpujsInstalled, loadGpuJs } from '../backend/gpujs.js';
import { JetlensAbortError } from '../errors.js';
import type { JetBatch } from '../jets/batch.js';
import { type Spectra, type SpectrumOptions, spectraCount } from './spectrum.js';

/** Jets per tile side: rows x columns of one kernel call. */
const TILE_ROWS = 128;
const TILE_COLS = 1024;

/* eslint-disable @typescript-eslint/no-explicit-any */
const kernels = new WeakMap<object, any>();

function mergeKernel(g: GpuJs): any {
  let k = kernels.get(g.gpu);
  if (k) return k;
  k = g.gpu.createKernel(function (this: any, omA: number[][], cuA: number[][], lenA: number[], omB: number[][], cuB: number[][], lenB: number[], steps: number) {
    const a = this.thread.y;
    const b = this.thread.x;
    const ie = lenA[a];
    const je = lenB[b];
    let i = 0;
    let j = 0;
    let t = 0;
    let s = 0;
    for (let k = 0; k < steps; k++) {
      if (i < ie && j < je) {
        const ta = cuA[a][i];
        const tb = cuB[b][j];
        const tn = Math.min(ta, tb);
        const d = omA[a][i] - omB[b][j];
        s += d * d * (tn - t);
        t = tn;
        if (ta === tn) i = i + 1;
        if (tb === tn) j = j + 1;
      } else if (i < ie) {
        const oa = omA[a][i];
        const ca = cuA[a][i];
        s += oa * oa * (ca - t);
        t = ca;
        i = i + 1;
      } else if (j < je) {
        const ob = omB[b][j];
        const cb = cuB[b][j];
        s += ob * ob * (cb - t);
        t = cb;
        j = j + 1;
      }
    }
    if (s > 0) return Math.sqrt(s);
    return 0;
  }, { dynamicOutput: true, dynamicArguments: true, output: [1, 1] });
  kernels.set(g.gpu, k);
  return k;
}

interface Tile { om: any; cu: any; len: Float32Array; L: number; n: number }

/** Jets s..e-1 of S as float32 arrays padded to the longest spectrum among them. */
function padTile(g: GpuJs, S: Spectra, s: number, e: number): Tile {
  const n = e - s;
  let L = 1;
  for (let j = s; j < e; j++) L = Math.max(L, S.offsets[j + 1] - S.offsets[j]);
  const om = new Float32Array(n * L);
  const cu = new Float32Array(n * L);
  const len = new Float32Array(n);
  for (let j = s; j < e; j++) {
    const a = S.offsets[j];
    const b = S.offsets[j + 1];
    len[j - s] = b - a;
    om.set(S.omega.subarray(a, b), (j - s) * L);
    cu.set(S.cum.subarray(a, b), (j - s) * L);
  }
  return { om: g.input(om, [L, n]), cu: g.input(cu, [L, n]), len, L, n };
}

export async function gpujsSemdMatrix(A: Spectra, B: Spectra | null, run: RunOptions): Promise<Float64Array> {
  const g = await loadGpuJs();
  const k = mergeKernel(g);
  const self = B === null;
  const BB = B ?? A;
  const na = spectraCount(A);
  const nb = spectraCount(BB);
  const out = new Float64Array(na * nb);
  const colTiles: Tile[] = [];
  for (let c = 0; c < nb; c += TILE_COLS) colTiles.push(padTile(g, BB, c, Math.min(nb, c + TILE_COLS)));
  for (let r = 0; r < na; r += TILE_ROWS) {
    if (run.signal?.aborted) throw new JetlensAbortError();
    const re = Math.min(na, r + TILE_ROWS);
    const rows = padTile(g, A, r, re);
    colTiles.forEach((cols, ci) => {
      const c = ci * TILE_COLS;
      if (self && c + cols.n <= r) return; // strictly below the diagonal: mirrored below
      k.setOutput([cols.n, rows.n]);
      const res: Float32Array[] = k(rows.om, rows.cu, rows.len, cols.om, cols.cu, cols.len, rows.L + cols.L);
      for (let i = 0; i < rows.n; i++) {
        const row = res[i];
        const o = (r + i) * nb + c;
        for (let j = 0; j < cols.n; j++) out[o + j] = row[j];
      }
    });
    run.onProgress?.(re, na);
    if (re < na) await new Promise((res) => setImmediate(res));
  }
  if (self) {
    for (let i = 0; i < na; i++) {
      out[i * nb + i] = 0;
      for (let j = i + 1; j < nb; j++) out[j * nb + i] = out[i * nb + j];
    }
  }
  return out;
}

type SpectraKernel = (batch: JetBatch, opts: SpectrumOptions, run: RunOptions) => Promise<Spectra>;

if (gpujsInstalled()) {
  registerKernel('semd.matrix', 'gpujs', gpujsSemdMatrix);
  // never 'auto' here: JETLENS_BACKEND=gpujs would pick this kernel again
  registerKernel('semd.spectra', 'gpujs', ((batch, opts, run) => {
    const b = backendsFor('semd.spectra').includes('native') ? 'native' : 'reference';
    return getKernel<SpectraKernel>('semd.spectra', b).kernel(batch, opts, run);
  }) as SpectraKernel);
}
