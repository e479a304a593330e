import type { Command } from 'commander';
import { ado, adoOnDisagreement } from '../metrics/index.js';
import { action } from './util.js';
import { printJson, printTable, readVector } from './arrays.js';

interface AdoCliOptions {
  f: string;
  g: string;
  labels: string;
  weights?: string;
  disagreeWith?: string;
  backend: string;
  json?: boolean;
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
    .option('--backend <name>', 'kernel backend: auto, native, reference', 'auto')
    .option('--json', 'print JSON (keys ado, ado_raw, direction, pairs, disagree_pairs, disagree_fraction)')
    .action(
      action(async (o: AdoCliOptions) => {
        const f = await readVector(o.f, 'f');
        const g = await readVector(o.g, 'g');
        const labels = await readVector(o.labels, 'labels');
        const weights = o.weights ? await readVector(o.weights, 'weights') : undefined;
        let out: Record<string, number>;
        if (o.disagreeWith) {
          const h = await readVector(o.disagreeWith, 'disagree-with');
          const r = adoOnDisagreement(f, g, h, labels, weights, { backend: o.backend });
          out = { ado: r.ado, ado_raw: r.adoRaw, direction: r.direction, pairs: r.pairs, disagree_pairs: r.disagreePairs, disagree_fraction: r.disagreeFraction };
        } else {
          const r = ado(f, g, labels, weights, { backend: o.backend });
          out = { ado: r.ado, ado_raw: r.adoRaw, direction: r.direction, pairs: r.pairs };
        }
        if (o.json) printJson(out);
        else printTable(out);
      }),
    );
