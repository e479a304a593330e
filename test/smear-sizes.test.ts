// smear's sizes scan, reference AUCs and eps in GeV (issue #22 item 1): nested subsamples, output shapes, and the
// reference lines equal to the metrics module's AUC on the same columns.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { runCli } from './fixtures/cli.js';
import { register as registerSmear } from '../src/cli/smear.js';
import { cliState } from '../src/cli/util.js';
import { writeJets } from '../src/io/index.js';
import { JetBatch } from '../src/jets/batch.js';
import { generateMixture } from '../src/jets/generator/index.js';
import { auc } from '../src/metrics/index.js';
import { smearSections } from '../src/studies/smearing/figures.js';
import { gevPerUnit, nestedSubsamples, simpleColumns, smearedLikelihood, smearSizeScan } from '../src/studies/smearing/index.js';
import { writeReportJson } from '../src/report/index.js';
import { tempDir } from './fixtures/tmp.js';

cliState.quiet = true;
const jets = generateMixture({ signal: 'quark', background: 'gluon', n: 120, seed: 3 });

t.test('nested subsamples: N per class, each contained in the next, seeded', async (t) => {
  const labels = jets.labels!;
  const sizes = [10, 40, 120];
  const subs = nestedSubsamples(labels, sizes, 7);
  for (const [k, s] of subs.entries()) {
    t.equal(s.length, 2 * sizes[k]);
    t.equal(Array.from(s).filter((i) => labels[i] === 1).length, sizes[k], 'N signal');
    t.same(Array.from(s), Array.from(s).sort((a, b) => a - b), 'sorted');
    t.equal(new Set(s).size, s.length, 'no repeats');
    if (k > 0) t.ok(Array.from(subs[k - 1]).every((i) => s.includes(i)), `N = ${sizes[k - 1]} inside N = ${sizes[k]}`);
  }
  t.same(nestedSubsamples(labels, sizes, 7).map((s) => Array.from(s)), subs.map((s) => Array.from(s)), 'same seed, same subsamples');
  t.notSame(Array.from(nestedSubsamples(labels, [10], 8)[0]), Array.from(subs[0]), 'other seed, other subsample');
  t.throws(() => nestedSubsamples(labels, [121], 7), /121 jets per class asked/);
  t.throws(() => nestedSubsamples(labels, [1], 7), /integers >= 2/);
});

t.test('simple columns: multiplicity, massless mass, scalar pT; eps in GeV', async (t) => {
  // Two massless particles: m^2 = 2 pt1 pt2 (cosh dy - cos dphi).
  const b = JetBatch.fromNested([[[100, 0.1, 0.2, 0], [50, -0.2, 0.5, 0]], [[10, 0, 0, 0], [20, 0, 0.1, 0], [30, 0.1, 0, 0]]]);
  const c = simpleColumns(b);
  t.same(Array.from(c.multiplicity), [2, 3]);
  t.same(Array.from(c.sumPt), [150, 60]);
  t.ok(Math.abs(c.mass[0] - Math.sqrt(2 * 100 * 50 * (Math.cosh(0.3) - Math.cos(0.3)))) < 1e-9, 'mass of two massless particles');
  t.same(gevPerUnit(b, 'norm', 1), { gev_per_unit: 105, median_jet_pt: 105 });
  t.same(gevPerUnit(b, 'norm', 2), { gev_per_unit: 52.5, median_jet_pt: 105 });
  t.equal(gevPerUnit(b, 'raw', 1).gev_per_unit, 1, 'raw energies: already GeV');
});

t.test('reference AUCs equal the metrics AUC of the same columns; eps_gev = eps x median pT', async (t) => {
  const eps = [0.02, 0.05, 0.1];
  const r = await smearedLikelihood(jets, { eps, bootstrap: 20, seed: 2 });
  const c = simpleColumns(jets);
  const labels = jets.labels!;
  for (const k of ['multiplicity', 'mass'] as const) {
    const ref = r.references[k];
    const direct = auc(ref.sign === 1 ? c[k] : c[k].map((v) => -v), labels).auc;
    t.equal(ref.auc, direct, `${k}: same AUC as metrics.auc`);
    t.ok(ref.auc >= 0.5 && ref.auc_err > 0 && ref.auc_err < 0.1, `${k}: AUC ${ref.auc.toFixed(3)} +- ${ref.auc_err.toFixed(3)}`);
  }
  t.equal(r.references.multiplicity.sign, -1, 'quark jets (signal) have fewer constituents: smaller is more signal-like');
  t.ok(r.references.multiplicity.auc > 0.6, 'multiplicity separates quarks from gluons');
  t.ok(r.settings.median_jet_pt > 400 && r.settings.median_jet_pt < 600, `median jet pT ${r.settings.median_jet_pt}`);
  r.results.forEach((p, i) => t.ok(Math.abs(p.eps_gev - eps[i] * r.settings.median_jet_pt) < 1e-9 * p.eps_gev));
});

t.test('sizes scan: one curve per N on the shared grid; figure and CLI', async (t) => {
  const eps = [0.01, 0.03, 0.1];
  const scan = await smearSizeScan(jets, [20, 60], { eps, bootstrap: 10, seed: 4 });
  t.same(scan.map((s) => s.n_per_class), [20, 60]);
  for (const s of scan) {
    t.equal(s.settings.n_signal, s.n_per_class);
    t.equal(s.settings.n_background, s.n_per_class);
    t.same(s.results.map((p) => p.eps), eps, 'shared eps grid');
  }
  // More jets: balls fill up (mean ball size grows with N at fixed eps).
  t.ok(scan[1].results.every((p, i) => p.mean_ball >= scan[0].results[i].mean_ball), 'balls fill up with N');
  await t.rejects(smearSizeScan(jets, [20], { eps, test: jets }), /drop --test/);
  const full = await smearedLikelihood(jets, { eps, bootstrap: 10, seed: 4 });
  const sections = smearSections(full, undefined, scan);
  t.equal(sections.length, 3);
  const sz = sections[2] as { series: { label: string; x: number[] }[] };
  t.same(sz.series.map((s) => s.label.split(' AUC')[0]), ['N = 20 per class', 'N = 60 per class', 'all 120 + 120', 'multiplicity', 'mass']);
  await writeReportJson(tempDir('jetlens-smear-sizes-'), sections); // validates

  const dir = tempDir('jetlens-smear-sizes-cli-');
  const f = join(dir, 'qg.npz');
  await writeJets(f, jets);
  const out = join(dir, 's.json');
  const r = await runCli([registerSmear], ['smear', '--in', f, '--eps', '0.03,0.1', '--sizes', '20,40', '--bootstrap', '5', '--out', out, '--report', join(dir, 'rep')]);
  t.equal(r.code, 0, r.err);
  const j = JSON.parse(readFileSync(out, 'utf8'));
  t.same(j.sizes.map((s: { n_per_class: number }) => s.n_per_class), [20, 40]);
  t.ok(j.references.mass.auc > 0.5 && j.results[0].eps_gev > 0);
  const bad = await runCli([registerSmear], ['smear', '--in', f, '--sizes', '20', '--out', join(dir, 's.csv')]);
  t.equal(bad.code, 1);
  t.match(bad.err, /--sizes: write the scan to a .json/);
});
