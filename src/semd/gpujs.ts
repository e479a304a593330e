/**
 * 'gpujs' backend of 'semd.matrix' (gpu.js, **float32**): one kernel thread per output cell runs the same merge
 * of two sorted spectra as semd2Reference, with a fixed loop bound (the two padded spectrum lengths of the tile)
 * and guards instead of a data-dependent bound. Spectra are cut into tiles of jets padded to the longest spectrum
 * of the tile (flat arrays indexed by hand: gpu.js 'cpu' mode mis-reads input() 2D arguments whose size changes). Every term (R_A - R_B)^2 dt is >= 0, so a plain float32 sum is used (no compensation); identical
 * spectra still give exactly 0. A pairwise matrix computes the upper triangle and mirrors it (exactly symmetric,
 * zero diagonal, as the reference).
 *
 * Registered in kernels.ts when gpu.js is installed. 'semd.spectra' has no gpu.js kernel: backend 'gpujs' computes spectra with the float64 native (else reference)
 * kernel, so semdMatrix(jets, {backend: 'gpujs'}) works end to end.
 */
import { type RunOptions } from '../backend/control.js';
import { GPUJS_MAX_INDEX, type GpuJs, loadGpuJs } from '../backend/gpujs.js';
import { JetlensAbortError, JetlensInputError } from '../errors.js';
import { type Spectra, spectraCount } from './spectrum.js';

/** Jets per tile side: rows x columns of one kernel call. */
const TILE_ROWS = 128;
const TILE_COLS = 1024;

/* eslint-disable @typescript-eslint/no-explicit-any */
const kernels = new WeakMap<object, any>();

function mergeKernel(g: GpuJs): any {
  let k = kernels.get(g.gpu);
  if (k) return k;
  k = g.gpu.createKernel(function (this: any, omA: number[], cuA: number[], lenA: number[], La: number, omB: number[], cuB: number[], lenB: number[], Lb: number) {
    const a = this.thread.y;
    const b = this.thread.x;
    const ie = lenA[a];
    const je = lenB[b];
    const pa = a * La;
    const pb = b * Lb;
    const steps = La + Lb;
    let i = 0;
    let j = 0;
    let t = 0;
    let s = 0;
    for (let k = 0; k < steps; k++) {
      if (i < ie && j < je) {
        const ta = cuA[pa + i];
        const tb = cuB[pb + j];
        const tn = Math.min(ta, tb);
        const d = omA[pa + i] - omB[pb + j];
        s += d * d * (tn - t);
        t = tn;
        if (ta === tn) i = i + 1;
        if (tb === tn) j = j + 1;
      } else if (i < ie) {
        const oa = omA[pa + i];
        const ca = cuA[pa + i];
        s += oa * oa * (ca - t);
        t = ca;
        i = i + 1;
      } else if (j < je) {
        const ob = omB[pb + j];
        const cb = cuB[pb + j];
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

interface Tile { om: Float32Array; cu: Float32Array; len: Float32Array; L: number; n: number; start: number }

/** Jets s..e-1 of S as float32 arrays padded to the longest spectrum among them. */
function padTile(S: Spectra, s: number, e: number): Tile {
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
  return { om, cu, len, L, n, start: s };
}

/** Jets per tile: at most `max`, and few enough that flat float32 indices stay exact (< 2^24). */
function tileSize(S: Spectra, max: number): number {
  let L = 1;
  for (let j = 0; j < spectraCount(S); j++) L = Math.max(L, S.offsets[j + 1] - S.offsets[j]);
  if (L > GPUJS_MAX_INDEX) throw new JetlensInputError(`SEMD backend 'gpujs': a spectrum of ${L} entries is too long for float32 indexing; use backend 'native'`);
  return Math.max(1, Math.min(max, Math.floor(GPUJS_MAX_INDEX / L)));
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
  const colStep = tileSize(BB, TILE_COLS);
  const rowStep = tileSize(A, TILE_ROWS);
  for (let c = 0; c < nb; c += colStep) colTiles.push(padTile(BB, c, Math.min(nb, c + colStep)));
  for (let r = 0; r < na; r += rowStep) {
    if (run.signal?.aborted) throw new JetlensAbortError();
    const re = Math.min(na, r + rowStep);
    const rows = padTile(A, r, re);
    colTiles.forEach((cols) => {
      const c = cols.start;
      if (self && c + cols.n <= r) return; // strictly below the diagonal: mirrored below
      k.setOutput([cols.n, rows.n]);
      const res: Float32Array[] = k(rows.om, rows.cu, rows.len, rows.L, cols.om, cols.cu, cols.len, cols.L);
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
