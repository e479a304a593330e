import type { Command } from 'commander';
import { ado, adoOnDisagreement, disagreeingPairs } from '../metrics/index.js';
import { writeTable } from '../io/index.js';
import { JetlensInputError } from '../errors.js';
import { action, info, intOption } from './util.js';
import { printJson, printTable, readLabels, readVector } from './arrays.js';

interface AdoCliOptions {
  f: string;
  g: string;
  labels: string;
  weights?: string;
  disagreeWith?: string;
  backend: string;
  json?: boolean;
  exportPairs?: string;
  exportCount: number;
  seed: number;
}

export const register = (program: Command) =>
  program
    .command('ado')
    .description('average decision ordering of F against G over all signal/background pairs (ties count 1/2), ' +
      'or with --disagree-with H only over the pairs H and G order strictly differently')
    .requiredOption('--f <array>', 'discriminant F per event (file.npy, file.npz:name, file.csv:column)')
    .requiredOption('--g <array>', 'reference discriminant G (e.g. the black box) per event')
    .requiredOption('--labels <array>', 'truth per event: 1 signal, 0 background')
    .option('--weights <array>', 'event weights (default: 1; pair weight = product)')
    .option('--disagree-with <array>', 'current model H: restrict to the pairs D(H, G)')
    .option('--export-pairs <file>', 'with --disagree-with: write random pairs of D(H, G) (indices and f, g, h values) to .csv or .npz')
    .option('--export-count <n>', 'number of pairs to export', intOption('export-count', 1), 100)
    .option('--seed <n>', 'seed of the exported pairs', intOption('seed', 0), 1)
    .option('--backend <name>', 'kernel backend: auto, native, reference', 'auto')
    .option('--json', 'print JSON (keys ado, ado_raw, direction, pairs, disagree_pairs, disagree_fraction)')
    .action(
      action(async (o: AdoCliOptions) => {
        const f = await readVector(o.f, 'f');
        const g = await readVector(o.g, 'g');
        const labels = await readLabels(o.labels);
        const weights = o.weights ? await readVector(o.weights, 'weights') : undefined;
        let out: Record<string, number>;
        if (o.disagreeWith) {
          const h = await readVector(o.disagreeWith, 'disagree-with');
          const r = adoOnDisagreement(f, g, h, labels, weights, { backend: o.backend });
          out = { ado: r.ado, ado_raw: r.adoRaw, direction: r.direction, pairs: r.pairs, disagree_pairs: r.disagreePairs, disagree_fraction: r.disagreeFraction };
          if (o.exportPairs) await exportPairs(o.exportPairs, f, g, h, labels, o.exportCount, o.seed);
        } else {
          if (o.exportPairs) throw new JetlensInputError('--export-pairs needs --disagree-with H');
          const r = ado(f, g, labels, weights, { backend: o.backend });
          out = { ado: r.ado, ado_raw: r.adoRaw, direction: r.direction, pairs: r.pairs };
        }
        if (o.json) printJson(out);
        else printTable(out);
      }),
    );

/** Writes example pairs of D(H, G) for inspection: event indices and the three discriminants of each event. */
async function exportPairs(file: string, f: Float64Array, g: Float64Array, h: Float64Array, labels: Float64Array, count: number, seed: number): Promise<void> {
  const p = disagreeingPairs(g, h, labels, { count, seed });
  const col = (x: Float64Array, idx: Uint32Array) => Float64Array.from(idx, (i) => x[i]);
  await writeTable(file, {
    signal_index: Float64Array.from(p.signal),
    background_index: Float64Array.from(p.background),
    f_signal: col(f, p.signal),
    f_background: col(f, p.background),
    g_signal: col(g, p.signal),
    g_background: col(g, p.background),
    h_signal: col(h, p.signal),
    h_background: col(h, p.background),
  });
  info(`wrote ${p.signal.length} pairs of D(H, G) to ${file} (from ${p.drawn} random pairs)`);
}
