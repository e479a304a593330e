import { Option, type Command } from 'commander';
import { outputFormat, writeOutput, type OutFormat } from './output.js';
import type { NdArray } from '../io/index.js';
import { runSharded } from '../shard/run.js';
import { checkObservablesOptions, observables } from '../jss/observables.js';
import { AXES, type AxesKind } from '../jss/request.js';
import { withMasses, withPdgMasses } from '../jets/pdg.js';
import { action, info, intOption, numberList, progress, shardOptions } from './util.js';
import { relabel } from '../util/validate.js';

/** Library option name -> the flag that sets it (errors name the flag). */
const FLAGS: Record<string, string> = { betas: '--beta', tauBeta: '--tau-beta', columns: '--columns', axes: '--axes' };

interface Opts {
  in: string;
  out: string;
  dataset: string;
  beta: number[];
  tauBeta: number[];
  columns?: string;
  axes: string;
  threads: number;
  masses: string;
  backend: string;
  shard?: string;
  force?: boolean;
}

const HELP = `
Columns (default): pt,mass,mult,width, then e2,e3,c2,d2 for each --beta, then tau1,tau2,tau3,tau21,tau32 for each
--tau-beta, each with the suffix _b<beta> (default: e2_b1,e2_b2,e3_b1,...,tau32_b1). --beta sets the ECF exponents
only; N-subjettiness uses --tau-beta (default 1). --columns picks any list instead, e.g.
  --columns mass,c2_b0.5,d2_b2,tau21_b2,tau4_b1,rap,phi
(also: rap and phi, the jet rapidity and azimuth; tauN for N <= 8).
Conventions: rapidity, not pseudorapidity; z_i = pT_i / sum pT; no division by R^beta; tau_N with
R0 = 1. Empty jets give 0 in every column; C2 = D2 = 0 when e2 = 0; tau_N = 0 when M <= N; tau21 = 0 when
tau1 = 0 and tau32 = 0 when tau2 = 0.
Axes: kt = exclusive kT (d_ij = min(pT_i^2, pT_j^2) DeltaR_ij^2, E-scheme, ties -> first pair in creation order);
wta = the same clustering, a merged object keeps its harder parent's direction (pT summed); onepass = from the kT
axes, assign particles to the nearest axis and move each axis once by x <- sum w_i x_i / sum w_i with
w_i = z_i DeltaR_ia^(beta - 2) (beta = 2: pT centroid; beta = 1: one Weiszfeld step; an axis on top of one of its
particles for beta < 2, or with no particles, stays), then tau_N with the moved axes.
Output: .csv (header row, 17 significant digits), .npz or .h5 (one float64 array per column), one row per jet in
input order, plus the labels as column 'y' when the input has them (so \`train --model dnn --in obs.csv\` works).`;

const FORMATS: OutFormat[] = ['csv', 'npz', 'h5'];

export const register = (program: Command) =>
  shardOptions(program
    .command('observables')
    .description('jet substructure observables per jet: mass, ECFs (e2, e3, C2, D2), N-subjettiness (tau_N, tau21, tau32)')
    .requiredOption('--in <file>', 'jets (.npz, .npy, .h5, .csv, .jsonl)')
    .requiredOption('--out <file>', 'table to write (.csv, .npz or .h5; labels as column y when the input has them)')
    .option('--dataset <name>', 'array/dataset holding the particles', 'X')
    .option('--beta <list>', 'ECF angular exponents, comma separated', numberList('beta'), [1, 2])
    .option('--tau-beta <list>', 'N-subjettiness angular exponents, comma separated', numberList('tau-beta'), [1])
    .option('--columns <list>', 'comma-separated columns instead of the default set (see below)')
    .addOption(new Option('--axes <kind>', 'N-subjettiness axes: kt (exclusive kT, E-scheme), wta (winner-takes-all kT), onepass (one minimisation step from kT)').choices(AXES).default('kt'))
    .option('--threads <n>', 'worker threads for the native kernel (0 = all cores)', intOption('threads', 0), 0)
    .option('--backend <name>', 'kernel backend: auto, native, reference', 'auto')
    .option('--masses <from>', 'constituent masses for the jet 4-vector: auto (a 5th X column / CSV mass column if present, else massless), pid (PDG ids, src/jets/pdg.ts), none', 'auto'))
    .addHelpText('after', HELP)
    .action(
      action(async (o: Opts) => {
        outputFormat(o.out, FORMATS);
        const columns = o.columns?.split(',').map((s) => s.trim()).filter((s) => s !== '');
        if (o.columns !== undefined && !columns?.length) throw new Error('--columns: expected at least one column');
        if (!['auto', 'pid', 'none'].includes(o.masses)) throw new Error(`--masses: expected auto, pid or none, got '${o.masses}'`);
        try {
          checkObservablesOptions({ columns, betas: o.beta, tauBeta: o.tauBeta, axes: o.axes }); // the library's one validator, before any input is read
        } catch (e) {
          throw relabel(e, (f) => FLAGS[f] ?? `--${f}`);
        }
        const settings = { columns, beta: o.beta, tauBeta: o.tauBeta, axes: o.axes, dataset: o.dataset, ...(o.masses === 'auto' ? {} : { masses: o.masses }) };
        const ran = await runSharded({ command: 'observables', input: o.in, dataset: o.dataset, output: o.out, shard: o.shard, force: o.force, settings }, async (input) => {
          const jets = o.masses === 'pid' ? withPdgMasses(input, o.in) : o.masses === 'none' && input.mass ? withMasses(input, undefined) : input;
          const bar = progress('observables', jets.length);
          const t0 = Date.now();
          const r = await observables(jets, {
            columns, betas: o.beta, tauBeta: o.tauBeta, axes: o.axes as AxesKind, threads: o.threads, backend: o.backend,
            onProgress: (d, n) => bar.update(d, n),
          }).finally(() => bar.stop());
          const table: Record<string, NdArray> = {};
          for (const c of r.columns) table[c] = { data: r.values[c], shape: [jets.length] };
          await writeOutput(o.out, { arrays: table, labels: jets.labels }, FORMATS);
          info(`observables: ${jets.length} jets x ${r.columns.length} columns -> ${o.out} (${((Date.now() - t0) / 1000).toFixed(2)} s)`);
        });
        if (!ran) info(`observables: ${o.out} already holds shard ${o.shard} (use --force to redo)`);
      }),
    );
