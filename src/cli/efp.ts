import { Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { JetlensInputError } from '../errors.js';
import { EFPSet } from '../efp/efpset.js';
import { type EFPOptions } from '../efp/efpset.js';
import { MEASURES, resolveMeasure, type MeasureName } from '../efp/measure.js';
import type { Selection } from '../efp/select.js';
import { energyflowIndexOfSet } from '../efp/energyflow-order.js';
import { outputFormat, writeOutput, TABLE_FORMATS } from './output.js';
import { runSharded, runShardedRows } from '../shard/run.js';
import { parseShard, shardRange } from '../shard/shard.js';
import { checkJetCount, regularFile } from '../io/files.js';
import { chunkJets, efpChunked, MIN_CHUNK_JETS, npyJetCount } from './efp-chunks.js';
import { action, info, intOption, progress, shardOptions } from './util.js';
import { writeJsonAtomic } from '../util/atomic.js';
import { relabel } from '../util/validate.js';

interface MeasureFlags {
  measure: string;
  kappa: string;
  beta: string;
  normed: boolean;
}

function measureOptions(o: MeasureFlags): EFPOptions {
  const num = (s: string) => (s.trim() === '' ? NaN : Number(s));
  try {
    // The library validates (resolveMeasure); the CLI only parses the text and names the flag.
    return resolveMeasure({ measure: o.measure as MeasureName, kappa: o.kappa === 'pf' ? 'pf' : num(o.kappa), beta: num(o.beta), normed: o.normed });
  } catch (e) {
    throw relabel(e, (f) => `--${f}`);
  }
}

/** --graphs file: a JSON list of edge lists, or {"graphs": [...]}. */
function readGraphs(file: string): Selection {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new JetlensInputError(`cannot read graphs: ${(e as Error).message}`, { file });
  }
  const graphs = Array.isArray(v) ? v : (v as { graphs?: unknown })?.graphs;
  if (!Array.isArray(graphs) || graphs.length === 0) throw new JetlensInputError('expected a non-empty JSON list of edge lists [[[0,1],[1,2]], ...]', { file });
  if (!graphs.every((g) => Array.isArray(g) && g.every((e: unknown) => Array.isArray(e)))) {
    throw new JetlensInputError('every graph must be a list of edges [a, b]', { file });
  }
  return graphs as Selection;
}

/** Sidecar rows, in output order; energyflow_index = the column of the same graph in EnergyFlow's EFPSet. */
function describe(set: EFPSet, order?: number[]) {
  const ef = energyflowIndexOfSet(set);
  return (order ?? set.columns.map((_, i) => i)).map((i, col) => ({ column: col, id: set.columns[i].id, edges: set.columns[i].edges, ...set.columns[i].spec, energyflow_index: ef[i] }));
}

/** Column permutation for --order: out column j = set column order[j] (EnergyFlow: by energyflow_index). */
function columnOrder(set: EFPSet, order: string): number[] | undefined {
  if (order === 'jetlens') return undefined;
  const ef = energyflowIndexOfSet(set);
  return set.columns.map((_, i) => i).sort((a, b) => (ef[a] < 0 ? Infinity : ef[a]) - (ef[b] < 0 ? Infinity : ef[b]) || a - b);
}

/** Values (N x K, row-major) with their columns permuted. */
function permuteColumns(values: Float64Array, n: number, order: number[]): Float64Array {
  const k = order.length;
  const out = new Float64Array(values.length);
  for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) out[r * k + j] = values[r * k + order[j]];
  return out;
}

const registerEfp = (program: Command) =>
  shardOptions(program
    .command('efp')
    .description('compute Energy Flow Polynomials: an (N, K) .npy plus a .json sidecar describing every column')
    .requiredOption('--in <file>', 'jets (.npz, .npy, .h5, .csv, .jsonl)')
    .option('--dataset <name>', 'array/dataset holding the particles', 'X')
    .requiredOption('--out <file>', "output .npy (N, K); .npz/.h5 (array 'efp' and labels 'y'); .csv (columns efp_0.., y). The sidecar goes next to it with extension .json")
    .option('--select <sel>', "catalogue selection, e.g. 'd<=5' or 'd<=7 and c<=3' (default 'd<=5' unless --graphs)")
    .addOption(new Option('--graphs <file>', 'JSON list of graphs as edge lists, instead of --select').conflicts('select'))
    .addOption(new Option('--measure <name>', "angular measure ('ee' takes rows as massless four-vectors)").choices(MEASURES).default('hadr'))
    .option('--kappa <k>', "energy exponent, or 'pf' (needs --no-normed, not hadr)", '1')
    .option('--beta <b>', 'angular exponent > 0', '1')
    .option('--no-normed', 'use E_i^kappa instead of (E_i / sum E)^kappa')
    .addOption(new Option('--order <order>', "column order: jetlens (catalogue: by d, n, ...) or energyflow (EnergyFlow's EFPSet order, so X[:, k] is the same graph)").choices(['jetlens', 'energyflow']).default('jetlens'))
    .option('--threads <n>', 'worker threads (0 = all cores)', intOption('threads', 0), 0)
    .option('--backend <name>', 'auto, native, reference (TypeScript) or brute (M^n, checks only)', 'auto'))
    .action(
      action(async (o: MeasureFlags & { order: string; in: string; dataset: string; out: string; select?: string; graphs?: string; threads: number; backend: string; shard?: string; force?: boolean }) => {
        outputFormat(o.out, TABLE_FORMATS);
        const sel: Selection = o.graphs ? readGraphs(o.graphs) : (o.select ?? 'd<=5');
        const mo = measureOptions(o);
        const set = new EFPSet(sel, mo);
        const side = o.out.replace(/\.[^./]+$/, '.json');
        const order = columnOrder(set, o.order);
        const settings = { selection: o.graphs ? readFileSync(o.graphs, 'utf8') : sel, ...mo, dataset: o.dataset, order: o.order };
        const t0 = Date.now();
        // The sidecar (no row count: the same for every shard and for the merged file) is built while the kernel
        // runs in the addon's thread (it reads EnergyFlow's order, a few ms), and written after the values.
        let sidecar: object | undefined;
        const makeSidecar = () => {
          sidecar = { selection: o.graphs ? { graphs: o.graphs } : sel, measure: set.measure, order: o.order, cols: [...set.cols, 'energyflow_index'], columns: describe(set, order) };
        };
        const finish = async (raw: Float64Array, n: number, labels?: Float64Array) => {
          const values = order ? permuteColumns(raw, n, order) : raw;
          await writeOutput(o.out, { arrays: { efp: { data: values, shape: [n, set.length] } }, main: 'efp', labels });
          if (!sidecar) makeSidecar();
          await writeJsonAtomic(side, sidecar, 1);
        };
        const run = { threads: o.threads, backend: o.backend };
        const start = (n: number) => {
          info(`efp: ${n} jets, ${set.length} EFPs (${set.primes.length} connected graphs computed)`);
          return progress('efp', n);
        };
        const sharded = { command: 'efp', input: o.in, dataset: o.dataset, output: o.out, shard: o.shard, force: o.force, settings };
        // A large C-order .npy is read in chunks overlapping the kernel (efp-chunks.ts); anything else in one piece.
        const npy = await npyJetCount(o.in, o.dataset);
        const span = npy && (o.shard ? shardRange(npy.jets, parseShard(o.shard)) : ([0, npy.jets] as [number, number]));
        const ran = npy && span && span[1] - span[0] >= 2 * MIN_CHUNK_JETS
          ? await runShardedRows(sharded, npy.jets, async ([a, b]) => {
            if (!o.shard) regularFile(o.in); // the whole-file read's size limit, kept
            checkJetCount(b - a, o.in);
            const bar = start(b - a);
            const raw = await efpChunked(set, o.in, o.dataset, [a, b], chunkJets(b - a, npy.rowBytes), run, (d) => bar.update(d), makeSidecar).finally(() => bar.stop());
            await finish(raw, b - a);
          })
          : await runSharded(sharded, async (jets) => {
            const bar = start(jets.length);
            const computing = set.batchCompute(jets, { ...run, onProgress: (d) => bar.update(d) }).finally(() => bar.stop());
            computing.catch(() => {}); // awaited below, after the sidecar is made
            makeSidecar();
            const raw = await computing;
            await finish(raw, jets.length, jets.labels);
          });
        if (!ran) return info(`efp: ${o.out} already holds shard ${o.shard} (use --force to redo)`);
        info(`efp: wrote ${o.out} and ${side} in ${((Date.now() - t0) / 1000).toFixed(2)} s`);
      }),
    );

const registerGraphs = (program: Command) =>
  program
    .command('efp-graphs')
    .description('list the EFP graph catalogue (or a selection of it) with spec columns n e d v k c p h chi')
    .option('--select <sel>', "selection, e.g. 'd<=4'", 'd<=4')
    .option('--json', 'print JSON')
    .action(
      action(async (o: { select: string; json?: boolean }) => {
        const set = new EFPSet(o.select);
        const rows = describe(set);
        if (o.json) {
          console.log(JSON.stringify(rows, null, 1));
          return;
        }
        const cols = set.cols;
        const lines = [['#', ...cols, 'edges'].join('\t')];
        for (const r of rows) lines.push([r.column, ...cols.map((c) => r[c]), JSON.stringify(r.edges)].join('\t'));
        console.log(lines.join('\n'));
      }),
    );

export const register = (program: Command) => {
  registerEfp(program);
  registerGraphs(program);
};
