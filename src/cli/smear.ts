import { writeFigures, semdOptions, withProgress, writeJson, type SemdCliOptions } from './semd-common.js';
import { smearSections, smearSizeScan, smearedLikelihood, type SizeScanEntry } from '../studies/smearing/index.js';
import { InvalidArgumentError, type Command } from 'commander';
import { readJets } from '../io/index.js';
import { JetlensInputError } from '../errors.js';
import { action, info, intOption, numberList } from './util.js';
import { outputFormat, writeOutput, type OutFormat } from './output.js';
import type { NdArray } from '../io/index.js';

const FORMATS: OutFormat[] = ['json', 'csv', 'npz', 'h5'];
const COLUMNS = ['eps', 'eps_gev', 'auc', 'auc_err', 'empty_fraction', 'resolved_fraction', 'flagged', 'mean_ball'] as const;

function fractionOption(v: string): number {
  const f = Number(v);
  if (v.trim() === '' || !(f >= 0 && f <= 1)) throw new InvalidArgumentError(`--empty-threshold: expected a fraction in [0, 1], got '${v}'`);
  return f;
}

/** The per-eps results as columns (one row per eps). */
function resultTable(rows: Record<(typeof COLUMNS)[number], number | boolean>[]): Record<string, NdArray> {
  return Object.fromEntries(COLUMNS.map((c) => [c, { data: Float64Array.from(rows, (r) => Number(r[c])), shape: [rows.length] }]));
}

interface Opts extends SemdCliOptions {
  report?: string;
  in: string;
  test?: string;
  eps?: number[];
  out: string;
  bootstrap: number;
  seed: number;
  emptyThreshold: number;
  sizes?: number[];
}

export const register = (program: Command) => {
  const cmd = program
    .command('smear')
    .description('smeared likelihood (arXiv:2501.07643): per eps, score = (n_s/N_s) / (n_s/N_s + n_b/N_b) over the SEMD ball, its AUC and bootstrap error')
    .requiredOption('--in <file>', 'labelled reference jets (.npz with X and y, 1 = signal)')
    .option('--test <file>', 'labelled jets to evaluate against the reference (default: leave-one-out on --in)')
    .option('--eps <list>', 'ball radii, comma-separated, used exactly as given (default: 24 log-spaced values from the 1st percentile of NN distances to the median pairwise distance of a seeded 1,000-jet subsample)', numberList('eps'))
    .requiredOption('--out <file>', 'output: .json (settings, references {multiplicity, mass: {auc, auc_err, sign}}, results [{eps, eps_gev, auc, auc_err, empty_fraction, resolved_fraction, flagged, mean_ball}]) or a table with those columns (.csv, .npz, .h5)')
    .option('--empty-threshold <f>', 'flag eps values (JSON flagged, dashed in the figure) where more than this fraction of balls is empty', fractionOption, 0.05)
    .option('--sizes <list>', 'also run leave-one-out on nested subsamples of N jets per class (e.g. 250,500,1000), on the same eps grid, and overlay the curves (JSON sizes[])', numberList('sizes'))
    .option('--bootstrap <B>', 'bootstrap resamples for auc_err', intOption('bootstrap', 2), 200)
    .option('--report <dir>', 'also write the figures: DIR/report.json, DIR/index.html and DIR/figures/*.png|svg')
    .option('--seed <s>', 'seed (subsample for the default grid, bootstrap)', intOption('seed', 0), 1);
  semdOptions(cmd, true).action(
    action(async (o: Opts) => {
      const fmt = outputFormat(o.out, FORMATS);
      if (o.sizes && fmt !== 'json') throw new JetlensInputError('--sizes: write the scan to a .json --out');
      if (o.sizes && o.test) throw new JetlensInputError('--sizes is leave-one-out on subsamples of --in: drop --test');
      const ref = await readJets(o.in);
      const test = o.test ? await readJets(o.test) : undefined;
      const r = await withProgress('smear', (run) =>
        smearedLikelihood(ref, {
          test, eps: o.eps, energy: o.energy, beta: o.beta, scale: o.scale, threads: o.threads, backend: o.backend,
          cells: o.cells, bootstrap: o.bootstrap, seed: o.seed, emptyThreshold: o.emptyThreshold, ...run,
        }));
      let sizes: SizeScanEntry[] | undefined;
      if (o.sizes) {
        const eps = r.results.map((p) => p.eps);
        sizes = await withProgress('smear sizes', (run) =>
          smearSizeScan(ref, o.sizes!, {
            eps, energy: o.energy, beta: o.beta, scale: o.scale, threads: o.threads, backend: o.backend,
            cells: o.cells, bootstrap: o.bootstrap, seed: o.seed, emptyThreshold: o.emptyThreshold, ...run,
          }));
      }
      if (fmt === 'json') await writeJson(o.out, { command: 'smear', input: o.in, test: o.test ?? null, ...r, ...(sizes ? { sizes } : {}) });
      else await writeOutput(o.out, { arrays: resultTable(r.results) }, FORMATS);
      if (o.report) await writeFigures(o.report, smearSections(r, undefined, sizes), 'smear');
      info(`wrote ${o.out}: ${r.results.length} eps values`);
      for (const [k, v] of Object.entries(r.references)) info(`  ${k} AUC ${v.auc.toFixed(4)} +- ${v.auc_err.toFixed(4)}`);
      for (const p of r.results) info(`  eps ${p.eps.toPrecision(4).padStart(10)} (${p.eps_gev.toPrecision(3)} GeV)  AUC ${p.auc.toFixed(4)} +- ${p.auc_err.toFixed(4)}  empty ${(100 * p.empty_fraction).toFixed(1)}%${p.flagged ? `  FLAGGED (empty > ${100 * r.settings.empty_threshold}%)` : ''}`);
    }),
  );
};
