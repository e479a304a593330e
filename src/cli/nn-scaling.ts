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
}

export const register = (program: Command) => {
  const cmd = program
    .command('nn-scaling')
    .description('minimal SEMD distances vs sample size: per N the d_min distribution and its Weibull fit; power law of the median d_min vs N')
    .requiredOption('--in <file>', 'jets (.npz EnergyFlow layout; also .npy/.h5/.csv/.jsonl)')
    .requiredOption('--sizes <list>', 'sample sizes N, comma-separated (each <= the number of jets)', numberList('sizes'))
    .requiredOption('--out <file>', 'output JSON: per N summary, Weibull fit and histogram; power law; local slopes')
    .option('--repeats <R>', 'seeded random subsamples per N', intOption('repeats', 1), 5)
    .option('--report <dir>', 'also write the figures: DIR/report.json, DIR/index.html and DIR/figures/*.png|svg')
    .option('--seed <s>', 'seed of the subsamples', intOption('seed', 0), 1);
  semdOptions(cmd, true).action(
    action(async (o: Opts) => {
      outputFormat(o.out, ['json']);
      const b = await readJets(o.in);
      const r = await withProgress('nn-scaling', (run) =>
        nnScaling(b, { sizes: o.sizes, repeats: o.repeats, seed: o.seed, energy: o.energy, beta: o.beta, scale: o.scale, threads: o.threads, backend: o.backend, cells: o.cells, ...run }));
      await writeJson(o.out, { command: 'nn-scaling', input: o.in, ...r });
      if (o.report) await writeFigures(o.report, nnScalingSections(r), 'nn-scaling');
      info(`wrote ${o.out}`);
      for (const s of r.sizes) info(`  N ${String(s.N).padStart(7)}  median d_min ${s.median.toPrecision(4)}  Weibull a ${s.weibull.shape.toFixed(3)} +- ${s.weibull.shape_err.toFixed(3)}`);
      info(`  power law: 1/a = ${r.power_law.inv_a.toFixed(3)} +- ${r.power_law.inv_a_err.toFixed(3)}`);
    }),
  );
};
