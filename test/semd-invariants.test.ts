// SEMD physics invariants on every backend that has the distance op (forEachBackend): zero for the same jet written
// differently (translated, rotated, permuted, phi shifted by 2 pi, collinear split), exact symmetry and the triangle
// inequality. test/semd-distance.test.ts checks the same properties on the reference kernel in more depth.
import t from 'tap';
import { JetBatch } from '../src/jets/batch.js';
import { semdMatrix } from '../src/semd/distance.js';
import { Rng } from '../src/util/rng.js';
import { randomJet, randomJets } from './fixtures/semd-jets.js';
import { forEachBackend } from './fixtures/backends.js';

/** A jet and five rewritings of it that SEMD cannot tell apart. */
function variants(rng: Rng, jet: number[][]): number[][][] {
  const dy = rng.range(-1, 1), dphi = rng.range(-2, 2), th = rng.range(0, 2 * Math.PI);
  const moved = jet.map(([pt, y, phi]) => [pt, y + dy, phi + dphi]);
  const rotated = jet.map(([pt, y, phi]) => {
    let p = phi - jet[0][2];
    p -= 2 * Math.PI * Math.round(p / (2 * Math.PI)); // unwrap around the first particle
    return [pt, Math.cos(th) * y - Math.sin(th) * p, jet[0][2] + Math.sin(th) * y + Math.cos(th) * p];
  });
  const permuted = Array.from(rng.permutation(jet.length), (i) => jet[i]);
  const shifted = jet.map(([pt, y, phi]) => [pt, y, phi < 0 ? phi + 2 * Math.PI : phi - 2 * Math.PI]);
  const split = [...jet.slice(1), [jet[0][0] * 0.3, jet[0][1], jet[0][2]], [jet[0][0] * 0.7, jet[0][1], jet[0][2]]];
  return [jet, moved, rotated, permuted, shifted, split];
}

t.test('zero between rewritings of the same jet', async (t) => {
  const rng = new Rng(5);
  const jets = Array.from({ length: 4 }, () => randomJet(rng, 3 + rng.int(15), { spread: 0.4 }));
  await forEachBackend(t, 'semd.matrix', async (t, backend, tol) => {
    for (const [j, jet] of jets.entries()) {
      const v = variants(new Rng(j), jet);
      const { data, shape } = await semdMatrix(JetBatch.fromNested(v), { backend });
      const n = shape[0];
      const scale = Math.max(...data);
      // float32 (gpujs) distances of equal spectra are rounding noise around 0, relative to the largest distance.
      const limit = backend === 'gpujs' ? 3e-3 * Math.max(scale, 1e-3) : 1e-6;
      let worst = 0;
      for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) worst = Math.max(worst, data[a * n + b]);
      t.ok(worst <= limit, `jet ${j} (${jet.length} particles): largest distance between rewritings ${worst.toExponential(2)} <= ${limit.toExponential(1)} (rel tol ${tol.rel})`);
    }
  });
});

t.test('symmetric, zero diagonal, triangle inequality', async (t) => {
  const b = JetBatch.fromNested(randomJets(9, 30, 1, 20));
  await forEachBackend(t, 'semd.matrix', async (t, backend, tol) => {
    const { data: m, shape: [n] } = await semdMatrix(b, { backend });
    let asym = 0, diag = 0, viol = 0;
    const max = Math.max(...m);
    for (let i = 0; i < n; i++) {
      if (m[i * n + i] !== 0) diag++;
      for (let j = 0; j < n; j++) {
        if (m[i * n + j] !== m[j * n + i]) asym++;
        for (let k = 0; k < n; k++) if (m[i * n + k] > m[i * n + j] + m[j * n + k] + tol.rel * max + tol.abs) viol++;
      }
    }
    t.equal(asym, 0, 'exactly symmetric');
    t.equal(diag, 0, 'zero diagonal');
    t.equal(viol, 0, 'triangle inequality on all triples (within the backend tolerance)');
  });
});
