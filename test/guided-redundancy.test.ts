// Redundant candidates (issue #18, item 4): products of chosen EFPs and exact rank equivalents are removed.
import t from 'tap';
import { generateMixture } from '../src/jets/generator/index.js';
import { efpCandidates } from '../src/studies/candidates.js';
import { argsort, factorKeys, findRedundant, rankEquivalent } from '../src/studies/redundancy.js';

t.test('rankEquivalent: exact Spearman +-1 only', async (t) => {
  const f = Float64Array.from([1, 2, 3, 4]);
  const o = argsort(f);
  t.ok(rankEquivalent(f, [10, 20, 30, 400], o), 'increasing map');
  t.ok(rankEquivalent(f, [-1, -2, -3, -4], o), 'decreasing map');
  t.notOk(rankEquivalent(f, [1, 1, 2, 3], o), 'a tie that f does not have');
  t.notOk(rankEquivalent(f, [1, 3, 2, 4], o), 'one swapped pair');
  const g = Float64Array.from([1, 1, 2]);
  t.ok(rankEquivalent(g, [5, 5, 6], argsort(g)), 'ties shared');
  t.notOk(rankEquivalent(g, [5, 6, 7], argsort(g)), 'f ties, c does not');
});

t.test('factorKeys: composites factor into their connected graphs, tagged with kappa and beta', async (t) => {
  const base = { name: 'x', n: 4, d: 2, chi: 2, kappa: 1, beta: 1 };
  const square = factorKeys({ ...base, edges: [[0, 1], [2, 3]] });
  const edge = factorKeys({ ...base, n: 2, d: 1, edges: [[0, 1]] });
  t.equal(square.length, 2);
  t.same(square, [edge[0], edge[0]], 'two disjoint edges = the edge squared');
  t.not(factorKeys({ ...base, n: 2, d: 1, edges: [[0, 1]], beta: 2 })[0], edge[0], 'beta is part of the key');
});

t.test('findRedundant on real candidates: powers and rank-equivalent graphs go, the others stay', async (t) => {
  const jets = generateMixture({ signal: 'w', background: 'qcd', n: 60, seed: 5 });
  const c = await efpCandidates(jets, { select: 'd<=2', kappas: [1], betas: [1, 2] });
  const N = jets.length;
  const find = (edges: string, beta: number) => c.info.findIndex((x) => JSON.stringify(x.edges) === edges && x.beta === beta);
  const edge1 = find('[[0,1]]', 1);
  const square1 = find('[[0,1],[2,3]]', 1);
  const double1 = find('[[0,1],[0,1]]', 1);
  const edge2 = find('[[0,1]]', 2);
  const path1 = find('[[0,2],[1,2]]', 1);
  t.ok([edge1, square1, double1, edge2, path1].every((k) => k >= 0), 'candidates present');
  const test = Uint32Array.from({ length: N }, (_, i) => i);
  const col = (k: number) => Float64Array.from(test, (j) => c.values[k * N + j]);
  const pool = c.info.map((_, k) => k).filter((k) => k !== double1);
  const removed = findRedundant({ info: c.info, valuesTest: c.values, nTest: N, chosen: [double1], features: { [c.info[double1].name]: col(double1) }, pool });
  const byIndex = new Map(removed.map((r) => [r.index, r]));
  t.equal(byIndex.get(edge2)?.reason, 'rank-equivalent', 'the edge at beta 2 = the doubled edge at beta 1');
  t.notOk(byIndex.has(path1), 'the path is not a function of the doubled edge');
  const removed2 = findRedundant({ info: c.info, valuesTest: c.values, nTest: N, chosen: [edge1], features: { [c.info[edge1].name]: col(edge1) }, pool: [square1, path1] });
  t.same(removed2.map((r) => [r.index, r.reason]), [[square1, 'composite of chosen']], 'the square of the chosen edge goes, the path stays');
});
