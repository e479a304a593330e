import t from 'tap';
import { Rng } from '../src/util/rng.js';
import { trainEnsemble } from '../src/studies/ensemble.js';

// Ensemble members train two at a time (worker + calling thread); the scores must not depend on that.
t.test('trainEnsemble: members trained in pairs give the same scores as one at a time', async (t) => {
  const rng = new Rng(9);
  const n = 400;
  const labels = Float64Array.from({ length: n }, (_, i) => i % 2);
  const cols = { a: Float64Array.from(labels, (y) => y + rng.normal()), b: Float64Array.from(labels, (y) => 0.5 * y + rng.normal()) };
  const split = { train: Uint32Array.from({ length: 300 }, (_, i) => i), test: Uint32Array.from({ length: 100 }, (_, i) => 300 + i) };
  const spec = { members: 3, seed: 4, dnn: { epochs: 2, hidden: [8, 8] } };
  const seq = await trainEnsemble(cols, ['a', 'b'], labels, split, { ...spec, parallel: false });
  const par = await trainEnsemble(cols, ['a', 'b'], labels, split, { ...spec, parallel: true });
  t.equal(par.length, 3);
  let worst = 0;
  for (let e = 0; e < 3; e++) for (let i = 0; i < 100; i++) worst = Math.max(worst, Math.abs(par[e][i] - seq[e][i]));
  t.ok(worst < 1e-6, `largest score difference ${worst.toExponential(2)}`);
  t.comment(`largest difference ${worst}`);
  t.not(par[0][0], par[1][0], 'members differ (seeds)');
});
