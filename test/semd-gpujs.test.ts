// The 'gpujs' SEMD matrix kernel (gpu.js, float32) against the float64 reference merge: random jets of M = 1..30
// (phi wrap, padding rows anywhere), one-particle jets, identical jets, raw and normalised energies, pairwise
// and cross matrices. Tolerance (float32), on the squared distance where the merge sums:
//   |gpujs^2 - ref^2| <= 1e-5 * max(ref^2, 1e-3 * S^2),  S = largest reference distance of the matrix
// (float32 rounding of the cumulative weights costs ~1e-7 of T * omega^2 per step; the floor keeps the test
// meaningful for near-identical jets, where sqrt amplifies that absolute error). Identical jets give exactly 0.
import { execFileSync } from 'node:child_process';
import t, { type Test } from 'tap';
import { backendsFor, getKernel } from '../src/backend/dispatch.js';
import { JetBatch } from '../src/jets/batch.js';
import { semdCross, semdMatrix } from '../src/semd/distance.js';
import { Rng } from '../src/util/rng.js';
import { expectClose, tolerance } from './fixtures/backends.js';
import { padRandomly, randomJet, randomJets } from './fixtures/semd-jets.js';

const TOL = 1e-5;

/** expectClose on squared distances: rel TOL, abs TOL * 1e-3 * S^2. */
function compare(t: Test, got: Float64Array, want: Float64Array, what: string) {
  const S = want.reduce((m, v) => Math.max(m, v), 0);
  const sq = (a: Float64Array) => a.map((v) => v * v);
  expectClose(t, sq(got), sq(want), tolerance(TOL, Math.max(TOL * 1e-3 * S * S, 1e-300)), `${what} (${want.length} cells)`);
}

function testJets(): number[][][] {
  const rng = new Rng(5);
  const jets = randomJets(17, 90, 1, 30);
  jets.push([[50, 0.1, 3.1, 0], [20, -0.1, -3.12, 0]]); // straddles phi = +-pi
  jets.push([[10, 0, 0, 0]], [[1, 1, 1, 0]], [[3, -1, 2, 0]]); // one-particle jets
  jets.push(jets[3], jets[3], jets[10]); // identical jets
  jets.push(randomJet(rng, 30), [[5, 0.2, 0.2, 0], [5, 0.2, 0.2, 0], [5, 0.2, 0.2, 0]]); // coincident particles
  return jets;
}

t.test('gpujs is registered for semd.matrix and never picked automatically', async (t) => {
  t.ok(backendsFor('semd.matrix').includes('gpujs'));
  t.not(getKernel('semd.matrix').backend, 'gpujs');
});

t.test('pairwise and cross matrices match the reference to float32 tolerance', async (t) => {
  const rng = new Rng(23);
  const jets = testJets();
  const padded = padRandomly(rng, jets, 34);
  const b = JetBatch.fromPadded(padded.data, padded.shape);
  for (const energy of ['norm', 'raw'] as const) {
    for (const beta of [1, 0.5, 2]) {
      const ref = await semdMatrix(b, { energy, beta, backend: 'reference' });
      const got = await semdMatrix(b, { energy, beta, backend: 'gpujs' });
      t.same(got.shape, ref.shape);
      compare(t, got.data, ref.data, `pairwise ${energy} beta=${beta}`);
      const n = b.length;
      let asym = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (got.data[i * n + j] !== got.data[j * n + i]) asym++;
      t.equal(asym, 0, 'exactly symmetric');
      t.ok(Array.from({ length: n }, (_, i) => got.data[i * n + i]).every((v) => v === 0), 'zero diagonal');
      const n1 = 37;
      const cr = await semdCross(b.slice(0, n1), b.slice(n1, n), { energy, beta, backend: 'reference' });
      const cg = await semdCross(b.slice(0, n1), b.slice(n1, n), { energy, beta, backend: 'gpujs' });
      t.same(cg.shape, [n1, n - n1]);
      compare(t, cg.data, cr.data, `cross ${energy} beta=${beta}`);
    }
  }
});

t.test('identical jets give exactly 0; one-particle jets; tiles larger than one kernel call', async (t) => {
  const jets = testJets();
  const n = jets.length;
  const c = await semdCross(jets, jets, { backend: 'gpujs' });
  t.ok(Array.from({ length: n }, (_, i) => c.data[i * n + i]).every((v) => v === 0), 'cross(A, A) diagonal is exactly 0');
  const copy = jets.lastIndexOf(jets[3]);
  t.ok(copy > 3);
  t.equal(c.data[copy * n + 3], 0, 'a repeated jet is at distance 0 of its copy');
  const p = await semdMatrix(jets, { backend: 'gpujs' });
  t.equal(p.data[copy * n + 3], 0, 'pairwise: a repeated jet is at distance 0 of its copy');
  const ones = [[[10, 0, 0, 0]], [[1, 1, 1, 0]], [[7, 0.3, -2, 0]]];
  const r1 = await semdMatrix(ones, { backend: 'reference' });
  const g1 = await semdMatrix(ones, { backend: 'gpujs' });
  compare(t, g1.data, r1.data, 'one-particle jets');
  // more rows than one tile (128) and a multiplicity-1..4 mix: exercises tile padding and the skipped lower tiles
  const many = randomJets(3, 300, 1, 4);
  const rm = await semdMatrix(many, { backend: 'reference' });
  let last = 0;
  const gm = await semdMatrix(many, { backend: 'gpujs', onProgress: (d) => (last = d) });
  compare(t, gm.data, rm.data, '300 jets, 3 row tiles');
  t.equal(last, 300);
});

t.test("gpu.js 'cpu' mode (JETLENS_GPUJS_MODE=cpu, child process) gives the same results", async (t) => {
  const out = execFileSync(process.execPath, [...process.execArgv, new URL('./fixtures/gpujs-mode-check.js', import.meta.url).pathname], {
    env: { ...process.env, JETLENS_GPUJS_MODE: 'cpu' }, encoding: 'utf8',
  });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  t.equal(r.mode, 'cpu');
  t.ok(r.efp < 1e-4 && r.semd < 1e-4 && r.cross < 1e-4, `worst relative deviations: efp ${r.efp}, semd ${r.semd}, cross ${r.cross}`);
});
