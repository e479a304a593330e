import t from 'tap';
import {
  alphaS,
  generate,
  generateAsync,
  generateMixture,
  generateMixtureAsync,
  generateWithTruth,
  pGG,
  pGQ,
  pQG,
} from '../src/jets/generator/index.js';
import type { JetBatch } from '../src/jets/batch.js';
import { JetlensInputError } from '../src/errors.js';
import { splitMomentum } from '../src/jets/generator/momenta.js';

// ---- small observables (E-scheme sums of massless 4-vectors) ----

function jetFourVector(b: JetBatch, j: number): [number, number, number, number] {
  let e = 0, px = 0, py = 0, pz = 0;
  for (let i = b.offsets[j]; i < b.offsets[j + 1]; i++) {
    e += b.pt[i] * Math.cosh(b.y[i]);
    px += b.pt[i] * Math.cos(b.phi[i]);
    py += b.pt[i] * Math.sin(b.phi[i]);
    pz += b.pt[i] * Math.sinh(b.y[i]);
  }
  return [e, px, py, pz];
}

function jetMass(b: JetBatch, j: number): number {
  const [e, px, py, pz] = jetFourVector(b, j);
  return Math.sqrt(Math.max(0, e * e - px * px - py * py - pz * pz));
}

function jetPt(b: JetBatch, j: number): number {
  const [, px, py] = jetFourVector(b, j);
  return Math.hypot(px, py);
}

/** pT-weighted mean Delta R to the generator-level axis (jet width / girth). */
function jetWidth(b: JetBatch, j: number, y0: number, phi0: number): number {
  let s = 0, w = 0;
  for (let i = b.offsets[j]; i < b.offsets[j + 1]; i++) {
    s += b.pt[i];
    w += b.pt[i] * Math.hypot(b.y[i] - y0, b.phi[i] - phi0);
  }
  return w / s;
}

const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0) / a.length;

function masses(b: JetBatch): Float64Array {
  return Float64Array.from({ length: b.length }, (_, j) => jetMass(b, j));
}

/** Lower edge of the most populated 5 GeV bin. */
function massMode(m: Float64Array): number {
  const h = new Float64Array(60);
  for (const x of m) if (x < 300) h[Math.floor(x / 5)]++;
  let k = 0;
  for (let i = 1; i < h.length; i++) if (h[i] > h[k]) k = i;
  return 5 * k;
}

const fraction = (m: Float64Array, lo: number, hi: number) => m.filter((x) => x >= lo && x < hi).length / m.length;

function sameBytes(a: JetBatch, b: JetBatch): boolean {
  const eq = (x?: ArrayBufferView, y?: ArrayBufferView) =>
    x === undefined || y === undefined ? x === y : Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength));
  return eq(a.offsets, b.offsets) && eq(a.pt, b.pt) && eq(a.y, b.y) && eq(a.phi, b.phi) && eq(a.pid, b.pid) && eq(a.labels, b.labels);
}

// ---- physics ----

t.test('QCD ingredients: coupling and splitting functions', async (t) => {
  t.ok(Math.abs(alphaS(91.1876) - 0.118) < 1e-12, 'alpha_s(M_Z) = 0.118');
  t.equal(alphaS(0.3), alphaS(1), 'frozen below 1 GeV');
  t.ok(alphaS(10) > alphaS(100) && alphaS(1) > 0.3 && alphaS(1) < 0.4, `runs (alpha_s(1 GeV) = ${alphaS(1)})`);
  t.ok(Math.abs(pGQ(0.5) - (4 / 3) * 1.25 / 0.5) < 1e-12);
  t.ok(Math.abs(pGG(0.3) - pGG(0.7)) < 1e-12, 'P_gg symmetric');
  t.ok(Math.abs(pQG(0.5) - 2.5 * 0.5) < 1e-12);
});

t.test('splitting kinematics: 3-momentum conserved, exact opening angle, pair mass ~ z(1-z) p^2 theta^2', async (t) => {
  const d = new Float64Array(6);
  const cases = [
    [300, 0, 0, 0.3, 0.2, 1.0],
    [10, -4, 7, 0.01, 0.001, 4.0],
    [0.1, 0.2, 50, 0.5, 1.2, 2.5], // close to the z axis: the other reference axis
    [200, 30, -80, 0.9, 1e-6, 0.3],
  ];
  for (const [px, py, pz, z, theta, phi] of cases) {
    splitMomentum(px, py, pz, z, theta, phi, d);
    const p = Math.hypot(px, py, pz);
    const sum = Math.hypot(d[0] + d[3] - px, d[1] + d[4] - py, d[2] + d[5] - pz);
    t.ok(sum <= 1e-13 * p, `sum of daughters = parent (${sum.toExponential(1)})`);
    const a = Math.hypot(d[0], d[1], d[2]);
    const b = Math.hypot(d[3], d[4], d[5]);
    const cos = (d[0] * d[3] + d[1] * d[4] + d[2] * d[5]) / (a * b);
    const cross = Math.hypot(d[1] * d[5] - d[2] * d[4], d[2] * d[3] - d[0] * d[5], d[0] * d[4] - d[1] * d[3]) / (a * b);
    t.ok(Math.abs(Math.atan2(cross, cos) - theta) < 1e-9 * Math.max(1, theta), `opening angle ${theta}`);
    const m2 = (a + b) ** 2 - p * p;
    if (theta < 0.3) t.ok(Math.abs(m2 / (z * (1 - z) * p * p * theta * theta) - 1) < 0.05, 'small-angle mass');
  }
});

// The veto algorithm must reproduce the exact no-emission probability of the stated density:
// P(no branching) = exp(-int dtheta/theta int dz alpha_s(k_t)/pi P(z) [k_t > 1 GeV]). Without hadronisation and
// without the cone, a jet with one particle is exactly a parton that never branched (parton level, k_t cut 1 GeV).
function sudakov(e: number, thetaMax: number, p: (z: number) => number): number {
  const lMin = Math.log(4 / e);
  const lMax = Math.log(thetaMax);
  const nt = 400;
  const nz = 800;
  let s = 0;
  for (let a = 0; a < nt; a++) {
    const theta = Math.exp(lMin + ((lMax - lMin) * (a + 0.5)) / nt);
    const lz = Math.log(1 / (e * theta)); // z = exp(lz (1 - u)) resolves the 1/z
    let iz = 0;
    for (let b = 0; b < nz; b++) {
      const z = Math.exp(lz * (1 - (b + 0.5) / nz));
      const kt = z * (1 - z) * e * theta;
      if (kt >= 1) iz += ((alphaS(kt) / Math.PI) * p(z) * z * -lz) / nz;
    }
    s += (iz * (lMax - lMin)) / nt;
  }
  return Math.exp(-s);
}

t.test('Sudakov veto algorithm: no-emission probability matches the exact integral', async (t) => {
  const n = 20000;
  const cases: [('quark' | 'gluon'), (z: number) => number][] = [
    ['quark', pGQ],
    ['gluon', (z) => pGG(z) + pQG(z)],
  ];
  for (const [process, p] of cases) {
    const { jets } = generateWithTruth({ process, n, seed: 5, ptMin: 100, ptMax: 100, R: 0.4, cone: false, hadronize: 'partons', ktCut: 1 });
    let single = 0;
    for (let j = 0; j < n; j++) if (jets.mult(j) === 1) single++;
    const mc = single / n;
    const exact = sudakov(100, 0.4, p);
    const sigma = Math.sqrt((exact * (1 - exact)) / n);
    t.ok(Math.abs(mc - exact) < 4 * sigma + 0.003, `${process}: MC ${mc.toFixed(4)} vs exact ${exact.toFixed(4)} (sigma ${sigma.toFixed(4)})`);
  }
});

t.test('gluon jets: more constituents, wider, heavier than quark jets at equal pT', async (t) => {
  const n = 20000;
  const q = generateWithTruth({ process: 'quark', n, seed: 11 });
  const g = generateWithTruth({ process: 'gluon', n, seed: 12 });
  const mult = (b: JetBatch) => mean(Float64Array.from({ length: b.length }, (_, j) => b.mult(j)));
  const width = (r: typeof q) => mean(Float64Array.from({ length: n }, (_, j) => jetWidth(r.jets, j, r.truth.y[j], r.truth.phi[j])));
  const ratio = mult(g.jets) / mult(q.jets);
  t.ok(ratio >= 1.3 && ratio <= 2, `multiplicity gluon/quark = ${mult(g.jets).toFixed(2)}/${mult(q.jets).toFixed(2)} = ${ratio.toFixed(3)}`);
  const wq = width(q);
  const wg = width(g);
  t.ok(wg > 1.3 * wq, `width gluon ${wg.toFixed(4)} > quark ${wq.toFixed(4)}`);
  const mq = mean(masses(q.jets));
  const mg = mean(masses(g.jets));
  t.ok(mg > 1.3 * mq, `mean mass gluon ${mg.toFixed(1)} > quark ${mq.toFixed(1)} GeV`);
});

t.test('W jets peak near m_W; QCD jet mass falls steeply', async (t) => {
  const n = 10000;
  const mw = masses(generate({ process: 'w', n, seed: 21 }));
  const mq = masses(generate({ process: 'qcd', n, seed: 22 }));
  const modeW = massMode(mw);
  t.ok(modeW >= 70 && modeW < 90, `W mass mode in [${modeW}, ${modeW + 5}) GeV`);
  const fw = fraction(mw, 70, 90);
  const fq = fraction(mq, 70, 90);
  t.ok(fw > 0.5, `W: ${(100 * fw).toFixed(1)}% in [70, 90) GeV`);
  t.ok(fq < 0.25 * fw, `QCD: ${(100 * fq).toFixed(1)}% in [70, 90) GeV`);
  t.ok(massMode(mq) < 50, `QCD mass mode ${massMode(mq)} GeV`);
  const a = fraction(mq, 0, 40);
  const b = fraction(mq, 40, 80);
  const c = fraction(mq, 80, 120);
  const d = fraction(mq, 120, 160);
  t.ok(a > b && b > c && c > d && a > 2.5 * c, `QCD falls: ${[a, b, c, d].map((x) => x.toFixed(3)).join(' > ')} per 40 GeV`);
});

// ---- kinematics and validity ----

const V2_IDS = [0, 22, 211, -211, 321, -321, 130, 310, 2212, -2212, 2112, -2112];

t.test('every particle valid, inside the cone; jet pT as generated (v1 and v2 defaults)', async (t) => {
  const procs = ['quark', 'gluon', 'qcd', 'w'] as const;
  for (const [process, v1] of procs.flatMap((p) => [[p, true], [p, false]] as const)) {
    const n = 2000;
    const { jets: b, truth } = generateWithTruth({ process, n, seed: 31, twoHadronProb: 0.5, hadronize: v1 ? 'none' : 'fragment' });
    const ids = v1 ? [211, -211, 111] : V2_IDS;
    const tag = `${process} ${v1 ? 'v1' : 'v2'}`;
    const R = process === 'quark' || process === 'gluon' ? 0.4 : 1.0;
    const [lo, hi] = process === 'quark' || process === 'gluon' ? [500, 550] : [300, 400];
    let bad = 0;
    let outside = 0;
    let badPid = 0;
    for (let j = 0; j < n; j++) {
      if (!(truth.y[j] >= -1.7 && truth.y[j] <= 1.7 && truth.phi[j] >= 0 && truth.phi[j] < 2 * Math.PI)) bad++;
      if (!(truth.pt[j] >= lo && truth.pt[j] <= hi)) bad++;
      for (let i = b.offsets[j]; i < b.offsets[j + 1]; i++) {
        if (!(b.pt[i] > 0 && Number.isFinite(b.y[i]) && Number.isFinite(b.phi[i]) && Math.abs(b.phi[i]) <= 3 * Math.PI)) bad++;
        if (Math.hypot(b.y[i] - truth.y[j], b.phi[i] - truth.phi[j]) > R + 1e-12) outside++;
        if (!ids.includes(b.pid![i])) badPid++;
        if (i > b.offsets[j] && b.pt[i] > b.pt[i - 1]) bad++; // hardest first
      }
    }
    t.equal(bad, 0, `${tag}: finite, pT > 0, sorted, axis and pT in range`);
    t.equal(outside, 0, `${tag}: no particle beyond R = ${R}`);
    t.equal(badPid, 0, `${tag}: known pids`);
    t.ok(b.labels!.every((l) => l === (process === 'quark' || process === 'w' ? 1 : 0)), `${tag}: labels`);
    // Jet pT after the cone (E-scheme vector sum): out-of-cone losses are small and rare. Exact balance without
    // the cone is checked below (v1) and in generator-v2.test.ts (v2 singlets). v2 W/QCD jets are also trimmed
    // and measured in towers with a 50%/sqrt(E) resolution, so they spread more.
    let inRange = 0;
    const tol = v1 ? 0.02 : 0.05;
    for (let j = 0; j < n; j++) {
      const pt = jetPt(b, j);
      if (pt >= lo * (1 - tol) && pt <= hi * (1 + tol)) inRange++;
    }
    const want = v1 ? 0.97 : 0.9;
    t.ok(inRange / n > want, `${tag}: ${(100 * inRange / n).toFixed(1)}% of jets within ${100 * tol}% of [${lo}, ${hi}] GeV after the cone`);
  }
});

t.test('v1: without the cone the vector pT sum equals the generated pT to 1e-9', async (t) => {
  for (const process of ['quark', 'gluon', 'qcd', 'w'] as const) {
    const n = 2000;
    const { jets: b, truth } = generateWithTruth({ process, n, seed: 41, cone: false, twoHadronProb: 1, ptMin: 150, ptMax: 900, hadronize: 'none' });
    let worst = 0;
    let outOfRange = 0;
    for (let j = 0; j < n; j++) {
      const pt = jetPt(b, j);
      worst = Math.max(worst, Math.abs(pt / truth.pt[j] - 1));
      if (pt < 150 * (1 - 1e-9) || pt > 900 * (1 + 1e-9)) outOfRange++;
      // The jet axis is conserved too: the jet 4-vector has azimuth phi0 and rapidity y0.
      const [e, px, py, pz] = jetFourVector(b, j);
      const dphi = Math.atan2(py, px) - truth.phi[j];
      if (Math.abs(Math.atan2(Math.sin(dphi), Math.cos(dphi))) > 1e-9) outOfRange++;
      if (Math.abs(0.5 * Math.log((e + pz) / (e - pz)) - truth.y[j]) > 1e-9) outOfRange++;
    }
    t.ok(worst < 1e-9, `${process}: worst relative pT error ${worst.toExponential(2)}`);
    t.equal(outOfRange, 0, `${process}: jet pT in range and axis at (y0, phi0)`);
  }
});

t.test('W truth: Breit-Wigner mass, in a window around 80.4 GeV', async (t) => {
  const { truth } = generateWithTruth({ process: 'w', n: 5000, seed: 51 });
  const m = Array.from(truth.mass).sort((a, b) => a - b);
  const median = m[m.length >> 1];
  const iqr = m[Math.floor(0.75 * m.length)] - m[Math.floor(0.25 * m.length)];
  t.ok(Math.abs(median - 80.4) < 0.15, `median ${median.toFixed(2)}`);
  t.ok(Math.abs(iqr - 2.1) < 0.25, `interquartile range ${iqr.toFixed(2)} ~ width 2.1 (Cauchy)`);
  t.ok(m[0] > 80.4 - 21 && m[m.length - 1] < 80.4 + 21);
});

// ---- reproducibility ----

t.test('same seed, same bytes; different seeds differ; jets independent of chunking', async (t) => {
  for (const process of ['quark', 'gluon', 'qcd', 'w'] as const) {
    const opts = { process, n: 300, seed: 7, twoHadronProb: 0.3, smear: true };
    const a = generate(opts);
    const b = generate(opts);
    t.ok(sameBytes(a, b), `${process}: identical bytes`);
    const c = generate({ ...opts, seed: 8 });
    t.notOk(sameBytes(a, c), `${process}: another seed differs`);
    t.ok(Array.from(a.pt.subarray(0, 10)).some((x, i) => x !== c.pt[i]), `${process}: particles differ`);
    // Jet j depends only on (seed, j): the first 100 jets of a 300-jet run are a 100-jet run.
    t.ok(sameBytes(a.slice(0, 100), generate({ ...opts, n: 100 })), `${process}: prefix-stable`);
    const d = await generateAsync(opts);
    t.ok(sameBytes(a, d), `${process}: async (chunked) gives the same bytes`);
  }
  const big = generate({ process: 'w', n: 0, seed: 2 ** 40 + 3 });
  t.equal(big.length, 0, 'n = 0 and a seed above 2^32 are fine');
  t.notOk(sameBytes(generate({ process: 'w', n: 20, seed: 2 ** 40 + 3 }), generate({ process: 'w', n: 20, seed: 3 })), 'high seed bits matter');
});

// ---- mixtures ----

t.test('mixture: n of each, labelled, shuffled, reproducible', async (t) => {
  const n = 2000;
  const m = generateMixture({ signal: 'w', background: 'qcd', n, seed: 3 });
  t.equal(m.length, 2 * n);
  const labels = m.labels!;
  t.equal(labels.reduce((s, x) => s + x, 0), n, 'n signal jets');
  const firstHalf = labels.subarray(0, n).reduce((s, x) => s + x, 0);
  t.ok(firstHalf > 0.45 * n && firstHalf < 0.55 * n, `shuffled (${firstHalf} signal in the first half)`);
  let runs = 1;
  for (let j = 1; j < 2 * n; j++) if (labels[j] !== labels[j - 1]) runs++;
  t.ok(runs > 0.45 * 2 * n, `label runs ${runs} ~ n (random order)`);
  const ms = masses(m);
  const sig = ms.filter((_, j) => labels[j] === 1);
  const bkg = ms.filter((_, j) => labels[j] === 0);
  t.ok(fraction(sig, 70, 90) > 2 * fraction(bkg, 70, 90), 'label 1 = W-like masses');
  t.ok(sameBytes(m, generateMixture({ signal: 'w', background: 'qcd', n, seed: 3 })), 'same seed, same bytes');
  const am = await generateMixtureAsync({ signal: 'w', background: 'qcd', n, seed: 3 });
  t.ok(sameBytes(m, am), 'async mixture identical');
  const qg = generateMixture({ signal: 'gluon', background: 'quark', n: 100, seed: 1 });
  t.equal(qg.labels!.reduce((s, x) => s + x, 0), 100, 'labels follow signal/background, not the process');
});

// ---- options, detector, async control ----

t.test('bad options are JetlensInputErrors naming the field', async (t) => {
  const bad: [object, RegExp][] = [
    [{ process: 'top', n: 1, seed: 1 }, /unknown process 'top'/],
    [{ process: 'w', n: -1, seed: 1 }, /field n/],
    [{ process: 'w', n: 1.5, seed: 1 }, /field n/],
    [{ process: 'w', n: 1, seed: 0.5 }, /field seed/],
    [{ process: 'w', n: 1, seed: 1, ptMin: 400, ptMax: 300 }, /field ptMax/],
    [{ process: 'w', n: 1, seed: 1, R: 0 }, /field R/],
    [{ process: 'qcd', n: 1, seed: 1, quarkFraction: 2 }, /field quarkFraction/],
    [{ process: 'qcd', n: 1, seed: 1, twoHadronProb: -0.1 }, /field twoHadronProb/],
    [{ process: 'qcd', n: 1, seed: 1, smear: { ptResolution: NaN } }, /field smear.ptResolution/],
  ];
  for (const [o, re] of bad) t.throws(() => generate(o as never), re, JSON.stringify(o));
  t.throws(() => generate({ process: 'top', n: 1, seed: 1 } as never), JetlensInputError);
  t.throws(() => generateMixture({ signal: 'w', background: 'x' as never, n: 1, seed: 1 }), /field background/);
});

t.test('quark fraction, two-hadron option, detector smearing', async (t) => {
  const n = 4000;
  const all = generateWithTruth({ process: 'qcd', n, seed: 61, quarkFraction: 1 });
  t.ok(all.truth.initiator.every((x) => x === 1), 'quarkFraction 1: all quark-initiated');
  const half = generateWithTruth({ process: 'qcd', n, seed: 61 });
  const nq = half.truth.initiator.filter((x) => x === 1).length;
  t.ok(Math.abs(nq / n - 0.5) < 0.03, `default 50/50 (${nq}/${n})`);
  const one = generate({ process: 'gluon', n: 2000, seed: 62, hadronize: 'none' });
  const two = generate({ process: 'gluon', n: 2000, seed: 62, twoHadronProb: 1, hadronize: 'none' });
  t.ok(two.size > 1.9 * one.size, `twoHadronProb 1 doubles the hadrons (${one.size} -> ${two.size})`);
  const cell = 0.1;
  const s = generate({ process: 'gluon', n: 1000, seed: 63, smear: { ptResolution: 0.1, ptMin: 2, cell }, hadronize: 'none' });
  let off = 0;
  let dup = 0;
  for (let j = 0; j < s.length; j++) {
    const seen = new Set<string>();
    for (let i = s.offsets[j]; i < s.offsets[j + 1]; i++) {
      if (s.pt[i] < 2) off++;
      const fy = s.y[i] / cell - 0.5;
      if (Math.abs(fy - Math.round(fy)) > 1e-6) off++;
      const key = `${Math.round(fy)},${Math.round(s.phi[i] * 1e6)}`;
      if (seen.has(key)) dup++;
      seen.add(key);
    }
  }
  t.equal(off, 0, 'particles above 2 GeV, at cell centres in y');
  t.equal(dup, 0, 'one particle per cell');
  t.ok(s.size < one.size / 2, 'the threshold and the grid remove/merge particles');
});

t.test('generateAsync reports progress and honours AbortSignal', async (t) => {
  const seen: number[] = [];
  const b = await generateAsync({ process: 'quark', n: 1000, seed: 1 }, { onProgress: (d, total) => seen.push(d / total) });
  t.equal(b.length, 1000);
  t.ok(seen.length >= 3 && seen[seen.length - 1] === 1, `progress calls ${seen.length}`);
  const ac = new AbortController();
  const p = generateAsync({ process: 'w', n: 100000, seed: 1 }, { signal: ac.signal, onProgress: (d) => d >= 512 && ac.abort() });
  await t.rejects(p, { name: 'AbortError' });
});
