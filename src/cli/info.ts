import type { Command } from 'commander';
import { readArray, readJets, formatOf } from '../io/index.js';
import { summarize, type ClassSummary, type Dist, type Stats } from '../jets/summary.js';
import { JetlensInputError } from '../errors.js';
import { scanProblems } from './info-scan.js';
import { action } from './util.js';

const fmt = (s: Stats, digits = 3) => `min ${s.min.toFixed(digits)}  mean ${s.mean.toFixed(digits)}  max ${s.max.toFixed(digits)}`;

/** Padded width M and the fraction of padding rows, for array formats. */
async function padding(file: string, dataset: string): Promise<{ M: number; fraction: number } | undefined> {
  const fmtName = formatOf(file);
  if (fmtName === 'csv' || fmtName === 'jsonl') return undefined;
  const spec = fmtName === 'npy' ? file : `${file}:${dataset}`;
  const X = await readArray(spec);
  const [n, m, f] = X.shape;
  let pad = 0;
  for (let r = 0; r < n * m; r++) if (X.data[r * f] === 0) pad++;
  return { M: m, fraction: n * m ? pad / (n * m) : 0 };
}

const dist = (d: Dist, digits: number) => `mean ${d.mean.toFixed(digits)} +- ${d.sd.toFixed(digits)} (sd), median ${d.median.toFixed(digits)}`;

/** Per class: multiplicity, jet mass and jet pT (four-vector sums; masses from PDG ids when present). */
function classLines(classes: ClassSummary[]): string[] {
  return classes.flatMap((c) => {
    const name = c.label === null ? 'all jets' : c.label === 1 ? 'signal (1)' : 'background (0)';
    return [
      `${name}: ${c.jets} jets`,
      `  multiplicity  ${dist(c.multiplicity, 1)}`,
      `  mass [GeV]    ${dist(c.mass, 1)} (constituent masses: ${c.massSource})`,
      `  pT [GeV]      ${dist(c.pt, 1)}`,
    ];
  });
}

export const register = (program: Command) =>
  program
    .command('info')
    .description('summarise a jet file: counts, multiplicity, mass and pT per class, labels, padding, problems found')
    .argument('<file>', 'jets (.npz, .npy, .h5, .csv, .jsonl)')
    .option('--dataset <name>', 'array/dataset holding the particles', 'X')
    .option('--json', 'print JSON')
    .action(
      action(async (file: string, o: { dataset: string; json?: boolean }) => {
        const b = await readJets(file, { dataset: o.dataset }).catch(async (e: Error) => {
          const all = e instanceof JetlensInputError ? await scanProblems(file, o.dataset) : undefined;
          if (!all?.length) throw e;
          // The file does not load: list every problem found, then fail.
          if (o.json) console.log(JSON.stringify({ file, loads: false, problems: all }, null, 2));
          else console.log([`file          ${file}`, `loads         no: ${all.length} kind(s) of problem`, ...all.map((p) => `problem       ${p}`)].join('\n'));
          throw new JetlensInputError(`${all.length} kind(s) of problem; the first: ${e.message}`);
        });
        const s = { file, ...summarize(b), padding: await padding(file, o.dataset) };
        if (o.json) {
          console.log(JSON.stringify(s, null, 2));
          return;
        }
        const lines = [
          `file          ${file}`,
          `jets          ${s.jets}`,
          `particles     ${s.particles}${s.hasPid ? ' (with pid)' : ''}`,
          `multiplicity  ${fmt(s.multiplicity, 1)}`,
          `pT sum [GeV]  ${fmt(s.ptSum, 2)}`,
          `rapidity      ${fmt(s.rapidity)}`,
          `phi           ${fmt(s.phi)}`,
        ];
        if (s.labels) lines.push(`labels        ${s.labels.signal} signal (1), ${s.labels.background} background (0)`);
        lines.push(...classLines(s.classes));
        if (s.weights) lines.push(`weights       ${fmt(s.weights)}`);
        if (s.padding) lines.push(`padding       M = ${s.padding.M}, ${(100 * s.padding.fraction).toFixed(1)}% of rows are padding`);
        if (!s.problems.length) lines.push('problems      none');
        for (const p of s.problems) lines.push(`problem       ${p}`);
        console.log(lines.join('\n'));
      }),
    );
