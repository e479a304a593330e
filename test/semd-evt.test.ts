// Extreme-value scaling of minimal distances: the Weibull MLE on synthetic samples, the line fit, and the
// power law on a toy whose answer is known (a one-parameter family of jets: d_min ~ 1/N, Weibull shape 1).
import t from 'tap';
import { fitLine, fitWeibull, nnScaling } from '../src/studies/smearing/evt.js';
import { fitConditionalWeibull } from '../src/studies/smearing/weibull-cond.js';
import { Rng } from '../src/util/rng.js';

t.test('Weibull MLE recovers shape and scale; errors match the spread', async (t) => {
  const rng = new Rng(2);
  const shapes: number[] = [];
  let err = 0;
  for (let rep = 0; rep < 20; rep++) {
    const x = Array.from({ length: 2000 }, () => 0.3 * Math.pow(-Math.log(1 - rng.uniform()), 1 / 2.5));
    const f = fitWeibull(x);
    t.ok(f.converged);
    t.ok(Math.abs(f.shape - 2.5) < 4 * f.shape_err, `shape ${f.shape.toFixed(3)} +- ${f.shape_err.toFixed(3)}`);
    t.ok(Math.abs(f.scale - 0.3) < 5 * f.scale_err, `scale ${f.scale.toFixed(4)} +- ${f.scale_err.toFixed(4)}`);
    shapes.push(f.shape);
    err += f.shape_err / 20;
  }
  const m = shapes.reduce((s, v) => s + v, 0) / shapes.length;
  const sd = Math.sqrt(shapes.reduce((s, v) => s + (v - m) ** 2, 0) / (shapes.length - 1));
  t.ok(sd / err > 0.5 && sd / err < 2, `observed-information error ${err.toFixed(4)} vs spread ${sd.toFixed(4)}`);
  t.notOk(fitWeibull([0, 0, 1]).converged, 'too few positive values');
});

t.test('conditional Weibull fit recovers a known shape under per-query scales; the pooled fit does not', async (t) => {
  const rng = new Rng(5);
  const draw = (a: number, s: number) => s * Math.pow(-Math.log(1 - rng.uniform()), 1 / a);
  for (const [a, m] of [[9, 5], [9, 20], [2, 3], [1, 10]]) {
    // 300 queries, scales spread over a factor e^3 (as d_min scales vary with the local density).
    const groups = Array.from({ length: 300 }, () => {
      const s = Math.exp(3 * rng.uniform());
      return Array.from({ length: m }, () => draw(a, s));
    });
    const f = fitConditionalWeibull(groups);
    t.ok(f.converged && f.queries === 300 && f.values === 300 * m);
    t.ok(Math.abs(f.shape - a) < 3 * f.shape_err, `a = ${a}, m = ${m}: shape ${f.shape.toFixed(3)} +- ${f.shape_err.toFixed(3)} (raw MLE ${f.shape_mle.toFixed(3)})`);
    const pooled = fitWeibull(groups.flat());
    t.ok(pooled.shape < a - 5 * pooled.shape_err, `pooled shape ${pooled.shape.toFixed(3)} is below the exponent ${a}`);
  }
  // Zeros are counted, not fitted; a query with one positive value is dropped and counted.
  const g = [[0, 1, 2, 3], [0.5, 0, 0], ...Array.from({ length: 50 }, () => [draw(2, 1), draw(2, 1), draw(2, 1)])];
  const z = fitConditionalWeibull(g);
  t.equal(z.zero_count, 3);
  t.equal(z.dropped_queries, 1);
  t.equal(z.values, 3 + 150);
  t.notOk(fitConditionalWeibull([[1, 2]]).converged, 'fewer than 3 replicates per query');
});

t.test('line fit', async (t) => {
  const f = fitLine([0, 1, 2, 3], [1, 3, 5, 7]);
  t.ok(Math.abs(f.slope - 2) < 1e-12 && Math.abs(f.intercept - 1) < 1e-12);
  const w = fitLine([0, 1, 2], [0, 1.1, 1.9], [0.1, 0.1, 0.1]);
  t.ok(Math.abs(w.slope_err - 0.1 / Math.sqrt(2)) < 1e-12, 'weighted slope error from the covariance');
});

t.test('power law on a one-parameter family: 1/a = 1', async (t) => {
  // Two equal-pT particles at separation r ~ U(0.1, 0.9): SEMD = |r_A - r_B| / sqrt(2), a line: F(t) ~ t.
  const rng = new Rng(7);
  const jets = Array.from({ length: 4000 }, () => [[50, 0, 1], [50, 0.1 + 0.8 * rng.uniform(), 1]]);
  const r = await nnScaling(jets, { sizes: [250, 1000, 3000], repeats: 3, seed: 1 });
  t.equal(r.settings.queries, 200);
  t.equal(r.settings.pool, 3800);
  const pl = r.power_law;
  t.ok(Math.abs(pl.inv_a - 1) < 0.1, `1/a_pl = ${pl.inv_a.toFixed(3)} +- ${pl.inv_a_err.toFixed(3)}`);
  for (const s of r.sizes) {
    t.ok(Math.abs(s.weibull.shape - 1) < 0.15, `N = ${s.N}: Weibull shape ${s.weibull.shape.toFixed(3)} +- ${s.weibull.shape_err.toFixed(3)}`);
    t.ok(Math.abs(s.inv_shape - pl.inv_a) < 0.15, 'consistent with the power-law exponent');
    t.equal(s.histogram.density.length, 40);
  }
  // The reported exponent: per-query fit, shape 1 for this one-parameter family.
  for (const s of r.sizes.slice(0, 2)) {
    const e = s.exponent;
    t.equal(e.replicates, 3);
    t.ok(Math.abs(e.shape - 1) < Math.max(3 * e.shape_err, 0.1), `N = ${s.N}: conditional shape ${e.shape.toFixed(3)} +- ${e.shape_err.toFixed(3)}`);
    t.match(e.label, /conditional/);
    t.match(s.weibull_label, /pooled.*secondary/);
  }
  t.equal(r.local_slopes.length, 2);
  // No identical repeats: at N = 3000 only one disjoint subsample fits in the pool of 3800.
  t.equal(r.sizes[2].repeats, 1);
  t.equal(r.sizes[2].repeats_requested, 3);
  t.ok(Number.isNaN(r.sizes[2].exponent.shape) && /disjoint/.test(r.sizes[2].exponent.note ?? ''));
  await t.rejects(nnScaling(jets, { sizes: [3900] }), /sizes: 3900 .*200 held-out queries/);
});

t.test('duplicates: zero minimal distances are reported, not fitted', async (t) => {
  const base = [[[10, 0, 0], [5, 0.2, 0.1]], [[10, 0, 0], [5, 0.4, 0.1]], [[10, 0, 0], [1, 0.1, 0.3]]];
  const jets = Array.from({ length: 60 }, (_, i) => base[i % 3]);
  const r = await nnScaling(jets, { sizes: [20, 50], repeats: 2 });
  t.same(r.excluded_sizes, [20, 50]);
  t.equal(r.sizes[1].repeats, 1, 'pool of 54 holds one disjoint subsample of 50');
  t.equal(r.sizes[1].zero_count, 50);
  t.equal(r.sizes[1].zero_fraction, 1);
  t.ok(Number.isNaN(r.power_law.inv_a) && !r.sizes[1].weibull.converged);
});
