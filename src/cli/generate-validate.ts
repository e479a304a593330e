/**
 * `jetlens generate --validate`: the target table of docs/generator.md, measured on fresh samples (n jets per
 * class), printed as a table with the targets and a JSON line.
 */
import type { GenerateOptions } from '../jets/generator/options.js';
import { HL_COLUMNS, PAPER_AUCS, validateQuarkGluon, validateWqcd } from '../jets/generator/validation.js';
import { info, progress } from './util.js';

const f = (x: number, d = 3) => x.toFixed(d);
const mark = (ok: boolean) => (ok ? 'yes' : 'NO');

export async function printValidation(n: number, seed: number, extra: Partial<GenerateOptions>): Promise<void> {
  const bar = progress('validate', 4 * n);
  let done = 0;
  const ro = { onProgress: (d: number, total: number) => bar.update(done + Math.min(d, total)) };
  let qg, wq;
  try {
    qg = await validateQuarkGluon(n, seed, extra, ro);
    done = 2 * n;
    wq = await validateWqcd(n, seed + 2, extra, ro);
  } finally {
    bar.stop();
  }
  const rows: [string, string, string, boolean][] = [
    ['quark mean multiplicity', '25-45', `${f(qg.quark.mean, 1)} (sd ${f(qg.quark.sd, 1)})`, qg.quark.mean >= 25 && qg.quark.mean <= 45],
    ['gluon mean multiplicity', '40-70', `${f(qg.gluon.mean, 1)} (sd ${f(qg.gluon.sd, 1)})`, qg.gluon.mean >= 40 && qg.gluon.mean <= 70],
    ['gluon/quark multiplicity', '1.4-1.9', f(qg.ratio, 2), qg.ratio >= 1.4 && qg.ratio <= 1.9],
    ['q/g multiplicity AUC', '0.78-0.88', f(qg.multiplicityAuc), qg.multiplicityAuc >= 0.78 && qg.multiplicityAuc <= 0.88],
    ['W jet mass peak [GeV]', '75-85', f(wq.wMassPeak, 0), wq.wMassPeak >= 75 && wq.wMassPeak <= 85],
    ['W jets within +-12 GeV of peak', '>= 0.68', f(wq.wMassWithin12), wq.wMassWithin12 >= 0.68],
    ...HL_COLUMNS.map((c): [string, string, string, boolean] => [
      `AUC ${c} (binned LR)`,
      `${f(PAPER_AUCS[c])} +- 0.04`,
      f(wq.aucs[c]),
      Math.abs(wq.aucs[c] - PAPER_AUCS[c]) <= 0.04,
    ]),
    ['same ordering as the paper', 'yes', mark(wq.sameOrdering), wq.sameOrdering],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  const lines = [`generator target table, ${n} jets per class, seed ${seed}`, `${'quantity'.padEnd(w)}  ${'target'.padEnd(14)}  ${'measured'.padEnd(20)}  within`];
  for (const [q, t, m, ok] of rows) lines.push(`${q.padEnd(w)}  ${t.padEnd(14)}  ${m.padEnd(20)}  ${mark(ok)}`);
  console.log(lines.join('\n'));
  console.log(JSON.stringify({ validate: 'generator', n, seed, options: extra, quarkGluon: qg, wQcd: wq }));
  const failed = rows.filter((r) => !r[3]).length;
  info(failed ? `${failed} of ${rows.length} rows outside their target` : 'every row within its target');
}
