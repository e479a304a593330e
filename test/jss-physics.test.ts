// Hand-made jets with known answers, pinned degenerate conventions, symmetry and IRC properties (reference kernel;
// jss-backends.test.ts shows the native kernel agrees with it).
import t from 'tap';
import { JetBatch, wrapPhi } from '../src/jets/batch.js';
import { deltaR2, exclusiveKtAxes } from '../src/jss/cluster.js';
import { observablesReference } from '../src/jss/observables.js';
import { defaultColumns } from '../src/jss/request.js';
import { Rng } from '../src/util/rng.js';
import { randomJet, randomJets } from './fixtures/jss-jets.js';
import { isClose, tolerance } from './fixtures/backends.js';

/** Default comparison: rel 1e-12, abs 1e-14. */
const TOL = tolerance(1e-12, 1e-14);

const ALL = [...defaultColumns([1, 2], [1, 2]), 'rap', 'phi', 'tau4_b1'];
const obs = (jets: number[][][] | JetBatch, opts = {}) => observablesReference(jets, { columns: ALL, ...opts }).values;

t.test('empty jet: every column 0', async (t) => {
  for (const axes of ['kt', 'wta', 'onepass'] as const) {
    const v = obs([[]], { axes });
    for (const c of ALL) t.equal(v[c][0], 0, c);
  }
});

t.test('one-particle jet: kinematics of the particle, everything else 0 (never NaN)', async (t) => {
  const v = obs([[[50, 0.7, -2.9]]]);
  t.ok(isClose(v.pt[0], 50, TOL));
  t.ok(isClose(v.rap[0], 0.7, TOL));
  t.ok(isClose(v.phi[0], -2.9, TOL));
  t.equal(v.mult[0], 1);
  for (const c of ALL.filter((c) => !['pt', 'rap', 'phi', 'mult'].includes(c))) t.equal(v[c][0], 0, c);
});

t.test('two- and three-particle jets: closed forms', async (t) => {
  const [p1, p2] = [30, 10];
  const v = obs([[[p1, 0.1, 3.1], [p2, -0.2, -3.0]]]);
  const dr2 = 0.3 ** 2 + (2 * Math.PI - 6.1) ** 2;
  const [z1, z2] = [0.75, 0.25];
  t.ok(isClose(v.e2_b1[0], z1 * z2 * Math.sqrt(dr2), TOL), 'e2 beta 1 (phi wrapped)');
  t.ok(isClose(v.e2_b2[0], z1 * z2 * dr2, TOL), 'e2 beta 2');
  t.equal(v.e3_b1[0], 0);
  t.equal(v.c2_b1[0], 0);
  const m2 = 2 * p1 * p2 * (Math.cosh(0.3) - Math.cos(6.1));
  t.ok(isClose(v.mass[0], Math.sqrt(m2), tolerance(1e-10, 1e-14)), 'mass');
  t.equal(v.tau2_b1[0], 0, 'tau2 = 0 when M <= 2');
  t.equal(v.tau21_b1[0], 0);
  t.ok(v.tau1_b1[0] > 0);
  // tau1 with beta 2 about the E-scheme axis (kT axis for N = 1 is the whole jet)
  const jet = obs([[[p1, 0.1, 3.1], [p2, -0.2, -3.0]]]);
  const ay = jet.rap[0];
  const aphi = jet.phi[0];
  const t1 = z1 * deltaR2(0.1, 3.1, ay, aphi) + z2 * deltaR2(-0.2, -3.0, ay, aphi);
  t.ok(isClose(v.tau1_b2[0], t1, tolerance(1e-10, 1e-14)), 'tau1 beta 2');
  t.ok(isClose(v.width[0], z1 * Math.sqrt(deltaR2(0.1, 3.1, ay, aphi)) + z2 * Math.sqrt(deltaR2(-0.2, -3.0, ay, aphi)), tolerance(1e-10, 1e-14)), 'width');

  const w = obs([[[1, 0, 0], [2, 0.3, 0], [1, 0, 0.4]]]);
  const R = [0.3, 0.4, 0.5];
  t.ok(isClose(w.e3_b1[0], (1 / 4) * (2 / 4) * (1 / 4) * R[0] * R[1] * R[2], TOL), 'e3 beta 1');
  t.ok(isClose(w.e3_b2[0], (1 / 32) * (R[0] * R[1] * R[2]) ** 2, TOL), 'e3 beta 2');
  const e2 = (2 / 16) * 0.3 + (1 / 16) * 0.4 + (2 / 16) * 0.5;
  t.ok(isClose(w.e2_b1[0], e2, TOL));
  t.ok(isClose(w.c2_b1[0], w.e3_b1[0] / e2 ** 2, TOL));
  t.ok(isClose(w.d2_b1[0], w.e3_b1[0] / e2 ** 3, TOL));
  t.equal(w.tau3_b1[0], 0, 'tau3 = 0 when M <= 3');
  t.equal(w.tau32_b1[0], 0, 'tau32 = 0 when tau2 = 0');
});

t.test('identical particles: e2 = 0 so C2 = D2 = 0, massless, no NaN', async (t) => {
  const v = obs([Array.from({ length: 5 }, () => [7, 0.2, 1.0])]);
  for (const c of ['mass', 'width', 'e2_b1', 'e3_b1', 'c2_b1', 'd2_b1', 'c2_b2', 'd2_b2']) t.ok(isClose(v[c][0], 0, tolerance(0, 1e-12)), c);
  for (const c of ALL) t.ok(Number.isFinite(v[c][0]), `${c} finite`);
  for (const c of ['tau1_b1', 'tau2_b1', 'tau3_b1', 'tau21_b1', 'tau32_b1']) t.equal(v[c][0], 0, `${c} = 0 (axes exactly on the particles)`);
});

t.test('mass agrees with E^2 - |p|^2 (the spec definition) on random jets', async (t) => {
  const b = randomJets(3, 40, 40);
  const v = observablesReference(b, { columns: ['mass', 'pt'] }).values;
  for (let j = 0; j < b.length; j++) {
    let E = 0, px = 0, py = 0, pz = 0;
    for (const [pt, y, phi] of b.jet(j)) {
      E += pt * Math.cosh(y); px += pt * Math.cos(phi); py += pt * Math.sin(phi); pz += pt * Math.sinh(y);
    }
    // E^2 - |p|^2 carries rounding of order eps E^2: compare m^2 on that scale
    const m2 = E * E - px * px - py * py - pz * pz;
    t.ok(Math.abs(v.mass[j] ** 2 - m2) <= 1e-12 * E * E, `jet ${j}: ${v.mass[j] ** 2} vs ${m2}`);
    t.ok(isClose(v.pt[j], Math.hypot(px, py), TOL), 'pt');
  }
});

t.test('tau1 at beta 1 with kT axes is the width (the N = 1 kT axis is the E-scheme jet axis)', async (t) => {
  const b = randomJets(23, 30, 40);
  const v = obs(b);
  for (let j = 0; j < b.length; j++) if (!isClose(v.tau1_b1[j], v.width[j], tolerance(1e-10, 1e-14))) t.fail(`jet ${j}: ${v.tau1_b1[j]} vs ${v.width[j]}`);
  t.pass('tau1_b1 == width');
});

t.test('obvious subjets: kT axes find the prongs, tau_N small once N = prongs', async (t) => {
  const rng = new Rng(11);
  const centres = [[0, 0], [0.8, 0.1], [-0.2, 0.9]];
  const prong = (c: number[], n: number) => Array.from({ length: n }, () => [rng.range(5, 10), c[0] + 0.01 * rng.normal(), c[1] + 0.01 * rng.normal()]);
  const three = [...prong(centres[0], 10), ...prong(centres[1], 10), ...prong(centres[2], 10)];
  const b = JetBatch.fromNested([three]);
  const ax = exclusiveKtAxes(b.pt, b.y, b.phi, 3);
  const found = Array.from(ax.y[3]!, (y, k) => [y, ax.phi[3]![k]]);
  for (const c of centres) t.ok(found.some(([y, p]) => Math.hypot(y - c[0], p - c[1]) < 0.02), `axis near (${c})`);
  const v = obs([three]);
  t.ok(v.tau32_b1[0] < 0.1, `tau32 = ${v.tau32_b1[0]}`);
  t.ok(v.tau3_b1[0] < v.tau2_b1[0] && v.tau2_b1[0] < v.tau1_b1[0], 'tau3 < tau2 < tau1');
  const two = obs([[...prong(centres[0], 10), ...prong(centres[1], 10)]]);
  t.ok(two.tau21_b1[0] < 0.1, `two prongs: tau21 = ${two.tau21_b1[0]}`);
});

t.test('tie rule and WTA recombination on a unit square', async (t) => {
  // All four sides tie at d = 1: merge (0, 1) first; WTA keeps parent 0's direction (equal pT: first created).
  // Then d(2,3) = 1 ties d(3,4) = 1: (2, 3) comes first in creation order.
  const sq = JetBatch.fromNested([[[1, 0, 0], [1, 1, 0], [1, 1, 1], [1, 0, 1]]]);
  const w = exclusiveKtAxes(sq.pt, sq.y, sq.phi, 3, 'wta');
  t.same(Array.from(w.y[3]!), [1, 0, 0], 'N = 3: particles 2, 3 and the merged (0, 1) at particle 0');
  t.same(Array.from(w.phi[3]!), [1, 1, 0]);
  t.same(Array.from(w.y[2]!), [0, 1]);
  t.same(Array.from(w.phi[2]!), [0, 1]);
  const e = exclusiveKtAxes(sq.pt, sq.y, sq.phi, 2, 'E');
  t.ok(isClose(e.y[2]![0], 0.5, TOL) && isClose(e.phi[2]![0], 0, tolerance(0, 1e-12)), 'E-scheme (0,1) at the midpoint');
});

/** Naive O(M^3) exclusive kT (scan all pairs in creation order each step): the NN-cache version must match. */
function naiveKt(pt: Float64Array, y: Float64Array, phi: Float64Array, N: number) {
  const o = Array.from(pt, (p, i) => ({ i, p, y: y[i], f: phi[i], E: p * Math.cosh(y[i]), px: p * Math.cos(phi[i]), py: p * Math.sin(phi[i]), pz: p * Math.sinh(y[i]) }));
  let next = pt.length;
  while (o.length > N) {
    let best = [0, 1];
    let bd = Infinity;
    for (let a = 0; a < o.length; a++) for (let b = a + 1; b < o.length; b++) {
      const d = Math.min(o[a].p ** 2, o[b].p ** 2) * deltaR2(o[a].y, o[a].f, o[b].y, o[b].f);
      if (d < bd) { bd = d; best = [a, b]; }
    }
    const [A, B] = [o[best[0]], o[best[1]]];
    const E = A.E + B.E, px = A.px + B.px, py = A.py + B.py, pz = A.pz + B.pz;
    o.splice(best[1], 1);
    o.splice(best[0], 1);
    const same = deltaR2(A.y, A.f, B.y, B.f) === 0;
    const [yc, fc] = same ? [A.y, A.f] : [0.5 * Math.log((E + pz) / (E - pz)), Math.atan2(py, px)];
    o.push({ i: next++, p: Math.sqrt(px * px + py * py), y: yc, f: fc, E, px, py, pz });
  }
  return o;
}

t.test('nearest-neighbour kT equals the naive O(M^3) clustering', async (t) => {
  const b = randomJets(5, 30, 40);
  for (let j = 3; j < b.length; j++) {
    const [s, e] = [b.offsets[j], b.offsets[j + 1]];
    const [pt, y, phi] = [b.pt.subarray(s, e), b.y.subarray(s, e), b.phi.subarray(s, e)];
    const ax = exclusiveKtAxes(pt, y, phi, 3);
    for (let N = 1; N <= Math.min(3, e - s - 1); N++) {
      const nv = naiveKt(pt, y, phi, N);
      t.same(Array.from(ax.y[N]!), nv.map((o) => o.y), `jet ${j} N ${N} y`);
      t.same(Array.from(ax.phi[N]!), nv.map((o) => o.f), `jet ${j} N ${N} phi`);
    }
  }
});

t.test('invariance under a common shift of y and phi (jets straddling phi = +-pi)', async (t) => {
  const b = randomJets(9, 40, 30);
  const shifts = [[1.3, 2.0], [-0.7, -Math.PI + 0.1], [0, Math.PI]];
  for (const axes of ['kt', 'wta', 'onepass'] as const) {
    const v0 = obs(b, { axes });
    for (const [dy, dphi] of shifts) {
      const moved = new JetBatch({ offsets: b.offsets, pt: b.pt, y: b.y.map((v) => v + dy), phi: b.phi.map((v) => wrapPhi(v + dphi)) });
      const v1 = obs(moved, { axes });
      for (const c of ALL) {
        for (let j = 0; j < b.length; j++) {
          let [a, x] = [v0[c][j], v1[c][j]];
          if (c === 'rap' && b.mult(j) > 0) x -= dy;
          if (c === 'phi' && b.mult(j) > 0) [a, x] = [0, wrapPhi(x - a - dphi)];
          if (!isClose(a, x, tolerance(1e-9, 1e-11))) t.fail(`${axes} ${c} jet ${j} shift (${dy}, ${dphi}): ${a} vs ${x}`);
        }
      }
    }
  }
  t.pass('all columns invariant');
});

t.test('IRC: zero-pT padding changes nothing; collinear splitting changes only mult', async (t) => {
  const rng = new Rng(21);
  const jets = Array.from({ length: 20 }, (_, j) => randomJet(rng, 3 + (j % 25), 0.3, j % 2 ? 3.1 : 0));
  const base = obs(jets);
  // zero-pT rows anywhere (dropped as padding by JetBatch)
  const padded = jets.map((jet) => [[0, 1.5, 2.0], ...jet.slice(0, 1), [0, -1, -3], ...jet.slice(1)]);
  const vp = obs(padded);
  for (const c of ALL) t.same(Array.from(vp[c]), Array.from(base[c]), `padding: ${c} identical`);
  const b = JetBatch.fromNested(jets);
  const vb = obs(JetBatch.fromPadded(b.toPadded(40).data, [b.length, 40, 3]));
  for (const c of ALL) t.same(Array.from(vb[c]), Array.from(base[c]), `padded array: ${c} identical`);
  // split the hardest particle of each jet into two collinear halves (70/30)
  const split = jets.map((jet) => {
    const k = jet.reduce((best, p, i) => (p[0] > jet[best][0] ? i : best), 0);
    const [pt, y, phi] = jet[k];
    return [...jet.slice(0, k), [0.7 * pt, y, phi], ...jet.slice(k + 1), [0.3 * pt, y, phi]];
  });
  const vs = obs(split);
  const safe = ALL.filter((c) => c !== 'mult');
  for (let j = 0; j < jets.length; j++) {
    t.equal(vs.mult[j], base.mult[j] + 1, 'mult changes by one');
    for (const c of safe) {
      if (!isClose(vs[c][j], base[c][j], tolerance(1e-9, 1e-12))) t.fail(`split jet ${j} ${c}: ${vs[c][j]} vs ${base[c][j]}`);
    }
  }
  t.pass('IRC-safe columns unchanged by collinear splitting');
});
