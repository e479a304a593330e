// Public API: EFPSet (a selection of graphs) and EFP (one graph), mirroring EnergyFlow.
import { type RunOptions } from '../backend/control.js';
import { getKernel } from '../backend/dispatch.js';
import { JetlensInputError } from '../errors.js';
import { JetBatch } from '../jets/batch.js';
import { type JetsLike, toJetBatch } from '../jets/input.js';
import { type CatalogGraph, type Spec, SPEC_COLS, composite, connectedSpec, defaultCatalog } from './catalog.js';
import { type ParsedProgram, parseProgram, runProgram } from './exec.js';
import { canonical, components, edgesOf, graphFromCode, graphFromEdges, type MultiGraph, subgraph } from './graph.js';
import { type EfpKernel } from './kernels.js';
import './kernels.js'; // registers the 'efp' kernels with the dispatcher
import { type Measure, type MeasureOptions, measureJet, resolveMeasure } from './measure.js';
import { type Plan, buildPlan } from './plan.js';
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
  private readonly parsed: ParsedProgram;

  /**
   * @param selection catalogue selection ('d<=5', ['d<=7', 'p==1'], {d: 5}, ...) or explicit graphs
   *   ([[0,1],[1,2]] or a list of such edge lists). Default 'd<=5'.
   */
  constructor(selection: Selection = 'd<=5', opts: EFPOptions = {}) {
    this.measure = resolveMeasure(opts);
    const sel = parseSelection(selection);
    const primeIndex = new Map<string, number>();
    this.primes = [];
    const addPrime = (id: string, graph: MultiGraph, order?: number[]) => {
      let i = primeIndex.get(id);
      if (i === undefined) {
        i = this.primes.length;
        primeIndex.set(id, i);
        this.primes.push({ id, graph, order: order ?? eliminationOrder(graph).order });
      }
      return i;
    };
    if (sel.kind === 'catalog') {
      const cat = defaultCatalog();
      const chosen = cat.graphs.filter((g) => sel.predicate(g.spec));
      if (chosen.length === 0) throw new JetlensInputError('EFP selection matches no graph of the catalogue');
      // connected graphs first (catalogue order), then the factors that only composites need
      for (const g of chosen) if (g.spec.p === 1) addPrime(g.id, graphFromCode(g.id), g.order);
      this.columns = chosen.map((g) => ({
        id: g.id, edges: g.edges, spec: g.spec,
        factors: g.factors.map((f) => addPrime(cat.graphs[f].id, graphFromCode(cat.graphs[f].id), cat.graphs[f].order)),
      }));
    } else {
      this.columns = sel.graphs.map((edges) => explicitColumn(edges, addPrime));
    }
    this.plan = buildPlan(this.primes, this.columns.map((c) => c.factors));
    this.parsed = parseProgram(this.plan.program);
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
   * executor) | 'brute' (the M^n definition, for checks only).
   */
  async batchCompute(jets: JetsLike, opts: RunOptions = {}): Promise<Float64Array> {
    const batch = toJetBatch(jets);
    const { kernel } = getKernel('efp', opts.backend);
    return kernel({ jets: batch, program: this.plan.program, parsed: this.parsed, measure: this.measure, K: this.length, edges: this.columns.map((c) => c.edges) }, opts);
  }
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
