// The target table of docs/generator.md as tests (fixed seeds). The default suite runs a smaller sample with
// bounds widened by about 3 standard errors; JETLENS_SLOW=1 runs the full table (8k jets per class) with the
// targets as written. Print the table itself with: npx jetlens generate --validate --n 8000
import t from 'tap';
import { binnedLrAuc, PAPER_AUCS, HL_COLUMNS, validateQuarkGluon, validateWqcd } from '../src/jets/generator/validation.js';
import { Rng } from '../src/util/rng.js';

const slow = process.env.JETLENS_SLOW === '1';

t.test('binned likelihood-ratio AUC: known answers', async (t) => {
  const rng = new Rng(1);
  const n = 40000;
  const a = Float64Array.from({ length: n }, () => rng.normal() + 1);
  const b = Float64Array.from({ length: n }, () => rng.normal());
  // Equal-width Gaussians: the LR is monotone, AUC = Phi(1/sqrt 2) = 0.7602.
  t.ok(Math.abs(binnedLrAuc(a, b) - 0.7602) < 0.01, `shifted Gaussians ${binnedLrAuc(a, b).toFixed(4)}`);
  // Different widths: a cut gives 0.5, the LR classifier does not (the paper's point).
  const wide = Float64Array.from({ length: n }, () => 3 * rng.normal());
  const lr = binnedLrAuc(wide, b);
  t.ok(lr > 0.7, `narrow vs wide: LR AUC ${lr.toFixed(3)} (a cut would give 0.5)`);
  t.equal(binnedLrAuc(b, b), 0.5, 'identical samples');
  t.equal(binnedLrAuc([1, 1, 2, 2], [1, 1, 1, 2]), binnedLrAuc([2, 2, 1, 1], [2, 1, 1, 1]), 'order-free, discrete values');
  t.equal(binnedLrAuc([5, 6, 7], [1, 2, 3]), 1, 'separated');
});

t.test('quark/gluon multiplicities (pT 500-550 GeV, R = 0.4)', async (t) => {
  const n = slow ? 8000 : 1500;
  const r = await validateQuarkGluon(n, 1);
  const w = slow ? 0 : 1; // fast: widen by about 3 standard errors
  t.ok(r.quark.mean >= 25 - 1.5 * w && r.quark.mean <= 45 + 1.5 * w, `quark mean multiplicity ${r.quark.mean.toFixed(1)} (25-45)`);
  t.ok(r.gluon.mean >= 40 - 1.5 * w && r.gluon.mean <= 70 + 1.5 * w, `gluon mean multiplicity ${r.gluon.mean.toFixed(1)} (40-70)`);
  t.ok(r.ratio >= 1.4 - 0.05 * w && r.ratio <= 1.9 + 0.05 * w, `gluon/quark ${r.ratio.toFixed(3)} (1.4-1.9)`);
  // 0.787 at 8k per class (k_t cut-off 0.4 GeV, docs/generator.md): the slow bound is the target itself.
  const lo = slow ? 0.78 : 0.75;
  t.ok(r.multiplicityAuc >= lo && r.multiplicityAuc <= 0.88 + 0.03 * w, `multiplicity AUC ${r.multiplicityAuc.toFixed(4)} (0.78-0.88; allowed from ${lo})`);
});

t.test('W vs QCD (pT 300-400 GeV, R = 1.0, towers, trimmed): mass peak and single-observable AUCs', async (t) => {
  const n = slow ? 8000 : 1500;
  const r = await validateWqcd(n, 3);
  const w = slow ? 0 : 1;
  t.ok(r.wMassPeak >= 75 - 2 * w && r.wMassPeak <= 85 + 2 * w, `W mass peak ${r.wMassPeak} GeV (75-85)`);
  t.ok(r.wMassWithin12 >= 0.68 - 0.05 * w, `${(100 * r.wMassWithin12).toFixed(1)}% of W jets within +-12 GeV of the peak (>= 68%)`);
  // Every row held to the paper's +-0.04 (tau21 too, since towers sit at random points of their cells as in Delphes).
  const tol: Record<string, number> = Object.fromEntries(HL_COLUMNS.map((c) => [c, 0.04 + (slow ? 0 : 0.035)]));
  for (const c of HL_COLUMNS) {
    const d = r.aucs[c] - PAPER_AUCS[c];
    t.ok(Math.abs(d) <= tol[c], `AUC ${c} ${r.aucs[c].toFixed(4)} vs paper ${PAPER_AUCS[c]} (${d >= 0 ? '+' : ''}${d.toFixed(3)}, allowed ${tol[c].toFixed(3)})`);
  }
  t.ok(r.sameOrdering, `same ordering as the paper: ${HL_COLUMNS.map((c) => `${c} ${r.aucs[c].toFixed(3)}`).join(', ')}`);
});
