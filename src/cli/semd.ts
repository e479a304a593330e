import type { Command } from 'commander';
import { readJets } from '../io/index.js';
import { outputFormat, writeOutput, TABLE_FORMATS } from './output.js';
import { semdCross, semdMatrix } from '../semd/distance.js';
import { semdOptions, withProgress, type SemdCliOptions } from './semd-common.js';
import { action, info } from './util.js';

interface Opts extends SemdCliOptions {
  in: string;
  in2?: string;
  out: string;
  maxGib: number;
}

export const register = (program: Command) => {
  const cmd = program
    .command('semd')
    .description('exact Spectral EMD (p = 2): the pairwise (N, N) float64 matrix of a jet file, or the (N1, N2) cross matrix with --in2')
    .requiredOption('--in <file>', 'jets (.npz EnergyFlow layout X (N, M, 4); also .npy/.h5/.csv/.jsonl)')
    .option('--in2 <file>', 'second jet file: cross matrix (may be padded differently)')
    .requiredOption('--out <file>', 'output: .npy (float64 (N, N)), .npz or .h5 (array \'distance\'), or .csv (one row per jet, columns 0..N2-1)')
    .option('--max-gib <g>', 'refuse matrices larger than this (use `jetlens knn` for large samples)', Number, 4);
  semdOptions(cmd).action(
    action(async (o: Opts) => {
      outputFormat(o.out, TABLE_FORMATS);
      const a = await readJets(o.in);
      const b = o.in2 ? await readJets(o.in2) : null;
      const opts = { energy: o.energy, beta: o.beta, scale: o.scale, threads: o.threads, backend: o.backend, maxBytes: o.maxGib * 2 ** 30 };
      const m = await withProgress('semd', (run) => (b ? semdCross(a, b, { ...opts, ...run }) : semdMatrix(a, { ...opts, ...run })));
      const cols = Array.from({ length: m.shape[1] }, (_, j) => String(j));
      await writeOutput(o.out, { arrays: { distance: { data: m.data, shape: m.shape } }, main: 'distance', csvNames: { distance: cols } });
      info(`wrote ${o.out}: (${m.shape.join(', ')}) float64 SEMD matrix (energy ${o.energy}, beta ${o.beta}, scale ${o.scale})`);
    }),
  );
};
