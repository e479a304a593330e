// Variable-elimination planner: turns a list of connected graphs (each with an elimination order) into one flat
// Int32Array program that the TypeScript and C++ executors run per jet. Identical intermediate tensors across
// graphs are computed once (hash-consing on a label-free key), and buffers are reused after their last use.
//
// Tensors live in numbered buffers: buffer 0 = z (length M), buffers 1..W = theta^w (M x M, symmetric), the rest
// are intermediates of rank r (M^r doubles, row-major). One CONTRACT op computes
//     out[o_0..o_{r-1}] = sum_s prod_f F_f[...]
// as a loop nest of L = r + 1 levels: levels 0..r-2 = output axes 0..r-2, level r-1 = the summed vertex s,
// level r = the last output axis (innermost, stride 1 in the output and in every factor that has it), so the
// innermost loop is an axpy the compiler vectorises. For r = 0 the only level is s (a dot product).
// Each factor lists, per axis, the level it runs on. PERMUTE ops copy a tensor with its axes reordered when a
// non-symmetric factor does not have the innermost axis last.
//
// Program layout (all int32):
//   [VERSION, W, nBuf, rank[nBuf], nOps, ops..., nResults, resultBuf[nResults], nCols, (nf, result idx[nf])[nCols]]
//   CONTRACT: [1, out, r, nf, (buf, rank, level[rank])[nf]]       PERMUTE: [2, out, in, rank, perm[rank]]
//   (out axis i of a PERMUTE = in axis perm[i]).
import { JetlensInputError } from '../errors.js';
import { edgesOf, type MultiGraph } from './graph.js';

export const PLAN_VERSION = 1;
export const OP_CONTRACT = 1;
export const OP_PERMUTE = 2;
/** A CONTRACT whose output is symmetric in all its axes (see symmetricMatrixProduct). Executors may compute
 *  the sorted index tuples only and mirror. */
export const OP_CONTRACT_SYM = 3;

/** Highest contraction output rank the executors run (native: r < kMaxRank = 6, loop levels r + 1 <= 6): width c <= 6. */
export const MAX_PLAN_RANK = 5;

export interface PlanGraph {
  graph: MultiGraph;
  order: number[];
}

type LOp =
  | { kind: 'contract'; out: number; r: number; factors: { t: number; levels: number[] }[]; symOut: boolean }
  | { kind: 'permute'; out: number; input: number; perm: number[] };

export interface Plan {
  program: Int32Array;
  /** Highest theta power needed. */
  W: number;
  /** Largest intermediate rank (cost exponent of the heaviest op is maxRank + 1). */
  maxRank: number;
  /** Per-jet work estimate: sum over ops of M^(loop levels). */
  cost(M: number): number;
  /** Floating-point operations per jet of multiplicity M (multiplies and adds of the contractions). */
  flops(M: number): number;
  /** What cost and flops are made of: powers of M, and [power, multiplier] pairs (kept for the plan cache). */
  costTerms: number[];
  flopTerms: [number, number][];
}

/** A Plan from its program and terms (a shipped or cached plan). */
export function planFromParts(program: Int32Array, W: number, maxRank: number, costTerms: number[], flopTerms: [number, number][]): Plan {
  return {
    program, W, maxRank, costTerms, flopTerms,
    cost: (M: number) => costTerms.reduce((s, e) => s + Math.pow(M, e), 0),
    flops: (M: number) => flopTerms.reduce((s, [e, k]) => s + k * Math.pow(M, e), 0),
  };
}

/** Builds one program for `graphs` (connected) whose results are combined into columns (lists of graph indices). */
export function buildPlan(graphs: PlanGraph[], columns: number[][]): Plan {
  let W = 1;
  for (const { graph } of graphs) for (const w of graph.w) W = Math.max(W, w);
  const b = new Builder(W);
  const results = graphs.map(({ graph, order }) => {
    const start = initialFactors(graph);
    const chosen = sharingOrder(b, graph, start, order);
    let factors = start;
    for (const v of chosen) factors = b.eliminate(factors, v, graph);
    if (factors.length !== 1 || b.rank[factors[0].t as number] !== 0) throw new Error('EFP planner: graph is not connected or order is incomplete');
    return factors[0].t as number;
  });
  return linearise(b.ops, b.rank, W, results, columns);
}

/** z on every vertex and theta^w on every edge (w = edge multiplicity). */
function initialFactors(graph: MultiGraph): Factor[] {
  const factors: Factor[] = [];
  for (let v = 0; v < graph.n; v++) factors.push({ t: 0, axes: [v] });
  for (let a = 0; a < graph.n; a++) for (let b = a + 1; b < graph.n; b++) {
    const w = graph.w[a * graph.n + b];
    if (w) factors.push({ t: w, axes: [a, b] });
  }
  return factors;
}

/** Cost weight of a new op at a typical multiplicity (M = 50): M^(loop levels), halved for symmetric outputs. */
const M_COST = 50;

/**
 * The elimination order for one graph: the catalogue's (minimum-width) order, or a greedy one that reuses more of
 * the tensors other graphs already made (each step takes the vertex whose contraction is cheapest to add, a hit
 * costing nothing) when that is strictly cheaper and no wider. The 4-cycle, for instance, then eliminates both of
 * its middle vertices into the same theta diag(z) theta product the triangle made, instead of a second M^3 product.
 */
function sharingOrder(b: Builder, graph: MultiGraph, start: Factor[], given: number[]): number[] {
  const base = b.dryRun(() => {
    let f = start;
    let maxR = 0;
    for (const v of given) {
      f = b.eliminate(f, v, graph);
      maxR = Math.max(maxR, b.lastRank);
    }
    return maxR;
  });
  if (base.cost === 0) return given;
  const greedy = b.dryRun(() => {
    let f = start;
    const order: number[] = [];
    const left = [...given];
    while (left.length) {
      let best = -1;
      let bestCost = Infinity;
      for (let i = 0; i < left.length; i++) {
        const c = b.trial(() => {
          b.eliminate(f, left[i], graph);
          return b.lastRank <= base.value ? 0 : Infinity;
        });
        if (c < bestCost) { bestCost = c; best = i; }
        if (c === 0) break; // nothing cheaper than a hit (ties go to the catalogue order)
      }
      if (best < 0) return undefined;
      f = b.eliminate(f, left[best], graph);
      order.push(left[best]);
      left.splice(best, 1);
    }
    return order;
  });
  return greedy.value && greedy.cost < base.cost ? greedy.value : given;
}

type TensorId = number | string; // a string: the key of a tensor that a dry run would create

interface Factor {
  t: TensorId; // logical tensor id
  axes: number[]; // graph vertices
}

/** The ops and tensors of a plan under construction; in a dry run, new tensors are only counted (see sharingOrder). */
class Builder {
  readonly rank: number[] = [1];
  readonly sym: boolean[] = [false];
  readonly ops: LOp[] = [];
  private readonly byKey = new Map<string, number>();
  private dry: Map<string, { r: number; sym: boolean }> | undefined; // the tensors a dry run made, by key
  private cost = 0;
  private journal: string[] = []; // keys added in the current dry run, in order (trial() forgets its own)
  /** Rank-2 tensors as chains of symmetric matrices (theta^w) and diagonals: [T1, D0, T1] = theta diag(z) theta. */
  private readonly chains = new Map<TensorId, string[]>();
  /** Output rank of the last eliminate(). */
  lastRank = 0;

  constructor(readonly W: number) {
    for (let w = 1; w <= W; w++) { this.rank.push(2); this.sym.push(true); this.chains.set(w, [`T${w}`]); }
  }

  /**
   * A rank-2 step sum_s X[o0, s] diag(vectors(s)) Y[s, o1] as a chain, when X and Y are chains themselves. The
   * product of a chain that reads the same backwards is a symmetric matrix (every element is), so its step may
   * compute one triangle: theta diag(z) theta diag(z) theta of the 5-cycle, for instance.
   */
  private chainOf(r: number, parts: { t: TensorId; levels: number[] }[]): string[] | undefined {
    if (r !== 2) return undefined;
    let left: string[] | undefined;
    let right: string[] | undefined;
    const diag: string[] = [];
    for (const p of parts) {
      if (p.levels.length === 1 && p.levels[0] === 1) { diag.push(String(p.t)); continue; }
      const c = this.chains.get(p.t);
      if (!c || p.levels.length !== 2) return undefined;
      const [a, b] = p.levels;
      if (!left && ((a === 0 && b === 1) || (a === 1 && b === 0))) left = a === 0 ? c : [...c].reverse();
      else if (!right && ((a === 1 && b === 2) || (a === 2 && b === 1))) right = a === 1 ? c : [...c].reverse();
      else return undefined;
    }
    return left && right ? [...left, `D${diag.sort().join(',')}`, ...right] : undefined;
  }

  /** Runs `f` without creating anything; returns its value and the cost of the tensors it would add. */
  dryRun<T>(f: () => T): { value: T; cost: number } {
    this.dry = new Map();
    this.journal = [];
    this.cost = 0;
    try {
      const value = f();
      return { value, cost: this.cost };
    } finally {
      this.dry = undefined;
    }
  }

  /** Inside a dry run: the cost `f` would add (plus its return value), then forgets what it made. */
  trial(f: () => number): number {
    const made = this.journal.length;
    const cost0 = this.cost;
    const extra = f();
    const c = this.cost - cost0 + extra;
    for (const k of this.journal.splice(made)) this.dry!.delete(k);
    this.cost = cost0;
    return c;
  }

  private rankOf(t: TensorId): number {
    return typeof t === 'number' ? this.rank[t] : this.dry!.get(t)!.r;
  }

  private symOf(t: TensorId): boolean {
    return typeof t === 'number' ? this.sym[t] : (this.dry?.get(t)?.sym ?? false);
  }

  private lookup(key: string): TensorId | undefined {
    return this.byKey.get(key) ?? (this.dry?.has(key) ? key : undefined);
  }

  private tensor(key: string, r: number, make: (out: number) => LOp, symmetric: boolean, cost: number): TensorId {
    const hit = this.lookup(key);
    if (hit !== undefined) return hit;
    if (this.dry) {
      this.dry.set(key, { r, sym: symmetric });
      this.journal.push(key);
      this.cost += cost;
      return key;
    }
    const id = this.rank.length;
    this.rank.push(r);
    this.sym.push(symmetric);
    this.byKey.set(key, id);
    this.ops.push(make(id));
    return id;
  }

  /** Sums vertex v out of the factors that carry it: one CONTRACT (plus PERMUTEs of non-symmetric factors). */
  eliminate(factors: Factor[], v: number, graph: MultiGraph): Factor[] {
    const gathered = factors.filter((f) => f.axes.includes(v));
    const rest = factors.filter((f) => !f.axes.includes(v));
    const outs = [...new Set(gathered.flatMap((f) => f.axes))].filter((x) => x !== v).sort((a, b) => a - b);
    const r = outs.length;
    this.lastRank = r;
    // Refuse here, while planning, what the executors cannot run (K8 once planned and then failed in the addon
    // with "buffer rank out of range"): the cost would be O(M^(r+1)) per jet anyway.
    if (r > MAX_PLAN_RANK) {
      if (this.dry) { this.cost = Infinity; return [...rest, { t: `X${r}`, axes: outs }]; }
      const e = edgesOf(graph);
      throw new JetlensInputError(`EFP graph with ${graph.n} vertices and ${e.length} edges needs a rank-${r} intermediate (elimination width c = ${r + 1}, O(M^${r + 1}) per jet); at most c = ${MAX_PLAN_RANK + 1} is supported`);
    }
    // innermost output axis: fewest permuted copies, then a contraction already computed for another graph,
    // then the smallest key (a label-free choice, so isomorphic steps of different graphs share one tensor)
    const needsPermute = (f: Factor, u: number) => f.axes.includes(u) && f.axes[f.axes.length - 1] !== u && !this.symOf(f.t);
    const build = (inner: number, create: boolean) => {
      const outAxes = r ? [...outs.filter((x) => x !== inner), inner] : [];
      const level = (x: number) => (x === v ? (r === 0 ? 0 : r - 1) : x === inner ? r : outAxes.indexOf(x));
      const parts = gathered.map((f) => {
        let t: TensorId = f.t;
        let axes = f.axes;
        if (r && needsPermute(f, inner)) {
          const perm = [...axes.keys()].filter((i) => axes[i] !== inner);
          perm.push(axes.indexOf(inner));
          const src = f.t;
          const pkey = `P${src}|${perm.join(',')}`;
          const pr = this.rankOf(src);
          t = create ? this.tensor(pkey, pr, (out) => ({ kind: 'permute', out, input: src as number, perm }), false, Math.pow(M_COST, pr)) : (this.lookup(pkey) ?? pkey);
          axes = perm.map((i) => f.axes[i]);
        }
        let levels = axes.map(level);
        const isSym = this.symOf(t);
        // a fully symmetric tensor may be read in any axis order: sorted levels, the innermost last
        if (isSym) levels = [...levels.filter((l) => l !== r).sort((a, b) => a - b), ...levels.filter((l) => l === r)];
        return { t, levels };
      });
      const key = `C${r}|` + parts.map((p) => `${p.t}:${p.levels.join(',')}`).sort().join(';');
      return { outAxes, parts, key };
    };
    let inner = -1;
    if (r) {
      const count = (u: number) => gathered.filter((f) => needsPermute(f, u)).length;
      const fewest = Math.min(...outs.map(count));
      const cands = outs.filter((u) => count(u) === fewest).map((u) => ({ u, key: build(u, false).key }));
      const has = (k: string) => Number(this.lookup(k) !== undefined);
      cands.sort((a, b) => has(b.key) - has(a.key) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      inner = cands[0].u;
    }
    const { outAxes, parts: built, key } = build(inner, true);
    const parts = built as { t: number; levels: number[] }[];
    const chain = this.chainOf(r, parts);
    const symOut = symmetricMatrixProduct(r, parts, this.W) || (chain !== undefined && chain.every((x, i) => x === chain[chain.length - 1 - i]));
    const out = this.tensor(key, r, (o) => ({ kind: 'contract', out: o, r, factors: parts, symOut }), symOut, Math.pow(M_COST, r + 1) / (symOut ? 2 : 1));
    if (chain && !this.chains.has(out)) this.chains.set(out, chain);
    return [...rest, { t: out, axes: outAxes }];
  }
}

/**
 * sum_s vectors(s) * theta^w(o_0, s) * ... * theta^w(o_{r-1}, s) is symmetric under any permutation of the
 * output axes (r = 2: theta^w diag(z) theta^w; r = 3: the K4 step).
 */
function symmetricMatrixProduct(r: number, parts: { t: number; levels: number[] }[], W: number): boolean {
  if (r < 2 || r > 3) return false;
  const s = r - 1;
  const mats = parts.filter((p) => p.levels.length === 2);
  const vecs = parts.filter((p) => p.levels.length === 1);
  if (mats.length !== r || vecs.length + r !== parts.length || !vecs.every((v) => v.levels[0] === s)) return false;
  if (!mats.every((m) => m.t === mats[0].t && m.t >= 1 && m.t <= W && m.levels.includes(s))) return false;
  const others = new Set(mats.map((m) => m.levels.find((l) => l !== s)));
  return others.size === r;
}

function linearise(ops: LOp[], rank: number[], W: number, results: number[], columns: number[][]): Plan {
  const lastUse = new Int32Array(rank.length).fill(-1);
  ops.forEach((op, i) => {
    if (op.kind === 'contract') for (const f of op.factors) lastUse[f.t] = i;
    else lastUse[op.input] = i;
  });
  const keep = new Set<number>(results);
  const phys = new Int32Array(rank.length).fill(-1);
  const physRank: number[] = [];
  for (let t = 0; t <= W; t++) { phys[t] = t; physRank.push(rank[t]); }
  const free = new Map<number, number[]>();
  const code: number[] = [];
  let maxRank = 0;
  const costTerms: number[] = [];
  const flopTerms: [number, number][] = []; // [power of M, multiplier]
  ops.forEach((op, i) => {
    const r = rank[op.out];
    maxRank = Math.max(maxRank, r);
    const pool = free.get(r) ?? [];
    phys[op.out] = pool.length ? pool.pop()! : (physRank.push(r), physRank.length - 1);
    if (op.kind === 'contract') {
      code.push(op.symOut ? OP_CONTRACT_SYM : OP_CONTRACT, phys[op.out], op.r, op.factors.length);
      for (const f of op.factors) code.push(phys[f.t], rank[f.t], ...f.levels);
      costTerms.push(op.r + 1);
      const nIn = op.r === 0 ? op.factors.length : op.factors.filter((f) => f.levels.includes(op.r)).length;
      // symmetric outputs compute the sorted index tuples only (about 1/r! of them)
      flopTerms.push([op.r + 1, (op.r === 0 ? nIn : nIn + 1) / (op.symOut ? (op.r === 2 ? 2 : 6) : 1)]);
      if (op.r > 0) flopTerms.push([op.r, op.factors.length - nIn]);
    } else {
      code.push(OP_PERMUTE, phys[op.out], phys[op.input], op.perm.length, ...op.perm);
      costTerms.push(op.perm.length);
    }
    const inputs = op.kind === 'contract' ? op.factors.map((f) => f.t) : [op.input];
    for (const t of new Set(inputs)) {
      if (t > W && lastUse[t] === i && !keep.has(t)) {
        if (!free.has(rank[t])) free.set(rank[t], []);
        free.get(rank[t])!.push(phys[t]);
      }
    }
  });
  const program = [PLAN_VERSION, W, physRank.length, ...physRank, ops.length, ...code, results.length, ...results.map((t) => phys[t]), columns.length];
  for (const c of columns) program.push(c.length, ...c);
  return planFromParts(Int32Array.from(program), W, maxRank, costTerms, flopTerms);
}
