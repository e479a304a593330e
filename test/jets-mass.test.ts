// Massive constituents end to end: FastJet's own example event gives FastJet's jet masses, masses from PDG ids, the
// mass column through the readers and writers, every backend == reference with masses, massless stays the default.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { register as registerObservables } from '../src/cli/observables.js';
import { cliState } from '../src/cli/util.js';
import { JetlensInputError } from '../src/errors.js';
import { readArray, readJets, readTable, writeJets } from '../src/io/index.js';
import { JetBatch } from '../src/jets/batch.js';
import { massesFromPids, pdgMass, withMasses, withPdgMasses } from '../src/jets/pdg.js';
import { recluster } from '../src/jss/cluster.js';
import { massiveMass2 } from '../src/jss/massive.js';
import { jetImages } from '../src/jss/images.js';
import { observables, observablesReference } from '../src/jss/observables.js';
import { Rng } from '../src/util/rng.js';
import { runCli } from './fixtures/cli.js';
import { expectClose, forEachBackend, tolerance, worstDifference } from './fixtures/backends.js';
import { randomJets } from './fixtures/jss-jets.js';
import { tempDir } from './fixtures/tmp.js';

const here = import.meta.dirname ?? new URL('.', import.meta.url).pathname;
const dir = tempDir('jetlens-mass-');

/** FastJet's single-event.dat as (pt, y, phi, m): proper rapidity, m^2 = E^2 - |p|^2 (clamped at 0). */
function fastjetEvent() {
  const rows = readFileSync(join(here, 'fixtures', 'fastjet-single-event.dat'), 'utf8').split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#')).map((l) => l.trim().split(/\s+/).map(Number));
  const ev = { pt: [] as number[], y: [] as number[], phi: [] as number[], m: [] as number[] };
  for (const [px, py, pz, E] of rows) {
    ev.pt.push(Math.hypot(px, py));
    ev.y.push(0.5 * Math.log((E + pz) / (E - pz)));
    ev.phi.push(Math.atan2(py, px));
    ev.m.push(Math.sqrt(Math.max(E * E - px * px - py * py - pz * pz, 0)));
  }
  return ev;
}

/** The anti-kT R = 1.0 jets with pT > 200 GeV, hardest first, as a JetBatch of their constituents (with masses). */
function hardJets(): JetBatch {
  const ev = fastjetEvent();
  const tree = recluster(ev.pt, ev.y, ev.phi, ev.m, 'antikt', 1.0);
  const jets = tree.finals.filter((f) => tree.pt[f] > 200).sort((a, b) => tree.pt[b] - tree.pt[a]);
  const nested = jets.map((f) => {
    const out: number[][] = [];
    const stack = [f];
    while (stack.length) {
      const o = stack.pop()!;
      if (o < tree.n) out.push([ev.pt[o], ev.y[o], ev.phi[o], 0, ev.m[o]]);
      else stack.push(tree.left[o - tree.n], tree.right[o - tree.n]);
    }
    return out;
  });
  return JetBatch.fromNested(nested);
}

t.test("FastJet's example event: anti-kT R = 1.0 jet masses 39.9912 and 87.7124 GeV with masses", async (t) => {
  t.equal(fastjetEvent().pt.length, 354, 'all 354 particles read');
  const jets = hardJets();
  t.equal(jets.length, 2, 'two jets with pT > 200 GeV');
  const printed = tolerance(0, 5e-5); // FastJet prints 4 decimals
  await forEachBackend(t, 'observables', async (t, backend) => {
    const v = (await observables(jets, { columns: ['pt', 'mass'], backend })).values;
    expectClose(t, v.pt, [983.3873, 908.0979], printed, `${backend}: pT`);
    expectClose(t, v.mass, [39.9912, 87.7124], printed, `${backend}: jet masses (FastJet 39.9912, 87.7124)`);
    // The same constituents taken massless: today's numbers.
    const m0 = (await observables(withMasses(jets, undefined), { columns: ['mass'], backend })).values.mass;
    expectClose(t, m0, [35.7917, 79.4302], printed, `${backend}: massless`);
  });
});

t.test('massive jet mass: one particle gives its mass; pairs agree with E^2 - |p|^2', async (t) => {
  t.ok(Math.abs(Math.sqrt(massiveMass2([50], [0.3], [1], [0.938272])) - 0.938272) < 1e-15);
  const rng = new Rng(4);
  for (let k = 0; k < 50; k++) {
    const n = 2 + rng.int(10);
    const pt = Array.from({ length: n }, () => rng.range(0.5, 50));
    const y = Array.from({ length: n }, () => rng.range(-1, 1));
    const phi = Array.from({ length: n }, () => rng.range(-1, 1));
    const m = Array.from({ length: n }, () => (rng.int(2) ? 0 : rng.range(0, 5)));
    let [E, px, py, pz] = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const mt = Math.sqrt(pt[i] ** 2 + m[i] ** 2);
      E += mt * Math.cosh(y[i]);
      px += pt[i] * Math.cos(phi[i]);
      py += pt[i] * Math.sin(phi[i]);
      pz += mt * Math.sinh(y[i]);
    }
    const direct = E * E - px * px - py * py - pz * pz;
    t.ok(Math.abs(massiveMass2(pt, y, phi, m) - direct) <= 1e-9 * direct, `jet ${k}`);
  }
});

t.test('massless stays the default; a zero mass column changes nothing', async (t) => {
  const b = randomJets(3, 40, 30);
  const cols = ['pt', 'mass', 'rap', 'phi', 'width', 'tau1_b1', 'tau2_b1', 'c2_b1'];
  const a = observablesReference(b, { columns: cols }).values;
  const z = observablesReference(withMasses(b, new Float64Array(b.size)), { columns: cols }).values;
  for (const c of cols) expectClose(t, a[c], z[c], tolerance(1e-13, 1e-16), c);
});

t.test('every backend == reference with masses (kinematics and kT axes)', async (t) => {
  const b = randomJets(8, 80, 40);
  const rng = new Rng(2);
  const massive = withMasses(b, Float64Array.from({ length: b.size }, () => rng.range(0, 2)));
  const cols = ['pt', 'mass', 'rap', 'phi', 'width', 'tau1_b1', 'tau2_b1', 'tau3_b2', 'tau21_b1', 'd2_b1'];
  const ref = observablesReference(massive, { columns: cols }).values;
  await forEachBackend(t, 'observables', async (t, backend) => {
    const got = (await observables(massive, { columns: cols, backend, threads: 2 })).values;
    for (const c of cols) expectClose(t, got[c], ref[c], tolerance(1e-12, 1e-15), c);
  });
  const massless = observablesReference(b, { columns: ['mass', 'tau2_b1'] }).values;
  t.ok(worstDifference(massless.mass, ref.mass, tolerance(1e-3, 1e-300)).ratio > 1, 'masses change the jet mass');
});

t.test('masses from PDG ids (pids2ms) and the mass column through the readers and writers', async (t) => {
  t.equal(pdgMass(211), 0.13957039);
  t.equal(pdgMass(-2212), 0.93827208816);
  t.equal(pdgMass(22), 0);
  t.equal(pdgMass(999), undefined);
  const qg = await readJets(join(here, 'fixtures', 'qg_small.npz'));
  const m = massesFromPids(qg);
  for (let i = 0; i < qg.size; i++) t.equal(m[i], pdgMass(qg.pid![i]));
  const bad = JetBatch.fromNested([[[10, 0, 0, 22]], [[10, 0, 0, 211], [5, 0.1, 0, 99999]]]);
  try {
    massesFromPids(bad, 'x.npz');
    t.fail('unknown id must throw');
  } catch (e) {
    t.ok(e instanceof JetlensInputError);
    t.match((e as Error).message, /jet 1.*particle 1.*99999|99999/);
  }
  // npz: masses as a 5th column after pid (X[..., :4] stays the EnergyFlow layout); without masses 4 columns.
  const pdg = withPdgMasses(qg);
  await writeJets(join(dir, 'pdg.npz'), pdg);
  t.equal((await readArray(join(dir, 'pdg.npz') + ':X')).shape[2], 5);
  t.same([...(await readJets(join(dir, 'pdg.npz'))).mass!], [...m]);
  await writeJets(join(dir, 'plain.npz'), qg);
  t.equal((await readArray(join(dir, 'plain.npz') + ':X')).shape[2], 4);
  const own = withMasses(qg, Float64Array.from(m, (v) => v + 0.5));
  for (const f of ['own.npz', 'own.csv', 'own.jsonl', 'own.npy']) {
    await writeJets(join(dir, f), own);
    const back = await readJets(join(dir, f));
    t.same([...back.mass!], [...own.mass!], `${f}: masses round-trip`);
  }
  t.throws(() => JetBatch.fromNested([[[10, 0, 0, 0, -1]]]), /mass must be finite and >= 0/);
});

t.test('images with masses: the kT subjets (center leading, rotate subjet) use them; every backend == reference', async (t) => {
  const b = randomJets(12, 60, 30);
  const rng = new Rng(6);
  const massive = withMasses(b, Float64Array.from({ length: b.size }, () => rng.range(0, 20)));
  const o = { center: 'leading', rotate: 'subjet', npix: 25, width: 1 } as const;
  const ref = await jetImages(massive, { ...o, backend: 'reference' });
  const ref0 = await jetImages(b, { ...o, backend: 'reference' });
  let differ = 0;
  for (let k = 0; k < ref.data.length; k++) if (ref.data[k] !== ref0.data[k]) differ++;
  t.ok(differ > 0, `heavy constituents move the kT subjets (${differ} pixels differ)`);
  // float32 pixels: abs 1e-5
  await forEachBackend(t, 'images', async (t, backend) => {
    const got = await jetImages(massive, { ...o, backend, threads: 2 });
    expectClose(t, got.data, ref.data, tolerance(0, 1e-5), 'pixels');
    t.equal(got.dropped, ref.dropped);
  });
});

t.test('CLI: the FastJet jets written with masses give FastJet masses from `jetlens observables`; --masses none|pid', async (t) => {
  cliState.quiet = true;
  const file = join(dir, 'fastjet-jets.npz');
  await writeJets(file, hardJets());
  const run = async (extra: string[]) => {
    const out = join(dir, `obs-${extra.join('') || 'auto'}.csv`);
    const r = await runCli([registerObservables], ['observables', '--in', file, '--out', out, '--columns', 'pt,mass', ...extra]);
    t.equal(r.code, 0, r.err);
    return readTable(out);
  };
  const auto = await run([]);
  t.ok(Math.abs(auto.mass[0] - 39.9912) < 5e-5 && Math.abs(auto.mass[1] - 87.7124) < 5e-5, `masses ${auto.mass[0]}, ${auto.mass[1]}`);
  const none = await run(['--masses', 'none']);
  t.ok(Math.abs(none.mass[0] - 35.7917) < 5e-5 && Math.abs(none.mass[1] - 79.4302) < 5e-5, `massless ${none.mass[0]}, ${none.mass[1]}`);
  const qg = join(here, 'fixtures', 'qg_small.npz');
  const out = join(dir, 'qg-pid.csv');
  t.equal((await runCli([registerObservables], ['observables', '--in', qg, '--out', out, '--columns', 'mass', '--masses', 'pid'])).code, 0);
  const lib = observablesReference(withPdgMasses(await readJets(qg)), { columns: ['mass'] }).values.mass;
  expectClose(t, (await readTable(out)).mass, lib, tolerance(1e-12, 1e-15), '--masses pid equals the library with withPdgMasses');
  const bad = await runCli([registerObservables], ['observables', '--in', qg, '--out', out, '--masses', 'guess']);
  t.not(bad.code, 0);
  t.match(bad.err, /--masses/);
});
