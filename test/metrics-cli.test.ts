import t from 'tap';
import { runCli } from './fixtures/cli.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { register as registerAuc } from '../src/cli/auc.js';
import { register as registerAdo } from '../src/cli/ado.js';
import { writeNpy, writeNpz, writeTable } from '../src/io/index.js';
import { ado, adoOnDisagreement, auc, aucBootstrap } from '../src/metrics/index.js';
import { sample } from './fixtures/metrics-samples.js';
import { tempDir } from './fixtures/tmp.js';

/** Runs one command in-process; returns stdout, stderr and the exit code it set. */
async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  return runCli([registerAuc, registerAdo], args);
}

const dir = tempDir('jetlens-metrics-');
const s = sample('cli', 31, 300, 250, 0, true);
const p = (f: string) => join(dir, f);

t.before(async () => {
  await writeNpy(p('f.npy'), { data: Float32Array.from(s.f), shape: [s.f.length] });
  await writeNpy(p('y.npy'), { data: Int32Array.from(s.labels), shape: [s.labels.length] });
  await writeNpy(p('w.npy'), { data: s.weights!, shape: [s.f.length] });
  await writeNpz(p('gh.npz'), { g: { data: s.g, shape: [s.g.length] }, h: { data: s.h, shape: [s.h.length] } });
  await writeTable(p('t.csv'), { g: s.g, label: Float64Array.from(s.labels) });
  await writeNpy(p('bad.npy'), { data: Float64Array.from(s.labels, (v, i) => (i === 3 ? 2 : v)), shape: [s.labels.length] });
  await writeNpy(p('short.npy'), { data: s.f.subarray(1), shape: [s.f.length - 1] });
  await writeNpy(p('nan.npy'), { data: s.f.map((v, i) => (i === 7 ? NaN : v)), shape: [s.f.length] });
});

t.test('jetlens auc --json: the spec keys, values from the library', async (t) => {
  const r = await run(['auc', '--scores', p('f.npy'), '--labels', p('y.npy'), '--weights', p('w.npy'), '--bootstrap', '50', '--seed', '3', '--json']);
  t.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  t.same(Object.keys(j), ['auc', 'direction', 'n_signal', 'n_background', 'std_delong', 'ci_low', 'ci_high', 'std']);
  const f32 = Float64Array.from(Float32Array.from(s.f));
  const a = auc(f32, s.labels, s.weights, { direction: 'auto' });
  const b = aucBootstrap(f32, s.labels, s.weights, { resamples: 50, seed: 3, direction: a.direction });
  t.same(j, { auc: a.auc, direction: a.direction, n_signal: 300, n_background: 250, std_delong: a.stdDelong, ci_low: b.ciLow, ci_high: b.ciHigh, std: b.std });
  const plain = await run(['auc', '--scores', `${p('t.csv')}:g`, '--labels', `${p('t.csv')}:label`]);
  t.equal(plain.code, 0, plain.err);
  t.match(plain.out, /^auc\s+0\.\d+\ndirection\s+1\nn_signal\s+300\nn_background\s+250\nstd_delong\s+0\.\d+\n$/);
});

t.test('jetlens ado --json, with and without --disagree-with', async (t) => {
  const f32 = Float64Array.from(Float32Array.from(s.f));
  const r = await run(['ado', '--f', p('f.npy'), '--g', `${p('gh.npz')}:g`, '--labels', p('y.npy'), '--json']);
  t.equal(r.code, 0, r.err);
  const a = ado(f32, s.g, s.labels);
  t.same(JSON.parse(r.out), { ado: a.ado, ado_raw: a.adoRaw, direction: a.direction, pairs: 300 * 250 });
  const d = await run(['ado', '--f', p('f.npy'), '--g', `${p('gh.npz')}:g`, '--labels', p('y.npy'), '--weights', p('w.npy'), '--disagree-with', `${p('gh.npz')}:h`, '--json']);
  t.equal(d.code, 0, d.err);
  const e = adoOnDisagreement(f32, s.g, s.h, s.labels, s.weights);
  t.same(JSON.parse(d.out), { ado: e.ado, ado_raw: e.adoRaw, direction: e.direction, pairs: e.pairs, disagree_pairs: e.disagreePairs, disagree_fraction: e.disagreeFraction });
  const table = await run(['ado', '--f', p('f.npy'), '--g', `${p('gh.npz')}:g`, '--labels', p('y.npy'), '--disagree-with', `${p('gh.npz')}:h`]);
  const ex = await run(['ado', '--f', p('f.npy'), '--g', `${p('gh.npz')}:g`, '--labels', p('y.npy'), '--disagree-with', `${p('gh.npz')}:h`, '--export-pairs', p('pairs.csv'), '--export-count', '12', '--json']);
  t.equal(ex.code, 0, ex.err);
  const rows = readFileSync(p('pairs.csv'), 'utf8').trim().split('\n');
  t.equal(rows[0], 'signal_index,background_index,f_signal,f_background,g_signal,g_background,h_signal,h_background');
  t.equal(rows.length, 13);
  for (const row of rows.slice(1)) {
    const [i, j] = row.split(',').map(Number);
    t.ok(s.labels[i] === 1 && s.labels[j] === 0 && (s.g[i] - s.g[j]) * (s.h[i] - s.h[j]) < 0, `pair ${i}, ${j} in D`);
  }
  t.match(table.out, /ado\s+0\.\d+\nado_raw\s+0\.\d+\ndirection\s+-?1\npairs\s+75000\ndisagree_pairs\s+\d+\ndisagree_fraction\s+0\.\d+\n/);
});

t.test('bad input: one line on stderr, exit code 1', async (t) => {
  const cases: [string[], RegExp][] = [
    [['auc', '--scores', p('f.npy'), '--labels', p('bad.npy')], /labels: expected 0 \(background\) or 1 \(signal\), got 2 at index 3/],
    [['auc', '--scores', p('nan.npy'), '--labels', p('y.npy')], /scores: NaN at index 7/],
    [['auc', '--scores', p('short.npy'), '--labels', p('y.npy')], /scores: length 549 does not match the labels' length 550/],
    [['auc', '--scores', p('f.npy'), '--labels', p('y.npy'), '--direction', 'up'], /--direction: expected auto/],
    [['ado', '--f', p('f.npy'), '--g', `${p('gh.npz')}:x`, '--labels', p('y.npy')], /no array or column 'x'/],
    [['ado', '--f', p('f.npy'), '--g', p('missing.npy'), '--labels', p('y.npy')], /missing\.npy/],
    [['ado', '--f', p('f.npy'), '--g', `${p('gh.npz')}:g`, '--labels', p('y.npy'), '--disagree-with', p('nan.npy')], /current: NaN at index 7/],
  ];
  for (const [args, re] of cases) {
    const r = await run(args);
    t.equal(r.code, 1, args.join(' '));
    t.match(r.err, re);
    t.equal(r.err.trim().split('\n').length, 1, 'one line');
  }
});
