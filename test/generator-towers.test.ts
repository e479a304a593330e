import t from 'tap';
import { ATAN_EPS, applyTowers, atanUnit, cellPhiIndex, towersFromMomenta } from '../src/jets/generator/detector.js';
import { massOf } from '../src/jets/generator/hadrons.js';
import { MomentumList } from '../src/jets/generator/momenta.js';
import { DEFAULT_CALORIMETER, type TowerPosition } from '../src/jets/generator/options.js';
import { JetParticles } from '../src/jets/generator/particles.js';
import { JetRng } from '../src/jets/generator/rng.js';
import { Rng } from '../src/util/rng.js';

// towersFromMomenta (the generator's default tower path) must give exactly what JetMaker.toJetCoordinates followed
// by applyTowers gives (the path it replaced, still used with UE or smearing): same towers, same bits, same draws.
// Its phi cell comes from a polynomial atan with an error bound (cellPhiIndex), so inputs on and next to cell
// edges are checked too.

/** JetMaker.toJetCoordinates (jet.ts), the reference. */
function toJetCoordinates(h: MomentumList, p: JetParticles): void {
  p.reserve(h.n);
  let m = 0;
  for (let i = 0; i < h.n; i++) {
    const pt = Math.sqrt(h.px[i] * h.px[i] + h.py[i] * h.py[i]);
    if (!(pt > 0)) continue;
    p.pt[m] = pt;
    const mass = h.m[i];
    p.dy[m] = Math.asinh(h.pz[i] / (mass === 0 ? pt : Math.sqrt(pt * pt + mass * mass)));
    p.dphi[m] = Math.atan2(h.py[i], h.px[i]);
    p.pid[m] = h.tag[i];
    m++;
  }
  p.n = m;
}

const IDS = [22, 111, 211, -211, 321, 130, 310, 2212, -2112, 1, 21];

/** A hadron-like list (jet frame: mostly along +x), with entries on phi cell edges, on the beam and behind. */
function momenta(r: Rng, phi0: number, dphiCell: number): MomentumList {
  const h = new MomentumList(8);
  const n = 1 + r.int(90);
  for (let i = 0; i < n; i++) {
    const id = IDS[r.int(IDS.length)];
    // Partons (1, 21) carry m = 0 while massOf gives the quark mass: the tower's own mass lookup must win.
    const m = id === 1 || id === 21 ? 0 : massOf(id);
    const p = 0.05 + 40 * r.uniform() ** 3;
    const kind = r.uniform();
    let phi: number;
    if (kind < 0.3) {
      // On or next to a phi cell edge: t = k d - phi0 (+ offsets from 0 up to beyond ATAN_EPS).
      const k = Math.round(phi0 / dphiCell) + r.int(21) - 10;
      const off = [0, 1e-16, -1e-16, 1e-12, -1e-12, 5e-7, -5e-7, 2e-6, -2e-6, 1e-4][r.int(10)];
      phi = k * dphiCell - phi0 + off;
    } else if (kind < 0.35) phi = Math.PI * (2 * r.uniform() - 1); // anywhere, behind the jet too
    else phi = 1.2 * r.normal() * 0.5;
    const theta = r.uniform() < 0.05 ? 0 : 0.6 * r.normal();
    const pt = kind > 0.98 ? 0 : p * Math.cos(theta);
    h.push(pt * Math.cos(phi), pt * Math.sin(phi), p * Math.sin(theta) * (r.uniform() < 0.1 ? 30 : 1), id, m);
  }
  return h;
}

function same(a: JetParticles, b: JetParticles): boolean {
  if (a.n !== b.n) return false;
  for (let i = 0; i < a.n; i++) {
    for (const k of ['pt', 'dy', 'dphi', 'pid'] as const) if (!Object.is(a[k][i], b[k][i])) return false;
  }
  return true;
}

t.test('towersFromMomenta = toJetCoordinates + applyTowers, bit for bit (random lists, cell edges, all options)', async (t) => {
  const r = new Rng(2026);
  const a = new JetParticles(), b = new JetParticles();
  const ra = new JetRng(), rb = new JetRng();
  let jets = 0, towers = 0, bad = 0;
  for (const cell of [0.1, 0.05, 0.2, 0.37]) {
    const dphiCell = (2 * Math.PI) / Math.max(1, Math.round((2 * Math.PI) / cell));
    for (const position of ['random', 'centre'] as TowerPosition[]) {
      for (const cal of [DEFAULT_CALORIMETER, { stochastic: 0, constant: 0 }]) {
        for (let j = 0; j < 150; j++) {
          const y0 = 3.4 * (2 * r.uniform() - 1), phi0 = 2 * Math.PI * r.uniform();
          const h = momenta(r, phi0, dphiCell);
          const seed = r.nextUint32();
          toJetCoordinates(h, a);
          applyTowers(ra.reseed(seed), a, cell, y0, phi0, cal, position);
          towersFromMomenta(rb.reseed(seed), h, b, cell, y0, phi0, cal, position);
          jets++;
          towers += a.n;
          if (!same(a, b) || ra.nextUint32() !== rb.nextUint32()) bad++;
        }
      }
    }
  }
  t.ok(towers > 20 * jets, `${jets} lists, ${towers} towers`);
  t.equal(bad, 0, 'every list: the same towers and the same stream position');
});

t.test('cellPhiIndex = floor((phi0 + atan2(y, x)) / d) on and next to cell edges, in every quadrant', async (t) => {
  const r = new Rng(7);
  let n = 0, bad = 0;
  for (let k = 0; k < 200000; k++) {
    const d = [0.1, 0.05, (2 * Math.PI) / 63, 0.3][k & 3];
    const phi0 = k % 5 === 0 ? 0 : 2 * Math.PI * r.uniform();
    const kk = Math.round(phi0 / d) + r.int(31) - 15;
    const off = k % 3 === 0 ? (2 * r.uniform() - 1) * 4 * ATAN_EPS : k % 3 === 1 ? (r.int(7) - 3) * 1e-16 : 2 * r.normal();
    const phi = kk * d - phi0 + off;
    const rad = [1, 1e-3, 300, 1e-300, 1e300][r.int(5)];
    const x = rad * Math.cos(phi), y = rad * Math.sin(phi);
    n++;
    if (cellPhiIndex(x, y, phi0, d) !== Math.floor((phi0 + Math.atan2(y, x)) / d)) bad++;
  }
  for (const [x, y] of [[1, 0], [1, -0], [0, 1], [-1, 0], [0, 0], [1, 1], [1, -1], [1, 1 + 2 ** -52]]) {
    n++;
    if (!Object.is(cellPhiIndex(x, y, 0.3, 0.1), Math.floor((0.3 + Math.atan2(y, x)) / 0.1))) bad++;
  }
  t.equal(bad, 0, `${n} inputs`);
});

t.test('atanUnit is within 4e-8 of Math.atan on [-1, 1] (cellPhiIndex assumes 1e-6)', async (t) => {
  let worst = 0;
  const N = 2_000_000;
  for (let i = -N; i <= N; i++) {
    const x = i / N;
    worst = Math.max(worst, Math.abs(atanUnit(x) - Math.atan(x)));
  }
  t.ok(worst < 4e-8, `largest error ${worst}`);
  t.ok(ATAN_EPS >= 10 * worst, 'margin');
});
