// Public API: EFPSet (a selection of graphs) and EFP (one graph), mirroring EnergyFlow.
import { type RunOptions } from '../backend/control.js';
import { getKernel } from '../backend/dispatch.js';
import { JetlensInputError } from '../errors.js';
import { JetBatch } from '../jets/batch.js';
import { type JetsLike, toJetBatch } from '../jets/input.js';
import { type CatalogGraph, type Spec, SPEC_COLS, composite, connectedSpec, defaultCatalog } from './catalog.js';
import { type ParsedProgram, parseProgram, runProgram } from './exec.js';
import { canonical, components, edgesOf, graphFromCode, graphFromEdges, type MultiGraph, subgraph } from './graph.js';
import './kernels.js'; // registers the 'efp' kernels with the dispatcher
import { type Measure, type MeasureOptions, measureJet, resolveMeasure } from './measure.js';
import { Memo, planFor } from './cache.js';
import { type Plan } from './plan.js';
import { type Selection, parseSelection } from './select.js';
import { eliminationOrder } from './width.js';

export type EFPOptions = MeasureOptions;

/** One output column: its graph, spec and connected factors (indices into EFPSet.primes). */
export interface EFPColumn {
  id: string;
  edges: [number, number][];
  spec: Spec;
  factors: number[];
}

/** A connected graph computed by the plan. */
export interface PrimeGraph {
  id: string;
  graph: MultiGraph;
  order: number[];
}

export class EFPSet {
  readonly measure: Measure;
  readonly columns: EFPColumn[];
  readonly primes: PrimeGraph[];
  readonly plan: Plan;
  private readonly core: Core;

  /**
   * @param selection catalogue selection ('d<=5', ['d<=7', 'p==1'], {d: 5}, ...) or explicit graphs
   *   ([[0,1],[1,2]] or a list of such edge lists). Default 'd<=5'.
   */
  constructor(selection: Selection = 'd<=5', opts: EFPOptions = {}) {
    this.measure = resolveMeasure(opts);
    const core = built.get(JSON.stringify(selection), () => buildCore(selection));
    this.columns = core.columns;
    this.primes = core.primes;
    this.plan = core.plan;
    this.core = core;
  }

  /** The program parsed for the TypeScript executors, made on first use (the native kernel reads the program). */
  private get parsed(): ParsedProgram {
    return (this.core.parsed ??= parseProgram(this.plan.program));
  }

  /** Number of output columns. */
  get length(): number {
    return this.columns.length;
  }
  /** Edge list of each column. */
  get graphs(): [number, number][][] {
    return this.columns.map((c) => c.edges);
  }
  /** Spec of each column (n, e, d, v, k, c, p, h, chi). */
  get specs(): Spec[] {
    return this.columns.map((c) => c.spec);
  }
  get cols(): typeof SPEC_COLS {
    return SPEC_COLS;
  }

  /** Mask of the columns matching a further catalogue-style selection (EnergyFlow's sel). */
  sel(selection: Selection): boolean[] {
    const s = parseSelection(selection);
    if (s.kind !== 'catalog') throw new JetlensInputError('sel() takes a spec selection such as "d<=3", not graphs');
    return this.columns.map((c) => s.predicate(c.spec));
  }

  /** Number of columns matching a further selection (all columns without one), like EnergyFlow's count(). */
  count(selection?: Selection): number {
    return selection === undefined ? this.length : this.sel(selection).filter(Boolean).length;
  }

  /** EFP values of one jet: rows [pt, y, phi(, pid)] (zero-pT rows are dropped). */
  compute(jet: ArrayLike<ArrayLike<number>>): Float64Array {
    const b = JetBatch.fromNested([jet]);
    const { z, theta } = measureJet(this.measure, b.pt, b.y, b.phi);
    const out = new Float64Array(this.length);
    runProgram(this.parsed, z, theta, out, 0);
    return out;
  }

  /**
   * EFP values of many jets: (N x K) row-major. backend: 'auto' | 'native' | 'reference' (TypeScript plan
   * executor) | 'brute' (the M^n definition, for checks only). `out` (length N x K, e.g. a view into a larger
   * array): written and returned instead of a new array.
   */
  async batchCompute(jets: JetsLike, opts: RunOptions = {}, out?: Float64Array): Promise<Float64Array> {
    const batch = toJetBatch(jets);
    if (out !== undefined && !(out instanceof Float64Array && out.length === batch.length * this.length)) {
      throw new JetlensInputError(`batchCompute: out must be a Float64Array of N x K = ${batch.length} x ${this.length} values`);
    }
    const { kernel } = getKernel('efp', opts.backend);
    const set = this; // eslint-disable-line @typescript-eslint/no-this-alias
    // parsed and edges on demand: the native kernel needs neither (composite edges are built lazily)
    const args = {
      jets: batch, program: this.plan.program, measure: this.measure, K: this.length,
      get parsed() { return set.parsed; },
      get edges() { return set.columns.map((c) => c.edges); },
      out,
    };
    const values = await kernel(args, opts);
    if (out && values !== out) out.set(values); // a kernel that makes its own array (gpu.js)
    return out ?? values;
  }
}

/** What a selection builds, shared by every EFPSet of that selection in the process (all read-only). */
interface Core {
  columns: EFPColumn[];
  primes: PrimeGraph[];
  plan: Plan;
  parsed?: ParsedProgram;
}

const built = new Memo<Core>(64);

function buildCore(selection: Selection): Core {
  const sel = parseSelection(selection);
  const primeIndex = new Map<string, number>();
  const primes: PrimeGraph[] = [];
  const addPrime = (id: string, graph: MultiGraph | (() => MultiGraph), order?: number[]) => {
    let i = primeIndex.get(id);
    if (i === undefined) {
      i = primes.length;
      primeIndex.set(id, i);
      if (typeof graph === 'function') {
        // catalogue graphs: decoded only if someone asks (a shipped plan does not need them)
        let g: MultiGraph | undefined;
        primes.push({ id, get graph() { return (g ??= graph()); }, order: order! });
      } else {
        primes.push({ id, graph, order: order ?? eliminationOrder(graph).order });
      }
    }
    return i;
  };
  let columns: EFPColumn[];
  if (sel.kind === 'catalog') {
    const cat = defaultCatalog(sel.dmax);
    const chosen = cat.graphs.filter((g) => sel.predicate(g.spec));
    if (chosen.length === 0) throw new JetlensInputError('EFP selection matches no graph of the catalogue');
    // connected graphs first (catalogue order), then the factors that only composites need
    const prime = (f: CatalogGraph) => addPrime(f.id, () => graphFromCode(f.id), f.order);
    for (const g of chosen) if (g.spec.p === 1) prime(g);
    // id and edges of composites are built on first use (catalogFromFile makes them lazily too)
    columns = chosen.map((g) => ({
      get id() { return g.id; }, get edges() { return g.edges; }, spec: g.spec,
      factors: g.factors.map((f) => prime(cat.graphs[f])),
    }));
  } else {
    columns = sel.graphs.map((edges) => explicitColumn(edges, addPrime));
  }
  const plan = planFor(primes, columns.map((c) => c.factors));
  return { columns, primes, plan };
}

/** An explicit graph: split into connected components, each canonicalised and planned once. */
function explicitColumn(edges: [number, number][], addPrime: (id: string, g: MultiGraph, order?: number[]) => number): EFPColumn {
  const g = graphFromEdges(edges);
  const parts: CatalogGraph[] = components(g).map((vs) => {
    const c = canonical(subgraph(g, vs));
    const { order, c: width } = eliminationOrder(c.graph);
    const spec = { ...connectedSpec(c.graph, width), k: -1 };
    return { id: c.code, edges: edgesOf(c.graph), spec, factors: [addPrime(c.code, c.graph, order)], order };
  });
  const spec: Spec = parts.length === 1 ? { ...parts[0].spec } : composite(parts, parts.map((_, i) => i)).spec;
  spec.k = -1;
  return { id: parts.map((p) => p.id).join('*'), edges: edgesOf(g), spec, factors: parts.map((p) => p.factors[0]) };
}

/** A single graph (EnergyFlow's EFP): edge list with repeated pairs as multi-edges. */
export class EFP {
  private readonly set: EFPSet;
  constructor(edges: [number, number][], opts: EFPOptions = {}) {
    this.set = new EFPSet([edges] as never, opts);
  }
  get spec(): Spec {
    return this.set.specs[0];
  }
  get graph(): [number, number][] {
    return this.set.graphs[0];
  }
  compute(jet: ArrayLike<ArrayLike<number>>): number {
    return this.set.compute(jet)[0];
  }
  async batchCompute(jets: JetsLike, opts: RunOptions = {}): Promise<Float64Array> {
    return this.set.batchCompute(jets, opts);
  }
}
