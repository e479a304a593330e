// Issue #24 item 6: EFP planning stays bounded on dense graphs, and what the executors cannot run is refused while
// planning (K8 used to plan and then fail in the addon with "buffer rank out of range").
import t from 'tap';
import { EFPSet } from '../src/efp/index.js';
import { canonicalCode, graphFromEdges } from '../src/efp/graph.js';
import { validateJob } from '../src/queue/job.js';
import { JetBatch } from '../src/jets/batch.js';
import { loadNative } from '../src/backend/native.js';

const K = (n: number) => {
  const e: [number, number][] = [];
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) e.push([a, b]);
  return e;
};

t.test('K7..K12 are refused while planning, with the width and the supported maximum', async (t) => {
  for (let n = 7; n <= 12; n++) {
    t.throws(() => new EFPSet([K(n)] as never), { name: 'JetlensInputError', message: new RegExp(`${n} vertices .*elimination width c = ${n}, O\\(M\\^${n}\\) per jet\\); at most c = 6`) }, `K${n}`);
  }
  t.throws(() => validateJob({ command: 'efp', input: import.meta.filename, output: '/tmp/jetlens-k9.npy', options: { graphs: [K(9)] } }), { name: 'JobValidationError', message: /elimination width c = 9/ }, 'queue validation too');
});

t.test('canonical forms of complete and other dense graphs are polynomial (twins individualised once)', async (t) => {
  for (let n = 6; n <= 12; n++) {
    const g = graphFromEdges(K(n));
    const { code } = canonicalCode(g);
    t.match(code, new RegExp(`^${n}:1+$`), `K${n} canonicalised`);
  }
  // Relabelling never changes the code (twin pruning keeps the canonical form exact).
  const edges: [number, number][] = [[0, 1], [0, 1], [1, 2], [2, 3], [3, 0], [0, 2], [4, 0], [4, 1], [4, 2], [4, 3]];
  const perm = [3, 0, 4, 1, 2];
  t.equal(canonicalCode(graphFromEdges(edges.map(([a, b]) => [perm[a], perm[b]]))).code, canonicalCode(graphFromEdges(edges)).code);
});

t.test('K6 (c = 6, the largest supported) plans and every backend agrees with the brute-force sum', async (t) => {
  const jets = JetBatch.fromNested([[[1, 0.1, 0.2], [2, -0.2, 0.1], [0.5, 0.3, -0.3], [1.5, 0, 0.05]], [[3, 0, 0], [1, 0.2, 0.2]]]);
  const set = new EFPSet([K(6)] as never);
  const ref = await set.batchCompute(jets, { backend: 'reference' });
  const brute = await set.batchCompute(jets, { backend: 'brute' });
  for (let i = 0; i < ref.length; i++) t.ok(Math.abs(ref[i] - brute[i]) <= 1e-12 * Math.abs(brute[i]), `reference jet ${i}`);
  if (loadNative()) {
    const nat = await set.batchCompute(jets, { backend: 'native' });
    for (let i = 0; i < ref.length; i++) t.ok(Math.abs(nat[i] - brute[i]) <= 1e-12 * Math.abs(brute[i]), `native jet ${i}: ${nat[i]} vs ${brute[i]}`);
  }
});
