import t from 'tap';
import { runCli } from './fixtures/cli.js';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from '../src/cli/generate.js';
import { cliState } from '../src/cli/util.js';
import { readJets } from '../src/io/index.js';
import { generate, generateMixture } from '../src/jets/generator/index.js';

const dir = mkdtempSync(join(tmpdir(), 'jetlens-gen-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
cliState.quiet = true;

async function cli(...args: string[]): Promise<number> {
  const r = await runCli([register], ['generate', ...args]);
  process.stderr.write(r.err); // callers read stderr themselves
  return r.code;
}

t.test('generate --process writes the EnergyFlow layout, same jets as the API', async (t) => {
  const out = join(dir, 'w.npz');
  t.equal(await cli('--process', 'w', '--n', '200', '--seed', '4', '--pt-min', '350', '--out', out), 0);
  const back = await readJets(out);
  const api = generate({ process: 'w', n: 200, seed: 4, ptMin: 350 });
  t.same(Array.from(back.offsets), Array.from(api.offsets));
  t.same(Array.from(back.pt), Array.from(api.pt));
  t.same(Array.from(back.pid!), Array.from(api.pid!));
  t.same(Array.from(back.labels!), Array.from(api.labels!), 'labels 1 for W');
});

t.test('generate --signal/--background: N of each, shuffled, labelled', async (t) => {
  const out = join(dir, 'mix.npz');
  t.equal(await cli('--signal', 'quark', '--background', 'gluon', '--n', '150', '--seed', '9', '--out', out), 0);
  const back = await readJets(out);
  const api = generateMixture({ signal: 'quark', background: 'gluon', n: 150, seed: 9 });
  t.equal(back.length, 300);
  t.same(Array.from(back.labels!), Array.from(api.labels!));
  t.same(Array.from(back.y), Array.from(api.y));
});

t.test('bad input: one-line error, exit code 1, no file', async (t) => {
  const errors: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => errors.push(String(s)) > 0) as typeof process.stderr.write;
  try {
    t.equal(await cli('--process', 'w', '--signal', 'w', '--background', 'qcd', '--out', join(dir, 'a.npz')), 1);
    t.equal(await cli('--process', 'w', '--n', '5', '--out', join(dir, 'a.xyz')), 1);
    t.equal(await cli('--process', 'w', '--n', '5', '--pt-min', '400', '--pt-max', '300', '--out', join(dir, 'a.npz')), 1);
  } finally {
    process.stderr.write = write;
  }
  t.match(errors.join(''), /not both/);
  t.match(errors.join(''), /unknown file type/);
  t.match(errors.join(''), /ptMax/);
  t.notOk(existsSync(join(dir, 'a.npz')) || existsSync(join(dir, 'a.xyz')), 'nothing written');
});

t.test('generate: v2 options reach the generator; v1 by --hadronize none', async (t) => {
  const out = join(dir, 'v1.npz');
  t.equal(await cli('--process', 'w', '--n', '100', '--seed', '2', '--hadronize', 'none', '--out', out), 0);
  const v1 = await readJets(out);
  t.same(Array.from(v1.pt), Array.from(generate({ process: 'w', n: 100, seed: 2, hadronize: 'none' }).pt), 'v1 jets');
  const pl = join(dir, 'pl.npz');
  const args = ['--process', 'qcd', '--n', '100', '--seed', '2', '--particle-level', '--ue', '5,0.4', '--kt-cut', '0.8', '--fragmentation', 'a=0.5,pStop=2'];
  t.equal(await cli(...args, '--out', pl), 0);
  const api = generate({
    process: 'qcd', n: 100, seed: 2, towers: 0, trim: false, underlyingEvent: { density: 5, ptMean: 0.4 }, ktCut: 0.8, fragmentation: { a: 0.5, pStop: 2 },
  });
  t.same(Array.from((await readJets(pl)).pt), Array.from(api.pt), 'particle level, UE, k_t cut, fragmentation');
  const tr = join(dir, 'tr.npz');
  t.equal(await cli('--process', 'w', '--n', '50', '--trim', '0.3,0.1', '--calorimeter', '0,0', '--towers', '0.05', '--tower-position', 'centre', '--out', tr), 0);
  const apiTr = generate({ process: 'w', n: 50, seed: 1, trim: { rSub: 0.3, fCut: 0.1 }, calorimeter: { stochastic: 0, constant: 0 }, towers: 0.05, towerPosition: 'centre' });
  t.same(Array.from((await readJets(tr)).pt), Array.from(apiTr.pt), 'trim, calorimeter, towers');
  t.equal(await cli('--process', 'w', '--n', '5', '--fragmentation', 'z=1', '--out', join(dir, 'bad.npz')), 1, 'unknown fragmentation key');
  t.equal(await cli('--process', 'w', '--n', '5', '--particle-level', '--towers', '0.1', '--out', join(dir, 'bad.npz')), 1, 'conflicting level options');
});

t.test('generate --validate prints the target table', async (t) => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => lines.push(String(s));
  try {
    t.equal(await cli('--validate', '--n', '300', '--seed', '5'), 0);
  } finally {
    console.log = log;
  }
  const text = lines.join('\n');
  t.match(text, /q\/g multiplicity AUC/);
  t.match(text, /AUC tau21_b1 \(binned LR\)\s+0\.662/);
  const json = JSON.parse(lines[lines.length - 1]);
  t.equal(json.n, 300);
  t.ok(json.wQcd.aucs.mass > 0.8, `mass AUC ${json.wQcd.aucs.mass}`);
});

t.test('info summary: multiplicity, mass and pT per class', async (t) => {
  const { summarize } = await import('../src/jets/summary.js');
  const b = generateMixture({ signal: 'w', background: 'qcd', n: 400, seed: 4 });
  const s = summarize(b);
  t.same(s.classes.map((c) => [c.label, c.jets]), [[1, 400], [0, 400]]);
  const [w, q] = s.classes;
  t.ok(w.mass.median > 65 && w.mass.median < 90, `W mass median ${w.mass.median.toFixed(1)}`);
  t.ok(q.mass.median < w.mass.median, `QCD mass median ${q.mass.median.toFixed(1)}`);
  t.ok(w.pt.mean > 280 && w.pt.mean < 400 && w.multiplicity.mean > 5, 'pT and multiplicity');
  const one = summarize(generate({ process: 'quark', n: 50, seed: 1 }));
  t.equal(one.classes.length, 1, 'one class present');
  t.equal(one.classes[0].massSource, 'PDG ids', 'hadron masses from the PDG ids');
  const v1 = summarize(generate({ process: 'w', n: 200, seed: 1, hadronize: 'none' }));
  t.equal(v1.classes[0].massSource, 'PDG ids', 'v1 pions too');
});
