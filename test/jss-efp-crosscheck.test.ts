import t from 'tap';
import { EFPSet } from '../src/efp/index.js';
import { generateMixture } from '../src/jets/generator/index.js';
import { observables } from '../src/jss/observables.js';

// jss.md: with measure hadr, kappa = 1, normed, the one-edge EFP equals 2 e2 and the triangle 6 e3
// (ordered pairs/triples; repeated indices contribute 0). Two independent engines, same numbers.
t.test('e2, e3 from the substructure kernels equal the EFP line and triangle', async (t) => {
  const jets = generateMixture({ signal: 'w', background: 'qcd', n: 200, seed: 9, twoHadronProb: 0.5 });
  for (const beta of [0.5, 1, 2]) {
    const obs = await observables(jets, { columns: [`e2_b${beta}`, `e3_b${beta}`] });
    const efp = await new EFPSet([[[0, 1]], [[0, 1], [1, 2], [0, 2]]], { measure: 'hadr', kappa: 1, beta, normed: true }).batchCompute(jets);
    let worst = 0;
    for (let j = 0; j < jets.length; j++) {
      const e2 = obs.values[`e2_b${beta}`][j];
      const e3 = obs.values[`e3_b${beta}`][j];
      // relative to the value, with an absolute floor for jets where e3 is 0 (fewer than 3 particles)
      worst = Math.max(worst, Math.abs(efp[2 * j] - 2 * e2) / Math.max(2 * e2, 1e-300), Math.abs(efp[2 * j + 1] - 6 * e3) / Math.max(6 * e3, 1e-14));
    }
    t.ok(worst < 1e-10, `beta ${beta}: worst relative difference ${worst.toExponential(2)}`);
  }
});
