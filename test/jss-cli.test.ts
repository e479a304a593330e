// `jetlens observables` and `jetlens images`, run in-process through commander on a small EnergyFlow-style file.
import t from 'tap';
import { runCli } from './fixtures/cli.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { register as registerImages } from '../src/cli/images.js';
import { register as registerObs } from '../src/cli/observables.js';
import { cliState } from '../src/cli/util.js';
import { readArray, readJets, readTable } from '../src/io/index.js';
import { jetImages } from '../src/jss/images.js';
import { observablesReference } from '../src/jss/observables.js';
import { tempDir } from './fixtures/tmp.js';

const input = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'fixtures', 'qg_small.npz');
const dir = tempDir('jetlens-jss-');
cliState.quiet = true;

/** Runs one command; returns what it wrote to stderr and the exit code it set. */
async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  const r = await runCli([registerObs, registerImages], args);
  return { code: r.code, stderr: r.err };
}

t.test('observables: default columns to CSV and NPZ, values equal the library', async (t) => {
  const jets = await readJets(input);
  const ref = observablesReference(jets);
  const csv = join(dir, 'obs.csv');
  t.equal((await run(['observables', '--in', input, '--out', csv])).code, 0);
  const header = readFileSync(csv, 'utf8').split('\n')[0];
  t.equal(header, 'pt,mass,mult,width,e2_b1,e2_b2,e3_b1,e3_b2,c2_b1,c2_b2,d2_b1,d2_b2,tau1_b1,tau2_b1,tau3_b1,tau21_b1,tau32_b1,y', 'labels carried as y');
  const table = await readTable(csv);
  for (const c of ref.columns) {
    const a = table[c];
    t.equal(a.length, jets.length);
    t.ok(a.every((v, j) => Math.abs(v - ref.values[c][j]) <= 1e-12 * Math.abs(ref.values[c][j])), `${c} round-trips at full precision`);
  }
  const npz = join(dir, 'obs.npz');
  t.equal((await run(['observables', '--in', input, '--out', npz, '--beta', '0.5', '--tau-beta', '2', '--axes', 'wta', '--threads', '1'])).code, 0);
  const t2 = await readTable(npz);
  t.same(Object.keys(t2).sort(), ['c2_b0.5', 'd2_b0.5', 'e2_b0.5', 'e3_b0.5', 'mass', 'mult', 'pt', 'tau1_b2', 'tau21_b2', 'tau2_b2', 'tau32_b2', 'tau3_b2', 'width', 'y'].sort());
  t.same(Array.from(t2.y), Array.from(jets.labels!), 'labels as y');
  const sel = join(dir, 'sel.csv');
  t.equal((await run(['observables', '--in', input, '--out', sel, '--columns', 'mass,tau4_b1,rap'])).code, 0);
  t.equal(readFileSync(sel, 'utf8').split('\n')[0], 'mass,tau4_b1,rap,y');
});

t.test('observables: bad input is one line and exit 1, usage errors exit 2', async (t) => {
  for (const [args, re, code] of [
    [['--out', join(dir, 'x.txt')], /cannot write '\.txt' here; this command writes \.csv, \.npz, \.h5/, 2],
    [['--out', join(dir, 'x.csv'), '--columns', 'foo'], /unknown column 'foo'/, 1],
    [['--out', join(dir, 'x.csv'), '--beta', '1,x'], /--beta: 'x' is not a number/, 2],
    [['--out', join(dir, 'x.csv'), '--axes', 'anti-kt'], /--axes <kind>' argument 'anti-kt' is invalid. Allowed choices are kt, wta, onepass/, 2],
  ] as [string[], RegExp, number][]) {
    const r = await run(['observables', '--in', input, ...args]).catch((e: Error) => ({ code: 1, stderr: e.message }));
    t.equal(r.code, code, args.join(' '));
    t.match(r.stderr, re);
  }
  const missing = await run(['observables', '--in', join(dir, 'none.npz'), '--out', join(dir, 'x.csv')]);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /no such file/);
});

t.test('images: writes (N, npix, npix) float32 equal to the library', async (t) => {
  const jets = await readJets(input);
  const out = join(dir, 'img.npy');
  t.equal((await run(['images', '--in', input, '--out', out, '--npix', '21', '--width', '0.8', '--rotate', 'principal', '--flip'])).code, 0);
  const a = await readArray(out);
  t.same(a.shape, [jets.length, 21, 21]);
  t.ok(a.data instanceof Float32Array);
  const lib = await jetImages(jets, { npix: 21, width: 0.8, rotate: 'principal', flip: true });
  t.same(Array.from(a.data as ArrayLike<number>), Array.from(lib.data as ArrayLike<number>));
  const raw = join(dir, 'raw.npy');
  t.equal((await run(['images', '--in', input, '--out', raw, '--no-norm'])).code, 0);
  const r = await readArray(raw);
  t.ok(Math.max(...Array.from(r.data.subarray(0, 33 * 33) as ArrayLike<number>)) > 1, 'pT intensities without --norm');
  const full = join(dir, 'img-full.npy');
  t.equal((await run(['images', '--in', input, '--out', full, '--npix', '21', '--img-width', '1.6', '--rotate', 'principal', '--flip'])).code, 0);
  t.same(Array.from((await readArray(full)).data as ArrayLike<number>), Array.from(lib.data as ArrayLike<number>), "--img-width is the full width (EnergyFlow's img_width) = 2 x --width");
  const both = await run(['images', '--in', input, '--out', full, '--img-width', '1.6', '--width', '0.8']);
  t.equal(both.code, 2);
  t.match(both.stderr, /cannot be used with/);
  const bad = await run(['images', '--in', input, '--out', join(dir, 'x.csv')]);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /cannot write '\.csv' here; this command writes \.npy, \.npz, \.h5/);
  const bad2 = await run(['images', '--in', input, '--out', raw, '--center', 'middle']);
  t.equal(bad2.code, 2);
  t.match(bad2.stderr, /Allowed choices are centroid, leading, none/);
});
