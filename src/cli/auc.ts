import type { Command } from 'commander';
import { auc, aucBootstrap } from '../metrics/index.js';
import { action, intOption } from './util.js';
import { printJson, printTable, readLabels, readVector } from './arrays.js';
import { JetlensInputError } from '../errors.js';

interface AucCliOptions {
  scores: string;
  labels: string;
  weights?: string;
  bootstrap?: number;
  seed: number;
  level: number;
  direction: string;
  backend: string;
  json?: boolean;
}

export function parseDirection(s: string): 1 | -1 | 'auto' {
  if (s === 'auto') return 'auto';
  if (s === '1' || s === '+1') return 1;
  if (s === '-1') return -1;
  throw new JetlensInputError(`--direction: expected auto, +1 or -1, got '${s}'`);
}

function parseLevel(s: string): number {
  const v = Number(s);
  if (s.trim() === '' || !(v > 0 && v < 1)) throw new JetlensInputError(`--level: expected a number in (0, 1), got '${s}'`);
  return v;
}

export const register = (program: Command) =>
  program
    .command('auc')
    .description('area under the ROC curve (ties count 1/2), DeLong error, optional bootstrap interval')
    .requiredOption('--scores <array>', 'discriminant per event (file.npy, file.npz:name, file.csv:column)')
    .requiredOption('--labels <array>', 'truth per event: 1 signal, 0 background')
    .option('--weights <array>', 'event weights (default: 1)')
    .option('--bootstrap <B>', 'bootstrap resamples for ci_low/ci_high/std (default: none)', intOption('bootstrap', 2))
    .option('--seed <n>', 'bootstrap seed', intOption('seed', 0), 1)
    .option('--level <p>', 'confidence level of the bootstrap interval', parseLevel, 0.95)
    .option('--direction <d>', 'auto (report max(AUC, 1-AUC)), +1 (large = signal) or -1', 'auto')
    .option('--backend <name>', 'kernel backend: auto, native, reference', 'auto')
    .option('--json', 'print JSON (keys auc, direction, n_signal, n_background, std_delong, ci_low, ci_high, std)')
    .action(
      action(async (o: AucCliOptions) => {
        const scores = await readVector(o.scores, 'scores');
        const labels = await readLabels(o.labels);
        const weights = o.weights ? await readVector(o.weights, 'weights') : undefined;
        const direction = parseDirection(o.direction);
        const r = auc(scores, labels, weights, { direction, backend: o.backend });
        const out: Record<string, number> = {
          auc: r.auc,
          direction: r.direction,
          n_signal: r.nSignal,
          n_background: r.nBackground,
          std_delong: r.stdDelong,
        };
        if (o.bootstrap !== undefined) {
          const b = aucBootstrap(scores, labels, weights, { resamples: o.bootstrap, seed: o.seed, level: o.level, direction: r.direction, backend: o.backend });
          Object.assign(out, { ci_low: b.ciLow, ci_high: b.ciHigh, std: b.std });
        }
        if (o.json) printJson(out);
        else printTable(out);
      }),
    );
