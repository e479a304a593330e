// TypeScript executor of plan programs (see plan.ts for the format): the 'reference' backend of EFPSet.
import { JetlensInputError } from '../errors.js';
import { OP_CONTRACT, OP_CONTRACT_SYM, OP_PERMUTE, PLAN_VERSION } from './plan.js';

interface ContractOp { kind: 1; out: number; r: number; factors: { buf: number; rank: number; levels: number[] }[] }
interface PermuteOp { kind: 2; out: number; input: number; perm: number[] }

export interface ParsedProgram {
  W: number;
  bufRank: number[];
  ops: (ContractOp | PermuteOp)[];
  results: number[];
  columns: number[][];
}

export function parseProgram(p: Int32Array): ParsedProgram {
  let i = 0;
  const next = () => {
    if (i >= p.length) throw new Error('EFP program truncated');
    return p[i++];
  };
  if (next() !== PLAN_VERSION) throw new Error('EFP program: unknown version');
  const W = next();
  const nBuf = next();
  const bufRank = Array.from({ length: nBuf }, next);
  const nOps = next();
  const ops: (ContractOp | PermuteOp)[] = [];
  for (let k = 0; k < nOps; k++) {
    const kind = next();
    if (kind === OP_CONTRACT || kind === OP_CONTRACT_SYM) {
      const out = next();
      const r = next();
      const nf = next();
      const factors = Array.from({ length: nf }, () => {
        const buf = next();
        const rank = next();
        return { buf, rank, levels: Array.from({ length: rank }, next) };
      });
      ops.push({ kind: 1, out, r, factors });
    } else if (kind === OP_PERMUTE) {
      const out = next();
      const input = next();
      const rank = next();
      ops.push({ kind: 2, out, input, perm: Array.from({ length: rank }, next) });
    } else throw new Error(`EFP program: unknown op ${kind}`);
  }
  const results = Array.from({ length: next() }, next);
  const columns = Array.from({ length: next() }, () => Array.from({ length: next() }, next));
  return { W, bufRank, ops, results, columns };
}

/** Runs the program on one jet (z, base theta) and writes the column values to out[offset..]. */
export function runProgram(prog: ParsedProgram, z: Float64Array, theta: Float64Array, out: Float64Array, offset = 0): void {
  const M = z.length;
  if (M === 0) {
    for (let c = 0; c < prog.columns.length; c++) out[offset + c] = 0;
    return;
  }
  const doubles = prog.bufRank.reduce((t, r) => t + Math.pow(M, r), 0);
  if (doubles > 2 ** 28) {
    throw new JetlensInputError(`EFP: a jet of ${M} particles needs ${Math.round((doubles * 8) / 1e6)} MB of intermediates; select graphs of lower complexity c`);
  }
  const bufs: Float64Array[] = prog.bufRank.map((r) => new Float64Array(Math.pow(M, r)));
  bufs[0].set(z);
  if (prog.W >= 1) bufs[1].set(theta);
  for (let w = 2; w <= prog.W; w++) for (let k = 0; k < M * M; k++) bufs[w][k] = bufs[w - 1][k] * theta[k];
  for (const op of prog.ops) {
    if (op.kind === 1) contract(op, bufs, M);
    else permute(op, bufs, M);
  }
  const vals = prog.results.map((b) => bufs[b][0]);
  prog.columns.forEach((fs, c) => {
    let v = 1;
    for (const f of fs) v *= vals[f];
    out[offset + c] = v;
  });
}

function contract(op: ContractOp, bufs: Float64Array[], M: number): void {
  const L = op.r + 1;
  const out = bufs[op.out];
  out.fill(0);
  // row-major strides per loop level for the output and each factor
  const outStride = new Array(L).fill(0);
  for (let a = 0; a < op.r; a++) outStride[a < op.r - 1 ? a : op.r] += Math.pow(M, op.r - 1 - a);
  const fStride = op.factors.map((f) => {
    const s = new Array(L).fill(0);
    f.levels.forEach((lev, a) => (s[lev] += Math.pow(M, f.rank - 1 - a)));
    return s;
  });
  const data = op.factors.map((f) => bufs[f.buf]);
  const inner = L - 1;
  const idx = new Array(Math.max(0, L - 1)).fill(0);
  const nOuter = Math.pow(M, L - 1);
  for (let it = 0; it < nOuter; it++) {
    let o = 0;
    for (let l = 0; l < L - 1; l++) o += idx[l] * outStride[l];
    let coef = 1;
    const offs = fStride.map((s) => {
      let x = 0;
      for (let l = 0; l < L - 1; l++) x += idx[l] * s[l];
      return x;
    });
    fStride.forEach((s, f) => {
      if (s[inner] === 0) coef *= data[f][offs[f]];
    });
    if (coef !== 0) {
      for (let i = 0; i < M; i++) {
        let p = coef;
        for (let f = 0; f < data.length; f++) if (fStride[f][inner] !== 0) p *= data[f][offs[f] + i * fStride[f][inner]];
        out[o + i * outStride[inner]] += p;
      }
    }
    for (let l = L - 2; l >= 0; l--) {
      if (++idx[l] < M) break;
      idx[l] = 0;
    }
  }
}

function permute(op: PermuteOp, bufs: Float64Array[], M: number): void {
  const r = op.perm.length;
  const src = bufs[op.input];
  const dst = bufs[op.out];
  const inStride = Array.from({ length: r }, (_, a) => Math.pow(M, r - 1 - a));
  const idx = new Array(r).fill(0);
  for (let k = 0; k < dst.length; k++) {
    let s = 0;
    for (let a = 0; a < r; a++) s += idx[a] * inStride[op.perm[a]];
    dst[k] = src[s];
    for (let a = r - 1; a >= 0; a--) {
      if (++idx[a] < M) break;
      idx[a] = 0;
    }
  }
}
