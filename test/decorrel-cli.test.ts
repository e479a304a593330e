// `uncertainty tradeoff` end to end (in process): a nuisance from two tables (--varied), both methods, seeds;
// a mass column; the errors.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runCli } from './fixtures/cli.js';
import { register } from '../src/cli/uncertainty.js';
import { cliState } from '../src/cli/util.js';
import { writeTable } from '../src/io/index.js';
import { Rng } from '../src/util/rng.js';

const dir = mkdtempSync(join(tmpdir(), 'jetlens-tradeoff-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
cliState.quiet = true;

async function cli(...args: string[]): Promise<{ rc: number; out: string }> {
  const r = await runCli([register], args);
  return { rc: r.code, out: r.out + r.err };
}

/** Feature x separates the classes; at the varied setting it is shifted by `shift`. */
function table(seed: number, shift: number) {
  const rng = new Rng(seed);
  const y = Float64Array.from({ length: 300 }, (_, i) => i % 2);
  const x = Float64Array.from(y, (v) => rng.normal() + 1.5 * v + shift);
  const mass = Float64Array.from(y, (v) => (v ? 0.5 + 0.1 * rng.normal() : rng.uniform()));
  return { x, mass, y };
}

t.test('uncertainty tradeoff', async (t) => {
  const a = join(dir, 'a.csv'), b = join(dir, 'b.csv');
  await writeTable(a, table(1, 0));
  await writeTable(b, table(2, 0.8));
  const common = ['--strength', '0,10', '--pretrain-epochs', '2', '--epochs', '2', '--hidden', '8', '--batch-size', '100', '--lr', '0.01'];
  const out = join(dir, 'nuis');
  const r = await cli('uncertainty', 'tradeoff', '--in', a, '--varied', b, '--out', out, '--methods', 'disco,adversary', '--seeds', '0,1', '--features', 'x', ...common);
  t.equal(r.rc, 0, r.out);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  t.equal(s.against, 'setting');
  t.equal(s.penaltyOn, 'each-class');
  t.equal(s.nEval, 180, '30% of 600 rows');
  t.same(s.summary.map((x: { method: string; lambda: number; seeds: number }) => [x.method, x.lambda, x.seeds]), [['none', 0, 2], ['disco', 10, 2], ['adversary', 10, 2]]);
  t.equal(s.rows.length, 6);
  t.ok(s.summary.every((x: { auc: number; auc_err: number; nuisanceAuc: number }) => x.auc > 0.4 && x.auc_err >= 0 && x.nuisanceAuc >= 0.5), 'AUC, spread over seeds, nuisance AUC');
  t.same(s.edges, [0, 0.5, 1], 'a 0/1 nuisance: two bins');
  t.ok(existsSync(join(out, 'index.html')) && existsSync(join(out, 'report.json')), 'figures');

  const m = await cli('uncertainty', 'tradeoff', '--in', a, '--out', join(dir, 'mass'), '--features', 'x', '--seeds', '0', '--no-report', ...common);
  t.equal(m.rc, 0, m.out);
  const sm = JSON.parse(readFileSync(join(dir, 'mass', 'summary.json'), 'utf8'));
  t.equal(sm.against, 'mass');
  t.equal(sm.penaltyOn, 'background');
  t.equal(sm.summary[0].nuisanceAuc, null);
  t.notOk(existsSync(join(dir, 'mass', 'index.html')));

  const bad = await cli('uncertainty', 'tradeoff', '--in', a, '--varied', b, '--against', 'mass', '--out', join(dir, 'x'));
  t.equal(bad.rc, 1);
  t.match(bad.out, /drop --against/);
  const bad2 = await cli('uncertainty', 'tradeoff', '--in', a, '--methods', 'disco,pivot', '--out', join(dir, 'y'));
  t.not(bad2.rc, 0);
  t.match(bad2.out, /--methods: expected disco and\/or adversary/);
});
