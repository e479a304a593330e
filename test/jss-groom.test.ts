// Grooming on hand-made jets with known answers (reference kernel), plus the re-clustering against a literal
// O(M^3) clustering. jss-groom-backends.test.ts shows the native kernel agrees with the reference.
import t from 'tap';
import { JetlensInputError } from '../src/errors.js';
import { JetBatch } from '../src/jets/batch.js';
import { deltaR2, recluster, type ClusterAlgorithm } from '../src/jss/cluster.js';
import { groomReference, jetFourMomenta, softDropReference, trimReference, type GroomSpec } from '../src/jss/groom.js';
import { Rng } from '../src/util/rng.js';
import { randomJets } from './fixtures/jss-jets.js';
import { isClose, tolerance } from './fixtures/backends.js';

/** Default comparison: rel 1e-12. */
const TOL = tolerance(1e-12, 1e-300);

const rows = (b: JetBatch, j = 0) => b.jet(j);

// Two hard prongs (A around (0, 0), B around (0.5, 0)) and one soft particle far from both.
const twoProngSoftFar = [
  [100, 0, 0], [50, 0.05, 0.05], [80, 0.5, 0], [20, 0.52, 0.03], [2, -0.6, 0.5],
];

t.test('trimming drops a soft far subjet and keeps both prongs (kt and ca)', async (t) => {
  for (const algorithm of ['kt', 'ca'] as const) {
    const r = groomReference([twoProngSoftFar], { method: 'trim', rSub: 0.2, fCut: 0.03, algorithm });
    t.same(rows(r.jets), twoProngSoftFar.slice(0, 4), `${algorithm}: the four prong particles, input order`);
    t.same([...r.info], [2, 3], `${algorithm}: 2 of 3 subjets kept`);
    t.same([...r.keep], [1, 1, 1, 1, 0]);
  }
  // fCut = 0 keeps everything; a large fCut keeps only the harder prong (pt 150 of ~248).
  t.same(rows(trimReference([twoProngSoftFar], { rSub: 0.2, fCut: 0 })), twoProngSoftFar);
  t.same(rows(trimReference([twoProngSoftFar], { rSub: 0.2, fCut: 0.5 })), twoProngSoftFar.slice(0, 2));
  // A subjet radius that swallows everything keeps everything at any fCut below 1 - rounding.
  t.same(rows(trimReference([twoProngSoftFar], { rSub: 2, fCut: 0.9 })), twoProngSoftFar);
});

t.test('trimming threshold is pT_sub >= fCut * pT_jet (the jet 4-vector pT)', async (t) => {
  // Two particles far apart, pT 90 and 10 back-to-back in y only: pT_jet = 100 exactly.
  const jet = [[90, 0, 0], [10, 1.5, 0]];
  t.same(rows(trimReference([jet], { rSub: 0.3, fCut: 0.1 })), jet, 'pT_sub = 0.1 pT_jet is kept');
  t.same(rows(trimReference([jet], { rSub: 0.3, fCut: 0.1000001 })), [jet[0]], 'just above: dropped');
});

// Symmetric core split (DeltaR 0.3, z = 90/190) plus a soft wide particle.
const coreSoftWide = [[100, 0, 0], [90, 0.3, 0], [3, -0.7, 0.4]];

t.test('soft drop drops a soft wide branch and keeps a symmetric split', async (t) => {
  for (const beta of [0, 1, 2]) {
    const r = groomReference([coreSoftWide], { method: 'softdrop', zCut: 0.1, beta });
    t.same(rows(r.jets), coreSoftWide.slice(0, 2), `beta ${beta}`);
    t.ok(isClose(r.info[0], 90 / 190, TOL), 'z_g');
    t.ok(isClose(r.info[1], 0.3, TOL), 'R_g');
  }
});

t.test('beta = 0 (mMDT) cuts on z alone; beta > 0 keeps soft collinear splittings', async (t) => {
  const jet = [[100, 0, 0], [8, 0.4, 0]]; // z = 8/108 = 0.074
  t.same(rows(softDropReference([jet], { zCut: 0.1, beta: 0 })), [jet[0]], 'beta 0: z < zCut -> harder branch');
  t.same(rows(softDropReference([jet], { zCut: 0.1, beta: 1 })), jet, 'beta 1: cut 0.04 < z');
  t.same(rows(softDropReference([jet], { zCut: 0.1, beta: 2 })), jet, 'beta 2: cut 0.016 < z');
  t.same(rows(softDropReference([jet], { zCut: 0.1, beta: 1, R0: 0.2 })), [jet[0]], 'R0 = 0.2: cut 0.2 > z');
  // The same splitting made wider fails beta = 1 too (cut 0.1 * 0.9 > z).
  t.same(rows(softDropReference([[[100, 0, 0], [8, 0.9, 0]]], { zCut: 0.1, beta: 1 })), [[100, 0, 0]]);
});

t.test('z_cut edge cases: 0 keeps all, z = z_cut is dropped (strict >), 0.5 grooms to one constituent', async (t) => {
  const sym = [[50, 0, 0], [50, 0.3, 0]]; // z = 0.5 exactly
  t.same(rows(softDropReference([sym], { zCut: 0, beta: 1 })), sym);
  t.same(rows(softDropReference([twoProngSoftFar], { zCut: 0, beta: 0 })), twoProngSoftFar);
  const r = groomReference([sym], { method: 'softdrop', zCut: 0.5, beta: 0 });
  t.same(rows(r.jets), [sym[0]], 'tie in pT: the parent created first is followed');
  t.same([...r.info], [0, 0], 'no accepted splitting');
  const r2 = groomReference([sym], { method: 'softdrop', zCut: 0.4999, beta: 0 });
  t.same(rows(r2.jets), sym);
  t.equal(r2.info[0], 0.5);
});

t.test('empty and one-constituent jets; pid, mass, labels and weights travel', async (t) => {
  const b = JetBatch.fromNested([[], [[10, 0.1, 0.2, 211, 0.1396]], [[100, 0, 0, 22, 0], [1, 1.2, 0, 2112, 0.9396]]], {
    labels: [1, 0, 1], weights: [1, 2, 3],
  });
  for (const spec of [{ method: 'trim', rSub: 0.2, fCut: 0.05 }, { method: 'softdrop', zCut: 0.1, beta: 1 }] as GroomSpec[]) {
    const r = groomReference(b, spec);
    t.equal(r.jets.length, 3);
    t.equal(r.jets.mult(0), 0, 'empty stays empty');
    t.same(rows(r.jets, 1), [[10, 0.1, 0.2, 211, 0.1396]], 'one constituent is kept');
    t.same(rows(r.jets, 2), [[100, 0, 0, 22, 0]], 'soft wide neutron dropped, with its pid and mass');
    t.same([...r.jets.labels!], [1, 0, 1]);
    t.same([...r.jets.weights!], [1, 2, 3]);
    t.same([...r.info.subarray(0, 2)], [0, 0], "empty jet: info 0");
  }
});

t.test('phi wrap: a jet across +-pi grooms like the same jet at phi = 0', async (t) => {
  const shift = (jet: number[][], d: number) => jet.map(([pt, y, phi]) => {
    let p = phi + d;
    if (p > Math.PI) p -= 2 * Math.PI;
    return [pt, y, p];
  });
  for (const spec of [{ method: 'trim', rSub: 0.2, fCut: 0.03 }, { method: 'softdrop', zCut: 0.1, beta: 1 }] as GroomSpec[]) {
    for (const jet of [twoProngSoftFar, coreSoftWide]) {
      const a = groomReference([jet], spec);
      const b = groomReference([shift(jet, Math.PI - 0.2)], spec);
      t.same([...a.keep], [...b.keep], `${spec.method}`);
    }
  }
});

t.test('bad options: JetlensInputError naming the field', async (t) => {
  const bad: [unknown, RegExp][] = [
    [{ method: 'trim', rSub: 0, fCut: 0.1 }, /rSub/], [{ method: 'trim', rSub: 0.2, fCut: 1.5 }, /fCut/],
    [{ method: 'trim', rSub: 0.2, fCut: 0.1, algorithm: 'antikt' }, /algorithm/],
    [{ method: 'softdrop', zCut: NaN, beta: 0 }, /zCut/], [{ method: 'softdrop', zCut: 0.1 }, /beta/],
    [{ method: 'softdrop', zCut: 0.1, beta: 1, R0: -1 }, /R0/], [{ method: 'prune' }, /method/],
  ];
  for (const [spec, re] of bad) {
    let err: unknown;
    try {
      groomReference([twoProngSoftFar], spec as GroomSpec);
    } catch (e) {
      err = e;
    }
    t.ok(err instanceof JetlensInputError && re.test((err as Error).message), `${re}: ${String(err)}`);
  }
});

// A literal clustering: every step scans all pairs and beams (O(M^3)), same distances and tie rule.
function naive(pt: number[], y: number[], phi: number[], alg: ClusterAlgorithm, R: number) {
  const objs = pt.map((p, i) => ({ p, y: y[i], f: phi[i], E: p * Math.cosh(y[i]), px: p * Math.cos(phi[i]), py: p * Math.sin(phi[i]), pz: p * Math.sinh(y[i]), id: i, members: [i] }));
  const finals: number[][] = [];
  let next = pt.length;
  const k = (o: typeof objs[0]) => (alg === 'kt' ? o.p * o.p : 1);
  while (objs.length) {
    let best = { d: Infinity, lo: Infinity, hi: Infinity, a: -1, b: -1 };
    const better = (d: number, lo: number, hi: number) => best.a < 0 || d < best.d || (d === best.d && (lo < best.lo || (lo === best.lo && hi < best.hi)));
    for (let a = 0; a < objs.length; a++) {
      const dB = R === Infinity ? Infinity : k(objs[a]) * R * R;
      let nd = Infinity;
      let nb = -1;
      for (let b = 0; b < objs.length; b++) {
        if (b === a) continue;
        const d = Math.min(k(objs[a]), k(objs[b])) * deltaR2(objs[a].y, objs[a].f, objs[b].y, objs[b].f);
        if (d < nd || (d === nd && objs[b].id < objs[nb].id)) [nd, nb] = [d, b];
      }
      if (nb >= 0 && nd < dB) {
        const [lo, hi] = [Math.min(objs[a].id, objs[nb].id), Math.max(objs[a].id, objs[nb].id)];
        if (better(nd, lo, hi)) best = { d: nd, lo, hi, a, b: nb };
      } else if (better(dB, objs[a].id, objs[a].id)) best = { d: dB, lo: objs[a].id, hi: objs[a].id, a, b: -1 };
    }
    const A = objs[best.a];
    if (best.b < 0) {
      finals.push(A.members.sort((u, v) => u - v));
      objs.splice(best.a, 1);
      continue;
    }
    const B = objs[best.b];
    const E = A.E + B.E, px = A.px + B.px, py = A.py + B.py, pz = A.pz + B.pz;
    const same = deltaR2(A.y, A.f, B.y, B.f) === 0;
    const c = { p: Math.sqrt(px * px + py * py), y: same ? (A.id < B.id ? A : B).y : 0.5 * Math.log((E + pz) / (E - pz)), f: same ? (A.id < B.id ? A : B).f : Math.atan2(py, px), E, px, py, pz, id: next++, members: [...A.members, ...B.members] };
    objs.splice(Math.max(best.a, best.b), 1);
    objs.splice(Math.min(best.a, best.b), 1);
    objs.push(c);
  }
  return finals;
}

t.test('re-clustering equals a literal O(M^3) clustering on random jets (kt, ca; R = 0.2, 0.4, infinity)', async (t) => {
  const b = randomJets(7, 60, 40);
  let compared = 0;
  for (let j = 0; j < b.length; j++) {
    const r = b.jet(j);
    const [pt, y, phi] = [r.map((p) => p[0]), r.map((p) => p[1]), r.map((p) => p[2])];
    for (const alg of ['kt', 'ca'] as const) {
      for (const R of [0.2, 0.4, Infinity]) {
        const tree = recluster(pt, y, phi, undefined, alg, R);
        const members = tree.finals.map((f) => {
          const keep = new Uint8Array(pt.length);
          const stack = [f];
          while (stack.length) {
            const o = stack.pop()!;
            if (o < tree.n) keep[o] = 1;
            else stack.push(tree.left[o - tree.n], tree.right[o - tree.n]);
          }
          return [...keep.keys()].filter((i) => keep[i]);
        });
        t.same(members, naive(pt, y, phi, alg, R), `jet ${j} ${alg} R=${R}`);
        compared++;
      }
    }
  }
  t.equal(compared, 360);
});

t.test('groomed jets: subsets whose 4-vector sums are the kept constituents (random jets, with masses)', async (t) => {
  const base = randomJets(11, 80, 50);
  const rng = new Rng(3);
  const mass = Float64Array.from({ length: base.size }, () => (rng.int(3) === 0 ? 0 : rng.range(0, 1)));
  const b = new JetBatch({ offsets: base.offsets, pt: base.pt, y: base.y, phi: base.phi, mass });
  for (const spec of [{ method: 'trim', rSub: 0.2, fCut: 0.05 }, { method: 'softdrop', zCut: 0.1, beta: 0 }, { method: 'softdrop', zCut: 0.2, beta: 1.5, R0: 0.8 }] as GroomSpec[]) {
    const r = groomReference(b, spec);
    const p4 = jetFourMomenta(r.jets);
    let nonEmpty = 0;
    for (let j = 0; j < b.length; j++) {
      if (b.mult(j) > 0) t.ok(r.jets.mult(j) >= 1, 'a non-empty jet keeps at least one constituent');
      if (r.jets.mult(j) > 0) nonEmpty++;
      // the kept rows, summed by hand
      let E = 0;
      for (let i = b.offsets[j]; i < b.offsets[j + 1]; i++) if (r.keep[i]) E += Math.sqrt(b.pt[i] ** 2 + mass[i] ** 2) * Math.cosh(b.y[i]);
      t.ok(isClose(p4[4 * j], E, tolerance(1e-13, 1e-300)), 'E of the kept constituents');
    }
    t.ok(nonEmpty >= b.length - 1);
  }
});
