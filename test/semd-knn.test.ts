// Exact k-NN and eps-balls: the pruned native search must equal brute force exactly (same neighbours, same
// order, ties by lower index, self excluded) on thousands of jets with heavy ties, for any thread count.
import t from 'tap';
import { backendsFor } from '../src/backend/dispatch.js';
import { JetBatch } from '../src/jets/batch.js';
import { ballCountsFromSpectra, knnFromSpectra, semdKnn } from '../src/semd/knn.js';
import { computeSpectra } from '../src/semd/spectrum.js';
import { expectClose, tolerance } from './fixtures/backends.js';
import { duplicatedJets, randomJets } from './fixtures/semd-jets.js';

const hasNative = backendsFor('semd.knn').includes('native');
const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);

t.test('reference brute force: self excluded, ties by lower index', async (t) => {
  const jets = [[[1, 0, 0]], [[5, 1, 1]], [[1, 0, 0], [1, 0, 0.5]], [[2, 2, 2]], [[3, 0, 0], [3, 0.5, 0]]];
  const r = await semdKnn(jets, { k: 3, backend: 'reference' });
  t.same(Array.from(r.index.subarray(0, 3)), [1, 3, 2], 'one-particle jets tie at 0, lower index first');
  t.same(Array.from(r.distance.subarray(0, 2)), [0, 0]);
  t.same(Array.from(r.index.subarray(6, 9)), [4, 0, 1], 'identical spectra are neighbours at distance 0');
  t.equal(r.distance[6], 0);
  await t.rejects(semdKnn(jets, { k: 5 }), /k must be an integer in \[1, N - 1 = 4\]/);
  await t.rejects(semdKnn([[[1, 0, 0]], []], { k: 1 }), /jet 1: no particle/);
});

t.test('native kNN equals brute force exactly (heavy ties, any threads)', { skip: hasNative ? false : 'no native addon' }, async (t) => {
  const sets: [string, JetBatch][] = [
    ['3000 jets, 400 distinct', duplicatedJets(7, 3000, 400)],
    ['1500 random jets, M 1..25', JetBatch.fromNested(randomJets(9, 1500, 1, 25))],
  ];
  for (const [name, b] of sets) {
    for (const energy of ['norm', 'raw'] as const) {
      const S = await computeSpectra(b, { energy });
      const brute = await knnFromSpectra(S, { k: 10, backend: 'native', brute: true, threads: 2 });
      for (const threads of [1, 2, 3]) {
        const r = await knnFromSpectra(S, { k: 10, backend: 'native', threads, cells: threads === 3 ? 16 : 64 });
        t.ok(same(r.index, brute.index) && same(r.distance, brute.distance), `${name}, ${energy}, threads ${threads}: identical`);
        t.ok(r.refined < brute.refined, `pruned: ${r.refined} exact evaluations vs ${brute.refined}`);
      }
    }
  }
  const small = JetBatch.fromNested([...randomJets(12, 250, 1, 15), ...randomJets(12, 50, 1, 15)]);
  const S = await computeSpectra(small);
  const ref = await knnFromSpectra(S, { k: 7, backend: 'reference' });
  const nat = await knnFromSpectra(S, { k: 7, backend: 'native' });
  t.ok(same(ref.index, nat.index), 'native tree equals the TypeScript brute force (indices)');
  expectClose(t, nat.distance, ref.distance, tolerance(1e-12, 1e-300), 'and distances');
});

t.test('a query slice (a --shard) gives exactly the rows of the full run, on every backend', async (t) => {
  const b = duplicatedJets(5, 600, 150); // heavy ties: the slice must keep the tie order
  const S = await computeSpectra(b);
  for (const backend of hasNative ? ['reference', 'native'] : ['reference']) {
    const full = await knnFromSpectra(S, { k: 6, backend });
    for (const [q0, q1] of [[0, 150], [150, 151], [151, 599], [599, 600], [300, 300]] as [number, number][]) {
      const r = await knnFromSpectra(S, { k: 6, backend, queries: [q0, q1] });
      t.equal(r.n, q1 - q0);
      t.equal(r.first, q0);
      t.ok(same(r.index, full.index.subarray(q0 * 6, q1 * 6)) && same(r.distance, full.distance.subarray(q0 * 6, q1 * 6)), `${backend} [${q0}, ${q1}): identical rows`);
    }
  }
  await t.rejects(knnFromSpectra(S, { k: 6, queries: [10, 5] }), /queries: expected integers 0 <= start <= end <= N = 600/);
  await t.rejects(knnFromSpectra(S, { k: 6, queries: [0, 601] }), /queries/);
});

t.test('eps-ball counts equal brute force (leave-one-out and a separate query set)', { skip: hasNative ? false : 'no native addon' }, async (t) => {
  const b = duplicatedJets(17, 1200, 300);
  const labels = Uint8Array.from({ length: b.length }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0);
  const q = JetBatch.fromNested(randomJets(18, 200, 1, 12));
  for (const energy of ['norm', 'raw'] as const) {
    const S = await computeSpectra(b, { energy });
    const Q = await computeSpectra(q, { energy });
    const eps = energy === 'norm' ? [0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 1] : [0, 1, 10, 50, 200, 1000];
    const e = new Float64Array(eps);
    for (const query of [null, Q]) {
      const r = await ballCountsFromSpectra(S, labels, query, e, { backend: 'reference' });
      const n = await ballCountsFromSpectra(S, labels, query, e, { backend: 'native', threads: 2 });
      t.ok(same(r.signal, n.signal) && same(r.background, n.background), `${energy}, ${query ? 'query set' : 'leave-one-out'}: counts identical`);
      t.ok(n.refined < r.refined, `bounds decide most pairs (${n.refined} refined of ${r.refined})`);
    }
  }
});

t.test('abort and progress', { skip: hasNative ? false : 'no native addon' }, async (t) => {
  const b = JetBatch.fromNested(randomJets(3, 3000, 20, 40));
  const S = await computeSpectra(b);
  const ac = new AbortController();
  const p = knnFromSpectra(S, { k: 5, backend: 'native', brute: true, threads: 1, signal: ac.signal });
  setTimeout(() => ac.abort(), 50);
  await t.rejects(p, { name: 'AbortError' });
  let last = 0;
  await knnFromSpectra(S.offsets.length > 0 ? S : S, { k: 2, backend: 'native', onProgress: (d, n) => (last = d / n) });
  t.equal(last, 1, 'progress reaches the total');
  const ac2 = new AbortController();
  ac2.abort();
  await t.rejects(knnFromSpectra(S, { k: 2, backend: 'reference', signal: ac2.signal }), { name: 'AbortError' });
});
