// `jetlens groom`, run in-process through commander on the small EnergyFlow-style file and on massive JSONL jets.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from '../src/cli/groom.js';
import { cliState } from '../src/cli/util.js';
import { readArray, readJets, readTable } from '../src/io/index.js';
import { groomReference, softDropReference, trimReference } from '../src/jss/groom.js';
import { withPdgMasses } from '../src/jets/pdg.js';
import { runCli } from './fixtures/cli.js';
import { tempDir } from './fixtures/tmp.js';

const input = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'fixtures', 'qg_small.npz');
const dir = tempDir('jetlens-groom-');
cliState.quiet = true;
const run = (args: string[]) => runCli([register], args);

t.test('--trim: same jets as the library, labels and pid kept', async (t) => {
  const jets = await readJets(input);
  const out = join(dir, 'trim.npz');
  const r = await run(['groom', '--in', input, '--out', out, '--trim', '0.2,0.05']);
  t.equal(r.code, 0, r.err);
  const got = await readJets(out);
  const ref = trimReference(jets, { rSub: 0.2, fCut: 0.05 });
  t.same([...got.offsets], [...ref.offsets]);
  t.same([...got.pt], [...ref.pt]);
  t.same([...got.pid!], [...ref.pid!]);
  t.same([...got.labels!], [...jets.labels!]);
  t.ok(got.size < jets.size, `something was trimmed (${jets.size - got.size} constituents)`);
});

t.test('--soft-drop with --info, --masses pid, --algorithm kt', async (t) => {
  const jets = withPdgMasses(await readJets(input));
  const out = join(dir, 'sd.npz');
  const infoFile = join(dir, 'sd.csv');
  const r = await run(['groom', '--in', input, '--out', out, '--soft-drop', '0.1,1', '--r0', '0.4', '--masses', 'pid', '--info', infoFile, '--threads', '1']);
  t.equal(r.code, 0, r.err);
  const ref = groomReference(jets, { method: 'softdrop', zCut: 0.1, beta: 1, R0: 0.4 });
  const table = await readTable(infoFile);
  t.same(Object.keys(table).sort(), ['mult_after', 'mult_before', 'rg', 'zg']);
  for (let j = 0; j < jets.length; j++) {
    t.equal(table.mult_after[j], ref.jets.mult(j));
    t.ok(Math.abs(table.zg[j] - ref.info[2 * j]) <= 1e-12 * ref.info[2 * j] + 1e-300, `zg jet ${j}`);
  }
  const X = await readArray(`${out}:X`);
  t.equal(X.shape[2], 5, 'masses from the PDG ids are written as a 5th column (pt, y, phi, pid, mass)');
  const kt = join(dir, 'sd-kt.npz');
  t.equal((await run(['groom', '--in', input, '--out', kt, '--soft-drop', '0.1,0', '--algorithm', 'kt'])).code, 0);
  const refKt = softDropReference(await readJets(input), { zCut: 0.1, beta: 0, algorithm: 'kt' });
  t.same([...(await readJets(kt)).pt], [...refKt.pt]);
});

t.test('a mass column travels: JSONL [pt, y, phi, pid, mass] in, npz with 5 columns out', async (t) => {
  const file = join(dir, 'massive.jsonl');
  writeFileSync(file, `${JSON.stringify([[100, 0, 0, 0, 5], [90, 0.3, 0, 0, 2], [3, -0.7, 0.4, 0, 1]])}\n${JSON.stringify([])}\n`);
  const out = join(dir, 'massive.npz');
  const r = await run(['groom', '--in', file, '--out', out, '--soft-drop', '0.1,1']);
  t.equal(r.code, 0, r.err);
  const got = await readJets(out);
  t.same(got.jet(0), [[100, 0, 0, 0, 5], [90, 0.3, 0, 0, 2]]);
  t.equal(got.mult(1), 0);
  t.equal((await readArray(out)).shape[2], 5);
});

t.test('usage errors: one line, non-zero exit', async (t) => {
  const out = join(dir, 'x.npz');
  const cases: [string[], RegExp][] = [
    [['--trim', '0.2,0.05', '--soft-drop', '0.1,0'], /exactly one/],
    [[], /exactly one/],
    [['--trim', '0.2'], /two comma-separated/],
    [['--trim', '0.2,x'], /not a number/],
    [['--trim', '-1,0.05'], /rSub/],
    [['--soft-drop', '0.1,0', '--algorithm', 'antikt'], /kt or ca/],
    [['--soft-drop', '0.1,0', '--masses', 'guess'], /--masses/],
    [['--soft-drop', '0.1,0', '--info', join(dir, 'i.txt')], /--info/],
  ];
  for (const [extra, re] of cases) {
    const r = await run(['groom', '--in', input, '--out', out, ...extra]);
    t.not(r.code, 0, extra.join(' '));
    t.match(r.err, re, extra.join(' '));
  }
  const r = await run(['groom', '--in', join(dir, 'missing.npz'), '--out', out, '--trim', '0.2,0.05']);
  t.not(r.code, 0);
  t.match(r.err, /no such file/);
});
