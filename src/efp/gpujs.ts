/**
 * 'gpujs' backend of the 'efp' op: the same plan program as exec.ts, with every CONTRACT step run as one gpu.js
 * kernel over a padded batch of jets (jets sorted by multiplicity, padded to the largest M of their chunk).
 * Per jet, z and theta^w are computed in float64 on the CPU (measureJet, as the reference) and stored as float32;
 * PERMUTE steps and the final products of connected factors into columns run on the CPU.
 * Padding is exact: a padded particle has z = 0 and theta = 0, and every vertex sum carries that vertex's z factor.
 *
 * Precision: gpu.js computes in **float32** (all its modes), so columns agree with the float64 backends to about
 * 1e-5 relative (every term is >= 0, so there is no cancellation). Every plan step runs here (no column falls back);
 * intermediates up to rank 4 (elimination width c <= 5) are supported.
 */
import { type RunOptions } from '../backend/control.js';
import { JetlensAbortError, JetlensInputError } from '../errors.js';
import { GPUJS_MAX_INDEX, type GpuJs, loadGpuJs } from '../backend/gpujs.js';
import type { EfpKernelArgs } from './kernels.js';
import type { ParsedProgram } from './exec.js';
import { measureJet } from './measure.js';

const MAX_RANK = 4;
const MAX_FACTORS = 64;
/** Per factor: [buffer offset, stride of output axes 0..3, stride of the summed vertex s]. */
const DESC = 6;
const CHUNK_JETS = 1024;
/** Store size of one chunk (float32 values): bounds memory and the time between abort checks. */
const CHUNK_FLOATS = 2 ** 22;

/* eslint-disable @typescript-eslint/no-explicit-any */
const kernels = new WeakMap<object, any>();

/**
 * out[jet * cells + o] = sum_s prod_f ins[jet * perIn + off_f + sum_a o_a * stride_fa + s * stride_fs],
 * o = (o_0, .., o_{r-1}) row-major in base Mpad.
 */
function contractKernel(g: GpuJs): any {
  let k = kernels.get(g.gpu);
  if (k) return k;
  k = g.gpu.createKernel(function (this: any, ins: number[], desc: number[], nf: number, perIn: number, cells: number, Mpad: number, r: number) {
    const t = this.thread.x;
    const jet = Math.floor(t / cells);
    let o = t - jet * cells;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    // digits of o, least significant = last output axis
    if (r >= 4) { a3 = o % Mpad; o = Math.floor(o / Mpad); }
    if (r >= 3) { a2 = o % Mpad; o = Math.floor(o / Mpad); }
    if (r >= 2) { a1 = o % Mpad; o = Math.floor(o / Mpad); }
    if (r >= 1) { a0 = o; }
    const base = jet * perIn;
    // the first three factors' offsets are hoisted out of the s loop (most steps have <= 3 factors)
    let o0 = 0;
    let o1 = 0;
    let o2 = 0;
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    if (nf > 0) { o0 = base + desc[0] + a0 * desc[1] + a1 * desc[2] + a2 * desc[3] + a3 * desc[4]; t0 = desc[5]; }
    if (nf > 1) { o1 = base + desc[6] + a0 * desc[7] + a1 * desc[8] + a2 * desc[9] + a3 * desc[10]; t1 = desc[11]; }
    if (nf > 2) { o2 = base + desc[12] + a0 * desc[13] + a1 * desc[14] + a2 * desc[15] + a3 * desc[16]; t2 = desc[17]; }
    let sum = 0;
    for (let s = 0; s < Mpad; s++) {
      let p = ins[o0 + s * t0];
      if (nf > 1) p *= ins[o1 + s * t1];
      if (nf > 2) p *= ins[o2 + s * t2];
      for (let f = 3; f < nf; f++) {
        const d = f * 6;
        p *= ins[base + desc[d] + a0 * desc[d + 1] + a1 * desc[d + 2] + a2 * desc[d + 3] + a3 * desc[d + 4] + s * desc[d + 5]];
      }
      sum += p;
    }
    return sum;
  }, { dynamicOutput: true, dynamicArguments: true, loopMaxIterations: MAX_FACTORS, output: [1] });
  kernels.set(g.gpu, k);
  return k;
}

/** Offsets of the program's buffers in one jet's slice of the store, and the slice length. */
function layout(prog: ParsedProgram, Mpad: number): { off: number[]; perJet: number } {
  const off: number[] = [];
  let perJet = 0;
  for (const r of prog.bufRank) {
    off.push(perJet);
    perJet += Math.pow(Mpad, r);
  }
  return { off, perJet };
}

/** Kernel descriptor of one CONTRACT: loop level l < r-1 is output axis l, level r-1 is s, level r the last axis. */
function describe(op: { r: number; factors: { buf: number; rank: number; levels: number[] }[] }, off: number[], Mpad: number): Float32Array {
  const desc = new Float32Array(op.factors.length * DESC);
  const slot = (lev: number) => (op.r === 0 || lev === op.r - 1 ? 5 : lev < op.r - 1 ? 1 + lev : op.r);
  op.factors.forEach((f, i) => {
    desc[i * DESC] = off[f.buf];
    f.levels.forEach((lev, a) => (desc[i * DESC + slot(lev)] += Math.pow(Mpad, f.rank - 1 - a)));
  });
  return desc;
}

function permuteInStore(store: Float32Array, nj: number, perJet: number, src: number, dst: number, perm: number[], Mpad: number): void {
  const r = perm.length;
  const n = Math.pow(Mpad, r);
  const inStride = Array.from({ length: r }, (_, a) => Math.pow(Mpad, r - 1 - a));
  for (let j = 0; j < nj; j++) {
    const base = j * perJet;
    const idx = new Array(r).fill(0);
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let a = 0; a < r; a++) s += idx[a] * inStride[perm[a]];
      store[base + dst + k] = store[base + src + s];
      for (let a = r - 1; a >= 0; a--) {
        if (++idx[a] < Mpad) break;
        idx[a] = 0;
      }
    }
  }
}

/** Runs the program on the jets `idx` (all of multiplicity <= Mpad), writing rows of `out`. */
async function runChunk(g: GpuJs, a: EfpKernelArgs, idx: number[], Mpad: number, out: Float64Array, opts: RunOptions): Promise<void> {
  const { jets, parsed: prog, measure, K } = a;
  const { off, perJet } = layout(prog, Mpad);
  const nj = idx.length;
  const store = new Float32Array(nj * perJet);
  idx.forEach((jet, q) => {
    const s = jets.offsets[jet];
    const e = jets.offsets[jet + 1];
    const M = e - s;
    const { z, theta } = measureJet(measure, jets.pt.subarray(s, e), jets.y.subarray(s, e), jets.phi.subarray(s, e));
    const base = q * perJet;
    store.set(z, base + off[0]);
    const pw = Float64Array.from(theta);
    for (let w = 1; w <= prog.W; w++) {
      if (w > 1) for (let k = 0; k < M * M; k++) pw[k] *= theta[k]; // same recursion as the reference
      for (let i = 0; i < M; i++) store.set(pw.subarray(i * M, i * M + M), base + off[w] + i * Mpad);
    }
  });
  const k = contractKernel(g);
  for (const op of prog.ops) {
    // stay responsive to abort (and to timers) between steps of a long chunk
    await new Promise((r) => setImmediate(r));
    if (opts.signal?.aborted) throw new JetlensAbortError();
    if (op.kind === 2) {
      permuteInStore(store, nj, perJet, off[op.input], off[op.out], op.perm, Mpad);
      continue;
    }
    // gather only this step's factor buffers (the kernel's inputs are copied in on every call)
    const bufs = [...new Set(op.factors.map((f) => f.buf))];
    const loff: number[] = [];
    let perIn = 0;
    for (const b of bufs) { loff[b] = perIn; perIn += Math.pow(Mpad, prog.bufRank[b]); }
    const ins = new Float32Array(nj * perIn);
    for (let q = 0; q < nj; q++) {
      for (const b of bufs) {
        const from = q * perJet + off[b];
        ins.set(store.subarray(from, from + Math.pow(Mpad, prog.bufRank[b])), q * perIn + loff[b]);
      }
    }
    const cells = Math.pow(Mpad, op.r);
    k.setOutput([nj * cells]);
    const res: Float32Array = k(ins, describe(op, loff, Mpad), op.factors.length, perIn, cells, Mpad, op.r);
    for (let q = 0; q < nj; q++) store.set(res.subarray(q * cells, (q + 1) * cells), q * perJet + off[op.out]);
  }
  idx.forEach((jet, q) => {
    const vals = prog.results.map((b) => store[q * perJet + off[b]]);
    prog.columns.forEach((fs, c) => {
      let v = 1;
      for (const f of fs) v *= vals[f];
      out[jet * K + c] = v;
    });
  });
}

function checkProgram(prog: ParsedProgram): void {
  for (const op of prog.ops) {
    if (op.kind === 1 && (op.r > MAX_RANK || op.factors.length > MAX_FACTORS)) {
      throw new JetlensInputError(`EFP backend 'gpujs' supports intermediates of rank <= ${MAX_RANK} (c <= ${MAX_RANK + 1}); select graphs of lower complexity c or use backend 'native'`);
    }
  }
}

export async function gpujsEfp(a: EfpKernelArgs, opts: RunOptions): Promise<Float64Array> {
  const g = await loadGpuJs();
  checkProgram(a.parsed);
  const { jets } = a;
  const n = jets.length;
  const out = new Float64Array(n * a.K); // jets with no particle stay 0, as in the reference
  const order = Array.from({ length: n }, (_, j) => j).filter((j) => jets.mult(j) > 0);
  order.sort((x, y) => jets.mult(x) - jets.mult(y) || x - y);
  let i = 0;
  while (i < order.length) {
    if (opts.signal?.aborted) throw new JetlensAbortError();
    let e = i + 1;
    const limit = (m: number) => Math.floor(GPUJS_MAX_INDEX / layout(a.parsed, m).perJet);
    const size = (m: number) => layout(a.parsed, m).perJet;
    if (limit(jets.mult(order[i])) < 1) throw new JetlensInputError(`EFP backend 'gpujs': a jet of ${jets.mult(order[i])} particles needs more than 2^24 float32 intermediates; use backend 'native'`);
    while (e < order.length && e - i < CHUNK_JETS && e - i + 1 <= limit(jets.mult(order[e])) && (e - i + 1) * size(jets.mult(order[e])) <= CHUNK_FLOATS) e++;
    await runChunk(g, a, order.slice(i, e), jets.mult(order[e - 1]), out, opts);
    i = e;
    opts.onProgress?.(i + (n - order.length), n);
  }
  opts.onProgress?.(n, n);
  return out;
}
