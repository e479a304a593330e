import { writeFigures, semdOptions, withProgress, writeJson, type SemdCliOptions } from './semd-common.js';
import { nnScalingSections, nnScaling } from '../studies/smearing/index.js';
import type { Command } from 'commander';
import { readJets } from '../io/index.js';
import { outputFormat } from './output.js';
import { action, info, intOption, numberList } from './util.js';

interface Opts extends SemdCliOptions {
  report?: string;
  in: string;
  sizes: number[];
  out: string;
  repeats: number;
  seed: number;
  queries?: number;
}

export const register = (program: Command) => {
  const cmd = program
    .command('nn-scaling')
    .description('minimal SEMD distances vs sample size: per N the d_min distribution and its Weibull fit; power law of the median d_min vs N')
    .requiredOption('--in <file>', 'jets (.npz EnergyFlow layout; also .npy/.h5/.csv/.jsonl)')
    .requiredOption('--sizes <list>', 'sample sizes N, comma-separated (each <= the number of jets)', numberList('sizes'))
    .requiredOption('--out <file>', 'output JSON: per N summary, Weibull fit and histogram; power law; local slopes')
    .option('--repeats <R>', 'disjoint seeded subsamples per N (fewer where R * N exceeds the pool: never identical repeats)', intOption('repeats', 1), 5)
    .option('--queries <Q>', 'held-out query jets of the conditional (per-query) Weibull fit (default min(200, n/10))', intOption('queries', 0))
    .option('--report <dir>', 'also write the figures: DIR/report.json, DIR/index.html and DIR/figures/*.png|svg')
    .option('--seed <s>', 'seed of the subsamples', intOption('seed', 0), 1);
  semdOptions(cmd, true).action(
    action(async (o: Opts) => {
      outputFormat(o.out, ['json']);
      const b = await readJets(o.in);
      const r = await withProgress('nn-scaling', (run) =>
        nnScaling(b, { sizes: o.sizes, repeats: o.repeats, queries: o.queries, seed: o.seed, energy: o.energy, beta: o.beta, scale: o.scale, threads: o.threads, backend: o.backend, cells: o.cells, ...run }));
      await writeJson(o.out, { command: 'nn-scaling', input: o.in, ...r });
      if (o.report) await writeFigures(o.report, nnScalingSections(r), 'nn-scaling');
      info(`wrote ${o.out}`);
      for (const s of r.sizes) {
        const e = s.exponent;
        const ea = Number.isFinite(e.shape) ? `${e.shape.toFixed(3)} +- ${e.shape_err.toFixed(3)}` : `n/a (${e.note})`;
        info(`  N ${String(s.N).padStart(7)}  x${s.repeats}  median d_min ${s.median.toPrecision(4)}  exponent a (per-query fit) ${ea}  ` +
          `[pooled fit, secondary: ${s.weibull.shape.toFixed(3)} +- ${s.weibull.shape_err.toFixed(3)}]  zero d_min ${s.zero_count} (${(100 * s.zero_fraction).toFixed(1)}%, not fitted; per-query ${e.zero_count})`);
      }
      info(`  power law: 1/a = ${r.power_law.inv_a.toFixed(3)} +- ${r.power_law.inv_a_err.toFixed(3)}`);
    }),
  );
};
