// SEMD p = 2: native against the reference, metric properties, invariances, IRC safety, degenerate inputs and
// independent formulas (expanded form, O(P1 P2) brute force, cell bounds). Tolerance: 1e-10 relative, 1e-8 floor.
import t from 'tap';
import { backendsFor } from '../src/backend/dispatch.js';
import { JetBatch } from '../src/jets/batch.js';
import { semdCross, semdMatrix, semdMatrixFromSpectra, semdReference, semd2Reference } from '../src/semd/distance.js';
import { embedSpectra } from '../src/semd/embed.js';
import { computeSpectra, spectraReference, type Spectra } from '../src/semd/spectrum.js';
import { Rng } from '../src/util/rng.js';
import { padRandomly, randomJet, randomJets } from './fixtures/semd-jets.js';
import { expectClose, isClose, tolerance } from './fixtures/backends.js';

/** Default comparison: rel 1e-10, abs 1e-8. */
const TOL = tolerance(1e-10, 1e-8);

const dist = (a: number[][], b: number[][], energy: 'norm' | 'raw' = 'norm') => {
  const S = spectraReference(JetBatch.fromNested([a, b]), { energy });
  return semdReference(S, 0, S, 1);
};
const hasNative = backendsFor('semd.matrix').includes('native');

t.test('native equals reference (M = 1..60, padding anywhere, phi wrap, raw and norm)', { skip: hasNative ? false : 'no native addon' }, async (t) => {
  const rng = new Rng(11);
  const jets = randomJets(5, 120, 1, 60);
  jets.push([[50, 0.1, 3.1, 0], [20, -0.1, -3.12, 0]], jets[3], [[10, 0, 0, 0]], [[1, 1, 1, 0]]);
  const padded = padRandomly(rng, jets, 64);
  for (const energy of ['norm', 'raw'] as const) {
    const b = JetBatch.fromPadded(padded.data, padded.shape);
    const ref = await semdMatrix(b, { energy, backend: 'reference' });
    const nat = await semdMatrix(padded, { energy, backend: 'native', threads: 2 });
    let bad = 0;
    for (let i = 0; i < ref.data.length; i++) if (!isClose(ref.data[i], nat.data[i], TOL)) bad++;
    t.equal(bad, 0, `${energy}: pairwise matrices agree`);
    const sn = await computeSpectra(b, { energy, backend: 'native' });
    const sr = spectraReference(b, { energy });
    t.ok(sn.omega.every((v, i) => v === sr.omega[i]) && sn.cum.every((v, i) => v === sr.cum[i]), `${energy}: spectra identical`);
    const cr = await semdCross(b.slice(0, 40), b.slice(40, b.length), { energy, backend: 'reference' });
    const cn = await semdCross(b.slice(0, 40), b.slice(40, b.length), { energy, backend: 'native', threads: 1 });
    expectClose(t, cr.data, cn.data, TOL, `${energy}: cross matrices agree`);
    t.same(cn.shape, [40, b.length - 40]);
  }
});

t.test('zero on identical jets and under symmetries of the spectrum', async (t) => {
  const rng = new Rng(3);
  for (let trial = 0; trial < 20; trial++) {
    const jet = randomJet(rng, 1 + rng.int(25));
    t.equal(dist(jet, jet), 0, 'identical: exactly 0');
    const dy = rng.range(-1, 1), dphi = rng.range(-3, 3);
    const moved = jet.map(([pt, y, phi, id]) => [pt, y + dy, phi + dphi, id]);
    const rewrap = moved.map(([pt, y, phi, id]) => [pt, y, ((phi % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI), id]);
    t.ok(isClose(dist(jet, rewrap), 0, TOL), 'translated in y and phi, re-wrapped to [0, 2pi)');
    // Rotation about a random point: unwrap phi around the first particle, rotate, re-wrap.
    const th = rng.range(0, 2 * Math.PI), yc = rng.range(-1, 1), pc = jet[0][2] + rng.range(-0.5, 0.5);
    const rot = jet.map(([pt, y, phi, id]) => {
      let p = phi - jet[0][2];
      p -= 2 * Math.PI * Math.round(p / (2 * Math.PI));
      p += jet[0][2];
      const x = y - yc, z = p - pc;
      const pr = pc + Math.sin(th) * x + Math.cos(th) * z;
      return [pt, yc + Math.cos(th) * x - Math.sin(th) * z, Math.atan2(Math.sin(pr), Math.cos(pr)), id];
    });
    t.ok(isClose(dist(jet, rot), 0, tolerance(1e-10, 1e-7)), 'rotated about any point');
    const perm = Array.from(rng.permutation(jet.length), (i) => jet[i]);
    t.ok(isClose(dist(jet, perm), 0, TOL), 'permuted');
    const shifted = jet.map(([pt, y, phi, id]) => [pt, y, phi < 0 ? phi + 2 * Math.PI : phi - 2 * Math.PI, id]);
    t.ok(isClose(dist(jet, shifted), 0, TOL), 'phi shifted by 2 pi');
    const k = rng.int(jet.length), f = rng.range(0.1, 0.9);
    const split = [...jet.slice(0, k), [jet[k][0] * f, jet[k][1], jet[k][2], 0], [jet[k][0] * (1 - f), jet[k][1], jet[k][2], 0], ...jet.slice(k + 1)];
    t.ok(isClose(dist(jet, split), 0, TOL), 'collinear split');
    const pad = padRandomly(rng, [jet, jet], jet.length + 3);
    const padded = JetBatch.fromPadded(pad.data, pad.shape);
    const S = spectraReference(padded);
    t.equal(semdReference(S, 0, S, 1), 0, 'zero-pT rows anywhere are dropped');
  }
  t.equal(dist([[10, 0, 0]], [[300, 1.5, -2]]), 0, 'two one-particle jets (normalised)');
  // Raw: a one-particle spectrum is all at omega = 0, so R = 0 and the lighter jet's deficit sits at 0 too.
  t.equal(dist([[10, 0, 0]], [[300, 1.5, -2]], 'raw'), 0, 'raw: one-particle jets are at distance 0 too');
  const j2 = [[10, 0, 0], [20, 0.3, 0.1]];
  const dRaw = dist(j2, j2.map(([pt, y, phi]) => [2 * pt, y, phi]), 'raw');
  t.ok(dRaw > 0 && dist(j2, j2.map(([pt, y, phi]) => [2 * pt, y, phi])) === 0, 'raw distance sees the pT scale, normalised does not');
});

t.test('metric: bitwise symmetry, triangle inequality, distance to a one-particle jet', async (t) => {
  const jets = randomJets(21, 60, 1, 30);
  const b = JetBatch.fromNested(jets);
  for (const energy of ['norm', 'raw'] as const) {
    const S = spectraReference(b, { energy });
    const n = b.length;
    let asym = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (semd2Reference(S, i, S, j) !== semd2Reference(S, j, S, i)) asym++;
    t.equal(asym, 0, `${energy}: d(a, b) === d(b, a) bitwise`);
    const m = await semdMatrixFromSpectra(S, null);
    let viol = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k += 3) {
      if (m[i * n + k] > m[i * n + j] + m[j * n + k] + 1e-12) viol++;
    }
    t.equal(viol, 0, `${energy}: triangle inequality on all triples`);
    t.ok(m.every((v, i) => v === m[(i % n) * n + Math.floor(i / n)]), `${energy}: matrix exactly symmetric`);
  }
  const S = spectraReference(JetBatch.fromNested([...jets.slice(0, 10), [[1, 0, 0]]]));
  for (let a = 0; a < 10; a++) {
    let sw = 0;
    for (let i = S.offsets[a]; i < S.offsets[a + 1]; i++) sw += (S.cum[i] - (i > S.offsets[a] ? S.cum[i - 1] : 0)) * S.omega[i] ** 2;
    t.ok(isClose(semd2Reference(S, a, S, 10), sw, tolerance(1e-12, 1e-15)), 'd(A, one particle)^2 = sum w omega^2');
  }
});

t.test('IRC safety: a particle of pT delta moves the normalised distance by O(sqrt(delta))', async (t) => {
  const rng = new Rng(8);
  const jet = randomJet(rng, 15);
  const ptot = jet.reduce((s, p) => s + p[0], 0);
  let prev = Infinity;
  for (const delta of [1e-2, 1e-4, 1e-6, 1e-8]) {
    const d = dist(jet, [...jet, [delta * ptot, jet[0][1] + 0.3, jet[0][2] - 0.2, 0]]);
    t.ok(d < prev, `decreases (delta = ${delta}: ${d.toExponential(3)})`);
    t.ok(d / Math.sqrt(delta) < 2, 'bounded by a constant times sqrt(delta)');
    prev = d;
  }
});

t.test('degenerate inputs: lattices, equal pT, coincident particles, order of equal omegas', async (t) => {
  const lattice = (n: number, pt: (i: number) => number) => Array.from({ length: n }, (_, i) => [pt(i), 0.1 * (i % 3), 0.1 * Math.floor(i / 3), 0]);
  const a = lattice(9, () => 5);
  const b = lattice(9, (i) => 5 + (i === 4 ? 1e-9 : 0));
  const c = [...lattice(6, () => 5), [5, 0, 0, 0], [5, 0, 0, 0]];
  const jets = [a, b, c, [[3, 0, 0], [3, 0, 0], [3, 0, 0]], [[1, 0, 0], [1, 0, 0.2]], [[2, 0, 0], [2, 0.2, 0]]];
  const B = JetBatch.fromNested(jets);
  const S = spectraReference(B);
  const dp = semdReference(S, 0, S, 1);
  t.ok(dp > 0 && dp < 1e-4, 'equal-pT lattice vs perturbed by 1e-9 in pT: small, O(sqrt(delta))');
  t.ok(isClose(semdReference(S, 3, S, 3), 0, TOL), 'all particles coincident');
  t.equal(semdReference(S, 4, S, 5), 0, 'equal cumulative weights and equal omegas across jets');
  if (hasNative) {
    const mn = await semdMatrix(B, { backend: 'native' });
    const mr = await semdMatrix(B, { backend: 'reference' });
    expectClose(t, mn.data, mr.data, TOL, 'native equals reference on degenerate jets');
  }
  // Reorder entries of equal omega (and recompute cum): the distance to any other spectrum must not change.
  const rng = new Rng(4);
  const shuffled = shuffleEqualOmegas(S, 2, rng);
  for (let j = 0; j < 6; j++) {
    t.ok(isClose(semdReference(shuffled, 0, S, j), semdReference(S, 2, S, j), tolerance(1e-12, 1e-14)), `equal-omega order does not matter (vs ${j})`);
  }
});

function shuffleEqualOmegas(S: Spectra, j: number, rng: Rng): Spectra {
  const a = S.offsets[j], b = S.offsets[j + 1];
  const om = Array.from(S.omega.subarray(a, b));
  const w = om.map((_, i) => S.cum[a + i] - (i ? S.cum[a + i - 1] : 0));
  const idx = om.map((_, i) => i);
  idx.sort((x, y) => om[y] - om[x] || rng.uniform() - 0.5);
  const omega = new Float64Array(idx.map((i) => om[i]));
  const cum = new Float64Array(idx.length);
  let c = 0;
  idx.forEach((i, k) => (cum[k] = c += w[i]));
  return { offsets: new Uint32Array([0, idx.length]), omega, cum };
}

/** O(P1 P2)-style brute force: evaluate both step functions on the union of all breakpoints. */
function bruteForce(S: Spectra, a: number, b: number): number {
  const steps = (j: number) => {
    const o = S.offsets[j], e = S.offsets[j + 1];
    return { om: Array.from(S.omega.subarray(o, e)), cum: Array.from(S.cum.subarray(o, e)) };
  };
  const A = steps(a), B = steps(b);
  const R = (s: { om: number[]; cum: number[] }, t: number) => {
    for (let i = 0; i < s.cum.length; i++) if (t < s.cum[i]) return s.om[i];
    return 0;
  };
  const pts = [0, ...A.cum, ...B.cum].sort((x, y) => x - y);
  let sum = 0;
  for (let i = 0; i + 1 < pts.length; i++) {
    const mid = 0.5 * (pts[i] + pts[i + 1]);
    sum += (R(A, mid) - R(B, mid)) ** 2 * (pts[i + 1] - pts[i]);
  }
  return sum;
}

function expanded(S: Spectra, a: number, b: number): number {
  const items = (j: number) => {
    const o = S.offsets[j], e = S.offsets[j + 1];
    return Array.from(S.omega.subarray(o, e), (om, i) => ({ om, lo: i ? S.cum[o + i - 1] : 0, hi: S.cum[o + i] }));
  };
  const A = items(a), B = items(b);
  let s = 0;
  for (const x of A) s += (x.hi - x.lo) * x.om ** 2;
  for (const y of B) s += (y.hi - y.lo) * y.om ** 2;
  for (const x of A) for (const y of B) s -= 2 * x.om * y.om * Math.max(0, Math.min(x.hi, y.hi) - Math.max(x.lo, y.lo));
  return s;
}

/** 1-d optimal transport from omega = 0 upwards (normalised): must equal counting from the top. */
function fromBottom(S: Spectra, a: number, b: number): number {
  const asc = (j: number) => {
    const o = S.offsets[j], e = S.offsets[j + 1];
    const ws = Array.from(S.omega.subarray(o, e), (om, i) => ({ om, w: S.cum[o + i] - (i ? S.cum[o + i - 1] : 0) }));
    return ws.reverse();
  };
  const A = asc(a), B = asc(b);
  let i = 0, j = 0, ra = A[0].w, rb = B[0].w, s = 0;
  while (i < A.length && j < B.length) {
    const m = Math.min(ra, rb);
    s += m * (A[i].om - B[j].om) ** 2;
    ra -= m;
    rb -= m;
    if (ra <= 1e-18) { i++; ra = i < A.length ? A[i].w : 0; }
    if (rb <= 1e-18) { j++; rb = j < B.length ? B[j].w : 0; }
  }
  return s;
}

t.test('formulas: merge = expanded form = brute force = transport from the bottom', async (t) => {
  for (const energy of ['norm', 'raw'] as const) {
    const S = spectraReference(JetBatch.fromNested(randomJets(31, 30, 1, 8)), { energy });
    let bad = 0;
    for (let a = 0; a < 30; a++) for (let b = 0; b < 30; b++) {
      const m = semd2Reference(S, a, S, b);
      const scale = energy === 'raw' ? 1e4 : 1;
      if (!isClose(m, bruteForce(S, a, b), tolerance(1e-10, 1e-12 * scale))) bad++;
      if (!isClose(m, expanded(S, a, b), tolerance(1e-8, 1e-10 * scale))) bad++;
      if (energy === 'norm' && !isClose(m, fromBottom(S, a, b), tolerance(1e-9, 1e-12))) bad++;
    }
    t.equal(bad, 0, `${energy}: all forms agree`);
  }
});

t.test('cell bounds hold on every pair of a few thousand jets', async (t) => {
  const b = JetBatch.fromNested(randomJets(41, 2000, 1, 20));
  for (const energy of ['norm', 'raw'] as const) {
    const S = await computeSpectra(b, { energy });
    const m = await semdMatrixFromSpectra(S, null);
    for (const backend of backendsFor('semd.embed')) {
      const { u, K } = embedSpectra(S, { K: 32, backend });
      const D = K + 1, n = b.length;
      let viol = 0;
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
        let v2 = 0;
        for (let k = 0; k < K; k++) v2 += (u[i * D + k] - u[j * D + k]) ** 2;
        const ri = u[i * D + K], rj = u[j * D + K], d2 = m[i * n + j] ** 2;
        const slack = 1e-12 * (d2 + v2 + (ri + rj) ** 2) + 1e-20;
        if (v2 + (ri - rj) ** 2 > d2 + slack || v2 + (ri + rj) ** 2 < d2 - slack) viol++;
      }
      t.equal(viol, 0, `${energy}, ${backend}: lower <= SEMD^2 <= upper`);
    }
  }
});
