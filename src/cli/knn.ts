import type { Command } from 'commander';
import { readJets } from '../io/index.js';
import { outputFormat, writeOutput, type OutFormat } from './output.js';
import { semdKnn } from '../semd/knn.js';
import { runShardedRows } from '../shard/run.js';
import { semdOptions, withProgress, type SemdCliOptions } from './semd-common.js';
import { action, info, intOption, shardOptions } from './util.js';

interface Opts extends SemdCliOptions {
  in: string;
  dataset: string;
  k: number;
  out: string;
  shard?: string;
  force?: boolean;
}

export const register = (program: Command) => {
  const cmd = program
    .command('knn')
    .description('exact k nearest neighbours under SEMD (p = 2): self excluded, ties by lower index, rows in input order')
    .requiredOption('--in <file>', 'jets (.npz EnergyFlow layout; also .npy/.h5/.csv/.jsonl)')
    .option('--dataset <name>', 'array/dataset holding the particles', 'X')
    .requiredOption('--k <K>', 'neighbours per jet', intOption('k', 1))
    .requiredOption('--out <file>', 'output .npz or .h5 with index (N, K) int32 and distance (N, K) float64, or .csv (columns index_0.., distance_0..)');
const FORMATS: OutFormat[] = ['npz', 'csv', 'h5'];
  shardOptions(semdOptions(cmd, true), 'the query jets (neighbours are searched among all jets)').action(
    action(async (o: Opts) => {
      outputFormat(o.out, FORMATS);
      const b = await readJets(o.in, { dataset: o.dataset });
      const t0 = Date.now();
      const settings = { k: o.k, energy: o.energy, beta: o.beta, scale: o.scale, dataset: o.dataset };
      const ran = await runShardedRows({ command: 'knn', input: o.in, dataset: o.dataset, output: o.out, shard: o.shard, force: o.force, settings }, b.length, async (queries) => {
        const r = await withProgress('knn', (run) =>
          semdKnn(b, { k: o.k, energy: o.energy, beta: o.beta, scale: o.scale, threads: o.threads, backend: o.backend, cells: o.cells, queries, ...run }));
        await writeOutput(o.out, { arrays: { index: { data: r.index, shape: [r.n, r.k] }, distance: { data: r.distance, shape: [r.n, r.k] } } }, FORMATS);
        const frac = r.refined / (r.n * Math.max(1, b.length - 1));
        info(`wrote ${o.out}: ${r.n} jets x ${r.k} neighbours in ${((Date.now() - t0) / 1000).toFixed(1)} s (${r.refined} exact SEMD evaluations, ${(100 * frac).toPrecision(3)}% of all pairs)`);
      });
      if (!ran) info(`knn: ${o.out} already holds shard ${o.shard} (use --force to redo)`);
    }),
  );
};
