import t from 'tap';
import { createHash } from 'node:crypto';
import { generate, generateMixture, generateWithTruth } from '../src/jets/generator/index.js';
import type { JetBatch } from '../src/jets/batch.js';
import { JetlensInputError } from '../src/errors.js';
import { Rng } from '../src/util/rng.js';
import { massOf, PDG } from '../src/jets/generator/hadrons.js';
import { PDG_MASSES } from '../src/jets/pdg.js';
import { JetMaker } from '../src/jets/generator/jet.js';
import { MomentumList } from '../src/jets/generator/momenta.js';
import { rescaleTo, sumFourMomentum } from '../src/jets/generator/conserve.js';
import { resolveOptions, type GenerateOptions } from '../src/jets/generator/options.js';
import { JetParticles } from '../src/jets/generator/particles.js';
import { Trimmer } from '../src/jets/generator/trim.js';
import { streamSeed } from '../src/jets/generator/generate.js';

/** Four-momentum of jet j with masses from the PDG ids (rapidity y: E = mT cosh y, pz = mT sinh y). */
function fourVector(b: JetBatch, j: number): [number, number, number, number] {
  let e = 0, px = 0, py = 0, pz = 0;
  for (let i = b.offsets[j]; i < b.offsets[j + 1]; i++) {
    const m = massOf(b.pid![i]);
    const mt = Math.sqrt(b.pt[i] * b.pt[i] + m * m);
    e += mt * Math.cosh(b.y[i]);
    px += b.pt[i] * Math.cos(b.phi[i]);
    py += b.pt[i] * Math.sin(b.phi[i]);
    pz += mt * Math.sinh(b.y[i]);
  }
  return [e, px, py, pz];
}

function mass(v: [number, number, number, number]): number {
  return Math.sqrt(Math.max(0, v[0] * v[0] - v[1] * v[1] - v[2] * v[2] - v[3] * v[3]));
}

const wholeJet: Partial<GenerateOptions> = { cone: false, towers: 0, trim: false };

t.test('W mass conserved through the shower: parton level, no cone, mass == drawn mass to 1e-9', async (t) => {
  const n = 3000;
  const { jets, truth } = generateWithTruth({ process: 'w', n, seed: 101, hadronize: 'partons', ...wholeJet });
  let worst = 0, worstPt = 0;
  for (let j = 0; j < n; j++) {
    const v = fourVector(jets, j);
    worst = Math.max(worst, Math.abs(mass(v) / truth.mass[j] - 1));
    worstPt = Math.max(worstPt, Math.abs(Math.hypot(v[1], v[2]) / truth.pt[j] - 1));
  }
  t.ok(worst < 1e-9, `worst relative mass error ${worst.toExponential(2)} over ${n} jets`);
  t.ok(worstPt < 1e-9, `W pT kept: worst ${worstPt.toExponential(2)}`);
  t.ok(jets.pid!.every((p) => p === 1 || p === 21), 'parton ids: 1 quark, 21 gluon');
  t.ok(jets.size / n > 4, `partons per W jet ${(jets.size / n).toFixed(1)}`);
});

t.test('hadron level: W singlet four-momentum conserved (massive rapidities) to 1e-9', async (t) => {
  const n = 2000;
  const { jets, truth } = generateWithTruth({ process: 'w', n, seed: 102, ...wholeJet });
  let worst = 0;
  for (let j = 0; j < n; j++) {
    const v = fourVector(jets, j);
    const e = Math.sqrt(truth.pt[j] ** 2 + truth.mass[j] ** 2);
    const ey = e * Math.cosh(truth.y[j]), pzy = e * Math.sinh(truth.y[j]);
    const want = [ey, truth.pt[j] * Math.cos(truth.phi[j]), truth.pt[j] * Math.sin(truth.phi[j]), pzy];
    for (let k = 0; k < 4; k++) worst = Math.max(worst, Math.abs(v[k] - want[k]) / ey);
  }
  t.ok(worst < 1e-9, `worst |P_hadrons - P_W| / E_W = ${worst.toExponential(2)}`);
  // With eta in place of rapidity (the massless formula), the sum would miss by far more than 1e-9.
  let etaWorst = 0;
  for (let j = 0; j < 50; j++) {
    let e = 0;
    for (let i = jets.offsets[j]; i < jets.offsets[j + 1]; i++) e += jets.pt[i] * Math.cosh(jets.y[i]);
    etaWorst = Math.max(etaWorst, Math.abs(e / fourVector(jets, j)[0] - 1));
  }
  t.ok(etaWorst > 1e-6, `massless energy sum differs (${etaWorst.toExponential(1)}): masses matter`);
});

t.test('hadron level: QCD singlet (jet partons + colour partner) conserved to 1e-9', async (t) => {
  for (const process of ['quark', 'gluon', 'qcd'] as const) {
    const cfg = resolveOptions({ process, n: 1, seed: 1, ...wholeJet });
    const maker = new JetMaker(cfg);
    let worst = 0;
    for (let j = 0; j < 500; j++) {
      maker.make(new Rng(streamSeed(9, j)));
      const p = maker.particles;
      const h = [0, 0, 0, 0];
      for (let i = 0; i < p.n; i++) {
        const m = massOf(p.pid[i]);
        const mt = Math.sqrt(p.pt[i] ** 2 + m * m);
        h[0] += mt * Math.cosh(p.dy[i]);
        h[1] += p.pt[i] * Math.cos(p.dphi[i]);
        h[2] += p.pt[i] * Math.sin(p.dphi[i]);
        h[3] += mt * Math.sinh(p.dy[i]);
      }
      const scale = maker.partonSum[0] + maker.anchorIn[0];
      for (let k = 0; k < 4; k++) {
        const before = maker.partonSum[k] + maker.anchorIn[k];
        const after = h[k] + maker.anchorOut[k];
        worst = Math.max(worst, Math.abs(after - before) / scale);
      }
    }
    t.ok(worst < 1e-9, `${process}: worst relative violation ${worst.toExponential(2)}`);
    t.equal(maker.unbalanced, 0, `${process}: every singlet could be rescaled`);
  }
});

t.test('hadrons: species with PDG ids and masses, pi0 decayed to photons', async (t) => {
  const b = generate({ process: 'gluon', n: 2000, seed: 103 });
  const count = new Map<number, number>();
  for (const p of b.pid!) count.set(p, (count.get(p) ?? 0) + 1);
  const allowed = new Set([22, 211, -211, 321, -321, 130, 310, 2212, -2212, 2112, -2112]);
  t.same([...count.keys()].filter((p) => !allowed.has(p)), [], `only known species (${[...count.keys()].sort((a, c) => a - c).join(' ')})`);
  const frac = (ids: number[]) => ids.reduce((s, p) => s + (count.get(p) ?? 0), 0) / b.size;
  t.notOk(count.has(PDG.pi0), 'no pi0 left');
  const photons = frac([22]), pions = frac([211, -211]), kaons = frac([321, -321, 130, 310]), baryons = frac([2212, -2212, 2112, -2112]);
  t.ok(photons > 0.25 && photons < 0.5, `photons ${photons.toFixed(3)}`);
  t.ok(pions > 0.35 && pions < 0.65, `charged pions ${pions.toFixed(3)}`);
  t.ok(Math.abs(photons / 2 / pions - 0.5) < 0.1, `pi0 : pi+- = ${(photons / 2 / pions).toFixed(2)} ~ 1 : 2`);
  t.ok(kaons > 0.04 && kaons < 0.2, `kaons ${kaons.toFixed(3)}`);
  t.ok(baryons > 0.01 && baryons < 0.12, `nucleons ${baryons.toFixed(3)}`);
  t.ok(Math.abs(frac([211]) - frac([-211])) < 0.02, 'pi+ and pi- alike');
  t.equal(massOf(2212), PDG_MASSES[2212], 'masses from the one PDG table (src/jets/pdg.ts)');
  t.equal(massOf(-211), massOf(211));
  t.equal(massOf(0), 0, 'towers are massless');
});

t.test('colour: W radiation stays inside the q qbar dipole, QCD jets radiate soft gluons up to R', async (t) => {
  const angle = (ax: number, ay: number, az: number, bx: number, by: number, bz: number) =>
    Math.atan2(Math.hypot(ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx), ax * bx + ay * by + az * bz);
  // W, parton level, no cone: every parton's angle to the nearer of the two decay quarks, in units of their opening.
  const w = new JetMaker(resolveOptions({ process: 'w', n: 1, seed: 1, hadronize: 'partons', ...wholeJet }));
  let partons = 0, outside = 0, far = 0;
  for (let j = 0; j < 3000; j++) {
    w.make(new Rng(streamSeed(11, j)));
    const q = w.wQuarks;
    const open = angle(q[0], q[1], q[2], q[3], q[4], q[5]);
    const p = w.particles;
    for (let i = 0; i < p.n; i++) {
      const px = p.pt[i] * Math.cos(p.dphi[i]), py = p.pt[i] * Math.sin(p.dphi[i]), pz = p.pt[i] * Math.sinh(p.dy[i]);
      const a = Math.min(angle(px, py, pz, q[0], q[1], q[2]), angle(px, py, pz, q[3], q[4], q[5])) / open;
      partons++;
      if (a > 1) outside++;
      if (a > 1.5) far++;
    }
  }
  t.ok(outside / partons < 0.03, `W: ${(100 * outside / partons).toFixed(2)}% of ${partons} partons beyond the opening angle from both quarks`);
  t.ok(far / partons < 0.003, `W: ${(100 * far / partons).toFixed(3)}% beyond 1.5 opening angles`);
  // QCD: soft gluons at wide angles, up to R.
  const { jets, truth } = generateWithTruth({ process: 'qcd', n: 3000, seed: 12, hadronize: 'partons', ...wholeJet });
  let wide = 0, wideSoft = 0;
  for (let j = 0; j < jets.length; j++) {
    for (let i = jets.offsets[j]; i < jets.offsets[j + 1]; i++) {
      const dr = Math.hypot(jets.y[i] - truth.y[j], jets.phi[i] - truth.phi[j]);
      if (dr > 0.5 && dr <= 1.0) {
        wide++;
        if (jets.pt[i] < 10) wideSoft++;
      }
    }
  }
  t.ok(wide / jets.length > 0.3, `QCD: ${(wide / jets.length).toFixed(2)} partons per jet between R/2 and R`);
  t.ok(wideSoft / wide > 0.5, `QCD: ${(100 * wideSoft / wide).toFixed(0)}% of them below 10 GeV (soft)`);
});

t.test('underlying event: Poisson per unit area, falling pT, off by default', async (t) => {
  const n = 3000;
  const opts = { process: 'quark' as const, n, seed: 105, R: 0.4, cone: false };
  const base = generate(opts);
  const ue = generate({ ...opts, underlyingEvent: { density: 20, ptMean: 0.5 } });
  const extra = (ue.size - base.size) / n;
  const expect = 20 * Math.PI * 0.16;
  t.ok(Math.abs(extra - expect) < 5 * Math.sqrt(expect / n), `extra particles per jet ${extra.toFixed(2)} ~ ${expect.toFixed(2)}`);
  t.ok(ue.size > base.size && Array.from(base.pt).every((x, i) => x === base.pt[i]), 'default: no UE');
  t.throws(() => generate({ ...opts, underlyingEvent: { density: -1 } }), JetlensInputError);
});

t.test('trimming: the generator kernel agrees with the library reference (groom) on random jets', async (t) => {
  const { groomReference } = await import('../src/jss/groom.js');
  const { JetBatch } = await import('../src/jets/batch.js');
  const rng = new Rng(1);
  let bad = 0, dropped = 0;
  for (let k = 0; k < 200; k++) {
    const M = 2 + rng.int(50);
    const p = new JetParticles();
    p.reserve(M);
    p.n = M;
    const rows: number[][] = [];
    for (let i = 0; i < M; i++) {
      [p.pt[i], p.dy[i], p.dphi[i], p.pid[i]] = [Math.exp(4 * rng.uniform()), 0.4 * rng.normal(), 0.4 * rng.normal(), i];
      rows.push([p.pt[i], p.dy[i], p.dphi[i], i]);
    }
    new Trimmer(0.2, 0.05).run(p);
    const lib = groomReference(JetBatch.fromNested([rows]), { method: 'trim', rSub: 0.2, fCut: 0.05 }).jets;
    const want = Array.from(lib.pid!).sort((a, b) => a - b).join(',');
    const got = Array.from(p.pid.subarray(0, p.n)).sort((a, b) => a - b).join(',');
    if (want !== got) bad++;
    dropped += M - p.n;
  }
  t.equal(bad, 0, 'same particles kept in 200 random jets');
  t.ok(dropped > 100, `trimming removed ${dropped} particles`);
  // Hand-made: two hard prongs and a soft far particle (below 5% of the jet pT): the soft one goes.
  const p = new JetParticles();
  p.n = 4;
  [p.pt[0], p.dy[0], p.dphi[0]] = [200, 0, 0];
  [p.pt[1], p.dy[1], p.dphi[1]] = [100, 0.4, 0];
  [p.pt[2], p.dy[2], p.dphi[2]] = [5, 0.05, 0.05];
  [p.pt[3], p.dy[3], p.dphi[3]] = [10, -0.5, 0.5];
  p.pid.set([1, 2, 3, 4]);
  new Trimmer(0.2, 0.05).run(p);
  t.same(Array.from(p.pid.subarray(0, p.n)), [1, 2, 3], 'prongs kept (with the close soft one), far soft subjet dropped');
});

t.test('rescaleTo: exact target, boost invariant, refuses the impossible', async (t) => {
  const rng = new Rng(3);
  const l = new MomentumList();
  for (let i = 0; i < 30; i++) l.push(50 * rng.normal(), 50 * rng.normal(), 300 + 50 * rng.normal(), 0, i % 3 === 0 ? 0.14 : 0);
  const target = [900, 10, -20, 800];
  t.ok(rescaleTo(l, 0, l.n, target[0], target[1], target[2], target[3]));
  const s = sumFourMomentum(l, 0, l.n, new Float64Array(4));
  for (let k = 0; k < 4; k++) t.ok(Math.abs(s[k] - target[k]) < 1e-12 * 900, `component ${k}: ${s[k]} vs ${target[k]}`);
  const heavy = new MomentumList();
  heavy.push(1, 0, 0, 0, 5);
  heavy.push(-1, 0, 0, 0, 5);
  t.notOk(rescaleTo(heavy, 0, 2, 9, 0, 0, 0), 'masses above the target mass: refused');
  t.equal(heavy.px[0], 1, 'untouched');
});

t.test('v1 reachable: hadronize none gives the v1 generator byte for byte', async (t) => {
  // SHA-256 prefixes of (offsets, pt, y, phi, pid, labels) made by the v1 generator (main at 5203e14).
  const h = (b: JetBatch) => {
    const x = createHash('sha256');
    for (const a of [b.offsets, b.pt, b.y, b.phi, b.pid!, b.labels!]) x.update(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    return x.digest('hex').slice(0, 16);
  };
  const want: Record<string, string> = { quark: 'd1341142b9a8b407', gluon: '12bc3cb60daa63c0', qcd: '1d522f5f148e110a', w: '1b031dc85d564103' };
  for (const process of ['quark', 'gluon', 'qcd', 'w'] as const) t.equal(h(generate({ process, n: 500, seed: 7, hadronize: 'none' })), want[process], process);
  t.equal(h(generate({ process: 'w', n: 500, seed: 7, twoHadronProb: 0.3, smear: true, hadronize: 'none' })), '4062e95b78e56120', 'w, two hadrons, smeared');
  t.equal(h(generateMixture({ signal: 'w', background: 'qcd', n: 300, seed: 3, hadronize: 'none' })), 'a575ce7b8422d926', 'mixture');
  t.throws(() => generate({ process: 'w', n: 1, seed: 1, hadronize: 'lund' as never }), /field hadronize/);
});

t.test('towers: massless, pid 0, at cell centres, energy kept (exact calorimeter), resolution when asked', async (t) => {
  const opts = { process: 'w' as const, n: 500, seed: 106, cone: false, trim: false as const, towerPosition: 'centre' as const };
  const { jets, truth } = generateWithTruth({ ...opts, calorimeter: { stochastic: 0, constant: 0 } });
  let off = 0, eTow = 0, eTrue = 0;
  for (let j = 0; j < jets.length; j++) {
    for (let i = jets.offsets[j]; i < jets.offsets[j + 1]; i++) {
      const fy = jets.y[i] / 0.1 - 0.5;
      if (jets.pid![i] !== 0 || Math.abs(fy - Math.round(fy)) > 1e-9) off++;
    }
    eTow += fourVector(jets, j)[0];
    eTrue += Math.sqrt(truth.pt[j] ** 2 + truth.mass[j] ** 2) * Math.cosh(truth.y[j]);
  }
  t.equal(off, 0, 'every tower at a cell centre in y, pid 0');
  t.ok(Math.abs(eTow / eTrue - 1) < 1e-9, `total energy kept (${(eTow / eTrue).toFixed(12)})`);
  // Default resolution 50%/sqrt(E) (+) 5%: the jet energy fluctuates by a few per cent, unbiased.
  const smeared = generateWithTruth(opts);
  const r = Array.from({ length: 500 }, (_, j) => fourVector(smeared.jets, j)[0] / (Math.sqrt(truth.pt[j] ** 2 + truth.mass[j] ** 2) * Math.cosh(truth.y[j])));
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / r.length);
  t.ok(Math.abs(mean - 1) < 0.01 && sd > 0.01 && sd < 0.1, `E_jet ratio ${mean.toFixed(4)} +- ${sd.toFixed(4)}`);
});

t.test('towers at a random point of their cell (Delphes, default): one per cell, inside it, energy kept', async (t) => {
  const opts = { process: 'qcd' as const, n: 400, seed: 108, cone: false, trim: false as const, calorimeter: { stochastic: 0, constant: 0 } };
  const centre = generateWithTruth({ ...opts, towerPosition: 'centre' });
  const random = generateWithTruth(opts);
  t.same(Array.from(random.jets.offsets), Array.from(centre.jets.offsets), 'same number of towers per jet');
  const dphiCell = (2 * Math.PI) / 63;
  const cellOf = (y: number, phi: number) => `${Math.floor(y / 0.1)},${Math.floor(phi / dphiCell)}`;
  let unmatched = 0, onCentre = 0, eDiff = 0;
  for (let j = 0; j < random.jets.length; j++) {
    const energy = new Map<string, number>();
    for (let i = centre.jets.offsets[j]; i < centre.jets.offsets[j + 1]; i++) {
      energy.set(cellOf(centre.jets.y[i], centre.jets.phi[i]), centre.jets.pt[i] * Math.cosh(centre.jets.y[i]));
    }
    for (let i = random.jets.offsets[j]; i < random.jets.offsets[j + 1]; i++) {
      const [y, phi] = [random.jets.y[i], random.jets.phi[i]];
      const e = energy.get(cellOf(y, phi));
      if (e === undefined) unmatched++;
      else eDiff = Math.max(eDiff, Math.abs((random.jets.pt[i] * Math.cosh(y)) / e - 1));
      if (Math.abs(y / 0.1 - Math.floor(y / 0.1) - 0.5) < 1e-9) onCentre++;
    }
  }
  t.equal(unmatched, 0, 'every tower inside the cell of the centred tower it replaces');
  t.ok(onCentre < 0.01 * random.jets.size, `towers moved off the centre (${onCentre}/${random.jets.size} still there)`);
  t.ok(eDiff < 1e-12, `tower energies unchanged (${eDiff.toExponential(1)})`);
  t.throws(() => generate({ process: 'w', n: 1, seed: 1, towerPosition: 'corner' as never }), /field towerPosition/);
});

t.test("trimming: the generator's kernel agrees with the library's groom (kT, R_sub 0.2, f_cut 0.05)", async (t) => {
  const { groomReference } = await import('../src/jss/groom.js');
  const sameJets = (a: JetBatch, b: JetBatch) => {
    let same = 0;
    for (let j = 0; j < a.length; j++) {
      const key = (x: JetBatch) => Array.from({ length: x.mult(j) }, (_, k) => `${x.pt[x.offsets[j] + k]},${x.y[x.offsets[j] + k]},${x.phi[x.offsets[j] + k]}`).sort().join(';');
      if (key(a) === key(b)) same++;
    }
    return same;
  };
  for (const process of ['w', 'qcd'] as const) {
    const n = 400;
    for (const towers of [0, 0.1]) {
      const untrimmed = generate({ process, n, seed: 107, towers, trim: false });
      const ours = generate({ process, n, seed: 107, towers });
      const lib = groomReference(untrimmed, { method: 'trim', rSub: 0.2, fCut: 0.05 }).jets;
      const same = sameJets(ours, lib);
      if (towers === 0) t.equal(same, n, `${process}, particles: ${same}/${n} jets keep the same constituents`);
      // Towers at random points of their cells (the default) leave no exact distance ties, so the kernels agree.
      else t.equal(same, n, `${process}, towers: ${same}/${n} jets keep the same constituents`);
    }
  }
});
