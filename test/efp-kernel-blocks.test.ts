// The native EFP kernel's blocked paths (#20.3) against the plain TypeScript plan executor ('reference', which
// stays as the oracle of the plans) on random jets: the GEMM micro-kernel's row and column remainders (M = 1..13,
// 17, 50, 61), the vectorised 'hadr' angle (every |phi| <= pi) and its fallback (|phi| up to 3 pi), kappa = 1
// without pow and other kappa / beta. Max relative difference over all EFPs: 1e-12 (measured 4.2e-15 against
// main's kernel before the change; all terms are >= 0, so relative error is the right measure).
import t from 'tap';
import { JetBatch } from '../src/jets/batch.js';
import { EFPSet } from '../src/efp/efpset.js';
import { loadNative } from '../src/backend/native.js';
import { Rng } from '../src/util/rng.js';

const REL = 1e-12;

function batch(Ms: number[], seed: number, phiSpread: number): JetBatch {
  const rng = new Rng(seed);
  return JetBatch.fromNested(Ms.map((M) => Array.from({ length: M }, () => [rng.range(0.5, 60), rng.range(-0.5, 0.5), rng.range(-phiSpread, phiSpread)])));
}

async function maxRel(set: EFPSet, b: JetBatch): Promise<number> {
  const nat = await set.batchCompute(b, { backend: 'native', threads: 1 });
  const ref = await set.batchCompute(b, { backend: 'reference' });
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(nat[i] - ref[i]);
    worst = Math.max(worst, d === 0 ? 0 : d / Math.max(Math.abs(ref[i]), 1e-300));
  }
  return worst;
}

t.test('native blocked kernel = reference executor, d<=5, M = 1..13, 17, 50, 61', { skip: loadNative() ? false : 'no native addon' }, async (t) => {
  const Ms = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 17, 50, 61];
  const cases: [string, object, number][] = [
    ['hadr beta 1 kappa 1, |phi| <= 3 (vectorised angle)', {}, 3],
    ['hadr beta 1, |phi| up to 3 pi (wrapped fallback)', {}, 3 * Math.PI],
    ['hadr beta 2 kappa 2', { beta: 2, kappa: 2 }, 1],
    ['hadr beta 0.5 kappa 0.5', { beta: 0.5, kappa: 0.5 }, 1],
    ['hadr beta 1.5, not normed', { beta: 1.5, normed: false }, 1],
    ['hadrdot', { measure: 'hadrdot' }, 1],
    ['ee', { measure: 'ee' }, 1],
  ];
  for (const [i, [label, opts, spread]] of cases.entries()) {
    const w = await maxRel(new EFPSet('d<=5', opts), batch(Ms, 10 + i, spread));
    t.ok(w <= REL, `${label}: max relative difference ${w.toExponential(2)} <= ${REL}`);
  }
});

t.test('native blocked kernel = reference executor, d<=7 (rank-3 steps), M = 3, 8, 13', { skip: loadNative() ? false : 'no native addon' }, async (t) => {
  const w = await maxRel(new EFPSet('d<=7'), batch([3, 8, 13], 3, 1));
  t.ok(w <= REL, `max relative difference ${w.toExponential(2)} <= ${REL}`);
});
