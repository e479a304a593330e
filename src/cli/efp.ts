import { Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { JetlensInputError } from '../errors.js';
import { EFPSet } from '../efp/efpset.js';
import { type EFPOptions } from '../efp/efpset.js';
import { MEASURES, type MeasureName } from '../efp/measure.js';
import type { Selection } from '../efp/select.js';
import { outputFormat, writeOutput, TABLE_FORMATS } from './output.js';
import { runSharded } from '../shard/run.js';
import { action, info, intOption, progress, shardOptions } from './util.js';
import { writeJsonAtomic } from '../util/atomic.js';

interface MeasureFlags {
  measure: string;
  kappa: string;
  beta: string;
  normed: boolean;
}

function measureOptions(o: MeasureFlags): EFPOptions {
  if (!(MEASURES as string[]).includes(o.measure)) throw new JetlensInputError(`--measure: expected one of ${MEASURES.join(', ')}, got '${o.measure}'`);
  const kappa = o.kappa === 'pf' ? 'pf' : Number(o.kappa);
  if (kappa !== 'pf' && !Number.isFinite(kappa)) throw new JetlensInputError(`--kappa: expected a number or 'pf', got '${o.kappa}'`);
  const beta = Number(o.beta);
  if (!(beta > 0)) throw new JetlensInputError(`--beta: expected a number > 0, got '${o.beta}'`);
  return { measure: o.measure as MeasureName, kappa, beta, normed: o.normed };
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

function describe(set: EFPSet) {
  return set.columns.map((c, i) => ({ column: i, id: c.id, edges: c.edges, ...c.spec }));
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
    .option('--threads <n>', 'worker threads (0 = all cores)', intOption('threads', 0), 0)
    .option('--backend <name>', 'auto, native, reference (TypeScript) or brute (M^n, checks only)', 'auto'))
    .action(
      action(async (o: MeasureFlags & { in: string; dataset: string; out: string; select?: string; graphs?: string; threads: number; backend: string; shard?: string; force?: boolean }) => {
        outputFormat(o.out, TABLE_FORMATS);
        const sel: Selection = o.graphs ? readGraphs(o.graphs) : (o.select ?? 'd<=5');
        const mo = measureOptions(o);
        const set = new EFPSet(sel, mo);
        const side = o.out.replace(/\.[^./]+$/, '.json');
        const settings = { selection: o.graphs ? readFileSync(o.graphs, 'utf8') : sel, ...mo, dataset: o.dataset };
        const t0 = Date.now();
        const ran = await runSharded({ command: 'efp', input: o.in, dataset: o.dataset, output: o.out, shard: o.shard, force: o.force, settings }, async (jets) => {
          info(`efp: ${jets.length} jets, ${set.length} EFPs (${set.primes.length} connected graphs computed)`);
          const bar = progress('efp', jets.length);
          const values = await set.batchCompute(jets, { threads: o.threads, backend: o.backend, onProgress: (d) => bar.update(d) }).finally(() => bar.stop());
          await writeOutput(o.out, { arrays: { efp: { data: values, shape: [jets.length, set.length] } }, main: 'efp', labels: jets.labels });
          // No row count here: the sidecar is the same for every shard and for the merged file.
          const meta = { selection: o.graphs ? { graphs: o.graphs } : sel, measure: set.measure, cols: set.cols, columns: describe(set) };
          await writeJsonAtomic(side, meta, 1);
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
