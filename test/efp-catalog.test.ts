import t from 'tap';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { CATALOG_FILE, type CatalogFile, catalogToFile, defaultCatalog, generateCatalog } from '../src/efp/catalog.js';
import { canonical, chromaticNumber, graphFromEdges } from '../src/efp/graph.js';
import { EFPSet } from '../src/efp/efpset.js';
import { Rng } from '../src/util/rng.js';

// OEIS A076864 (connected loopless multigraphs by edges) and A050535 (all, no isolated vertices); efp.md §2.5.
const CONNECTED = [1, 1, 2, 5, 12, 33, 103, 333, 1183, 4442, 17576];
const ALL = [1, 1, 3, 8, 23, 66, 212, 686, 2389, 8682, 33160];

function perDegree(graphs: { spec: { d: number; p: number } }[], dmax: number) {
  const conn = new Array(dmax + 1).fill(0);
  const all = new Array(dmax + 1).fill(0);
  for (const g of graphs) {
    all[g.spec.d]++;
    if (g.spec.p === 1) conn[g.spec.d]++;
  }
  return { conn, all };
}

t.test('shipped catalogue (d <= 10) has the published counts', async (t) => {
  const cat = defaultCatalog();
  t.equal(cat.dmax, 10);
  const { conn, all } = perDegree(cat.graphs, 10);
  t.same(conn, CONNECTED);
  t.same(all, ALL);
  t.equal(cat.nConnected, 23691);
  t.equal(cat.graphs.length, 45231);
  // width histogram of connected d = 10 graphs (efp.md §3.1: {2: 3653, 3: 13209, 4: 713, 5: 1})
  const hist: Record<number, number> = {};
  for (const g of cat.graphs) if (g.spec.p === 1 && g.spec.d === 10) hist[g.spec.c] = (hist[g.spec.c] ?? 0) + 1;
  t.same(hist, { 2: 3653, 3: 13209, 4: 713, 5: 1 });
  // composites by number of factors (efp.md §2.5)
  const byP: Record<number, number> = {};
  for (const g of cat.graphs) if (g.spec.p > 1) byP[g.spec.p] = (byP[g.spec.p] ?? 0) + 1;
  t.same(byP, { 2: 14146, 3: 5190, 4: 1573, 5: 450, 6: 129, 7: 37, 8: 11, 9: 3, 10: 1 });
  const ids = new Set(cat.graphs.map((g) => g.id));
  t.equal(ids.size, cat.graphs.length, 'ids are unique');
});

t.test('cumulative selections match EnergyFlow (d = 0 included)', async (t) => {
  const cases: [string[], number, number][] = [
    [['d<=1'], 2, 2], [['d<=2'], 4, 5], [['d<=3'], 9, 13], [['d<=4'], 21, 36], [['d<=5'], 54, 102],
    [['d<=6'], 157, 314], [['d<=7'], 490, 1000], [['d<=8'], 1673, 3389], [['d<=9'], 6115, 12071],
    [['d<=10'], 23691, 45231], [['d<=7', 'c<=3'], 486, 995], [['d<=8', 'c<=3'], 1649, 3358], [['d<=10', 'c<=3'], 22835, 44106],
  ];
  const specs = defaultCatalog().graphs.map((g) => g.spec);
  for (const [sel, conn, total] of cases) {
    const d = Number(sel[0].slice(3));
    const c = sel[1] ? Number(sel[1].slice(3)) : 99;
    const chosen = specs.filter((s) => s.d <= d && s.c <= c);
    t.equal(chosen.filter((s) => s.p === 1).length, conn, `${sel} connected`);
    t.equal(chosen.length, total, `${sel} total`);
  }
  const set = new EFPSet(['d<=7', 'p==1']);
  t.equal(set.length, 490);
});

t.test('the generator reproduces the shipped file for d <= 7', async (t) => {
  const fresh = catalogToFile(generateCatalog(7));
  const shipped = JSON.parse(gunzipSync(readFileSync(CATALOG_FILE)).toString('utf8')) as CatalogFile;
  const { conn, all } = perDegree(generateCatalog(7).graphs, 7);
  t.same(conn, CONNECTED.slice(0, 8));
  t.same(all, ALL.slice(0, 8));
  const shippedConn = shipped.connected.filter((g) => g.spec[2] <= 7);
  t.same(fresh.connected, shippedConn, 'connected graphs, specs and orders identical');
  t.equal(fresh.composites.length, shipped.composites.filter((g) => g.spec[2] <= 7).length);
});

t.test('canonical form is invariant under relabelling and separates non-isomorphic graphs', async (t) => {
  const rng = new Rng(5);
  const cat = defaultCatalog();
  const sample = cat.graphs.slice(0, cat.nConnected).filter((_, i) => i % 97 === 0);
  for (const g of sample) {
    const perm = rng.permutation(g.spec.n);
    const relabelled = g.edges.map(([a, b]) => [perm[a], perm[b]] as [number, number]);
    rng.shuffle(relabelled);
    t.equal(canonical(graphFromEdges(relabelled)).code, g.id);
  }
  t.not(canonical(graphFromEdges([[0, 1], [1, 2], [2, 3], [3, 0]])).code, canonical(graphFromEdges([[0, 1], [0, 1], [1, 2], [2, 3]])).code);
});

t.test('spec columns of known graphs', async (t) => {
  const byEdges = (edges: [number, number][]) => new EFPSet([edges]).specs[0];
  t.match(byEdges([]), { n: 1, e: 0, d: 0, v: 0, c: 1, p: 1, h: 0, chi: 1 });
  t.match(byEdges([[0, 1]]), { n: 2, e: 1, d: 1, v: 1, c: 2, p: 1, h: 2, chi: 2 });
  t.match(byEdges([[0, 1], [1, 2], [0, 2]]), { n: 3, e: 3, d: 3, v: 2, c: 3, p: 1, h: 0, chi: 3 });
  t.match(byEdges([[0, 1], [0, 1], [1, 2]]), { n: 3, e: 2, d: 3, v: 3, c: 2, p: 1, h: 1, chi: 2 });
  const k4: [number, number][] = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]];
  t.match(byEdges(k4), { n: 4, e: 6, d: 6, v: 3, c: 4, chi: 4 });
  t.match(byEdges([[0, 1], [2, 3], [3, 4]]), { n: 5, e: 3, d: 3, v: 2, c: 2, p: 2, h: 4, chi: 2 });
  const k5: [number, number][] = [];
  for (let a = 0; a < 5; a++) for (let b = a + 1; b < 5; b++) k5.push([a, b]);
  t.equal(chromaticNumber(graphFromEdges(k5)), 5);
  t.match(byEdges(k5), { c: 5 });
  // k: running index within (n, d) in catalogue order
  const cat = defaultCatalog();
  const key = new Set(cat.graphs.slice(0, cat.nConnected).map((g) => `${g.spec.n},${g.spec.d},${g.spec.k}`));
  t.equal(key.size, cat.nConnected, '(n, d, k) unique for connected graphs');
});
