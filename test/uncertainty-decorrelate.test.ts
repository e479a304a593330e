import t from 'tap';
import { initTf, tableInputs, tf } from '../src/models/index.js';
import { Rng } from '../src/util/rng.js';
import { decorrelationScan, distanceCorrelationSquared, distanceCorrelationSquaredTf, jensenShannon } from '../src/studies/uncertainty/index.js';

t.before(async () => {
  await initTf({ log: () => {} });
});

const tfDcorr2 = (x: ArrayLike<number>, y: ArrayLike<number>) =>
  tf.tidy(() => distanceCorrelationSquaredTf(tf.tensor1d(Float32Array.from(x)), tf.tensor1d(Float32Array.from(y))).dataSync()[0]);

t.test('dCorr^2: reference properties', async (t) => {
  const rng = new Rng(3);
  const x = Array.from({ length: 300 }, () => rng.normal());
  const z = Array.from({ length: 300 }, () => rng.normal());
  t.ok(Math.abs(distanceCorrelationSquared(x, x) - 1) < 1e-12, 'dCorr(x, x) = 1');
  t.ok(Math.abs(distanceCorrelationSquared(x, x.map((v) => -3 * v + 2)) - 1) < 1e-12, 'dCorr(x, a x + b) = 1');
  t.ok(distanceCorrelationSquared(x, z) < 0.02, 'independent: small');
  t.ok(distanceCorrelationSquared(x, x.map((v) => v * v)) > 0.1, 'non-linear dependence (Pearson ~ 0) is seen');
  t.equal(distanceCorrelationSquared([1, 1, 1], [1, 2, 3]), 0, 'a constant: 0');
  t.throws(() => distanceCorrelationSquared([1, 2], [1]));
  // Hand value: x = (0, 1), y = (0, 2): perfectly linearly related.
  t.ok(Math.abs(distanceCorrelationSquared([0, 1], [0, 2]) - 1) < 1e-12);
});

t.test('dCorr^2 in tf ops equals the float64 reference to 1e-5', async (t) => {
  const rng = new Rng(5);
  for (const n of [2, 7, 64, 257]) {
    for (let rep = 0; rep < 3; rep++) {
      const x = Array.from({ length: n }, () => rng.uniform());
      const y = rep === 0 ? x.map((v) => v * v + 0.1 * rng.normal()) : rep === 1 ? Array.from({ length: n }, () => rng.normal()) : x.map((v) => Math.sin(6 * v));
      const ref = distanceCorrelationSquared(x.map(Math.fround), y.map(Math.fround));
      const got = tfDcorr2(x, y);
      t.ok(Math.abs(got - ref) < 1e-5, `n=${n} rep=${rep}: tf ${got} vs reference ${ref}`);
    }
  }
  // Weights 0/1: exactly the unweighted value on the selected events.
  const x = Array.from({ length: 100 }, () => rng.uniform());
  const y = x.map((v) => v * v + 0.2 * rng.normal());
  const w = x.map((_, i) => (i % 3 ? 1 : 0));
  const keep = (a: number[]) => a.filter((_, i) => w[i]).map(Math.fround);
  const ref = distanceCorrelationSquared(keep(x), keep(y));
  const got = tf.tidy(() => distanceCorrelationSquaredTf(tf.tensor1d(x), tf.tensor1d(y), tf.tensor1d(w)).dataSync()[0]);
  t.ok(Math.abs(got - ref) < 1e-5, `weighted 0/1: tf ${got} vs reference on the subset ${ref}`);
  // Differentiable: the gradient is finite, also with ties.
  const g = tf.grad((x: tf.Tensor) => distanceCorrelationSquaredTf(x as tf.Tensor1D, tf.tensor1d([0, 1, 2, 3, 3])))(tf.tensor1d([0.5, 0.1, 0.2, 0.2, 0.9]));
  t.ok(Array.from(g.dataSync()).every(Number.isFinite));
});

t.test('Jensen-Shannon divergence', async (t) => {
  t.equal(jensenShannon([1, 2, 3], [2, 4, 6]), 0);
  t.ok(Math.abs(jensenShannon([1, 0], [0, 1]) - Math.log(2)) < 1e-12);
});

/** Background mass flat on [0, 1], signal mass peaked at 0.5; a second feature separates independently of the mass. */
function toy(n: number, seed: number) {
  const rng = new Rng(seed);
  const y = Float64Array.from({ length: n }, (_, i) => i % 2);
  const mass = Float64Array.from(y, (v) => (v ? Math.min(1, Math.max(0, 0.5 + 0.08 * rng.normal())) : rng.uniform()));
  const x = Float64Array.from(y, (v) => rng.normal() + 1.2 * v);
  return { data: tableInputs({ mass, x }, ['mass', 'x'], y), mass };
}

t.test('DisCo: a large strength removes the background score-mass dependence', async (t) => {
  const tr = toy(2000, 1);
  const ev = toy(2000, 2);
  const { edges, rows } = await decorrelationScan([0, 30], {
    kind: 'dnn',
    modelOptions: { seed: 4, nFeatures: 2, hidden: [16, 16] },
    data: tr.data,
    against: tr.mass,
    evalData: ev.data,
    evalAgainst: ev.mass,
    train: { epochs: 15, batchSize: 256, lr: 5e-3 },
    effBackground: 0.2,
    bins: 10,
  });
  console.log(JSON.stringify(rows.map((r) => ({ lambda: r.lambda, auc: r.auc, dCorr: r.dCorr, jsd: r.jsd }))));
  t.equal(edges.length, 11);
  const [free, disco] = rows;
  t.ok(free.auc > 0.8, `lambda 0 uses the mass: AUC ${free.auc}`);
  t.ok(free.dCorr > 0.2, `lambda 0: background dCorr ${free.dCorr}`);
  t.ok(disco.dCorr < 0.5 * free.dCorr, `lambda 30: background dCorr ${disco.dCorr} << ${free.dCorr}`);
  t.ok(disco.jsd < free.jsd, 'less sculpting of the background mass');
  t.ok(disco.auc > 0.65, `still a classifier (AUC ${disco.auc})`);
  t.equal(free.before.reduce((a, b) => a + b, 0), 1000);
  t.ok(Math.abs(free.after.reduce((a, b) => a + b, 0) - 200) <= 5);
});
