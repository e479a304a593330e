// `jetlens guide` on users' data (issue #18, item 7) and the study's premise/modes outputs, small and fast.
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from '../src/cli/study.js';
import { cliState } from '../src/cli/util.js';
import { writeJets, writeNpy } from '../src/io/index.js';
import { generateMixture } from '../src/jets/generator/index.js';
import { observables } from '../src/jss/observables.js';
import { runCli } from './fixtures/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'jetlens-study-guide-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
cliState.quiet = true;
const cli = (...args: string[]) => runCli([register], args);

const jets = generateMixture({ signal: 'w', background: 'qcd', n: 150, seed: 4 });
const jetsFile = join(dir, 'mine.npz');
const small = ['--select', 'd<=2', '--kappa', '1,2', '--beta', '1', '--passes', '1', '--dnn-epochs', '3', '--ensemble', '2'];

t.test('guide --black-box: no image step, "black box" wording, class names from --class-names', async (t) => {
  await writeJets(jetsFile, jets);
  const obs = await observables(jets, { columns: ['mass', 'd2_b1'] });
  const scores = obs.values.mass.map((m, j) => -Math.abs(m - 80) - 20 * obs.values.d2_b1[j]);
  await writeNpy(join(dir, 'bb.npy'), { data: scores, shape: [scores.length] });
  const out = join(dir, 'g1');
  const r = await cli('guide', '--in', jetsFile, '--black-box', join(dir, 'bb.npy'), '--out', out, '--class-names', 'top,light', '--compare-modes', 'truth', ...small);
  t.equal(r.code, 0, r.err);
  t.notOk(existsSync(join(out, 'images.npy')), 'no jet images computed');
  t.notOk(existsSync(join(out, 'cnn-scores.npy')), 'no CNN trained');
  const report = readFileSync(join(out, 'report.json'), 'utf8');
  t.notMatch(report, /CNN/, 'the report never calls the black box a CNN');
  t.match(report, /black box/);
  t.match(report, /top \(signal\)/, 'class names in the histograms');
  t.notMatch(report, /\bW \(signal\)/);
  const premise = JSON.parse(readFileSync(join(out, 'premise.json'), 'utf8'));
  t.same(premise.entries.map((e: { name: string }) => e.name), ['black box', 'DNN(6HL)', 'DNN(mass, pT)']);
  t.ok(premise.entries.every((e: { err: number }) => e.err > 0), 'every AUC has an error');
  t.match(premise.verdict, /black box is (NOT )?better than DNN\(6HL\)/);
  const modes = JSON.parse(readFileSync(join(out, 'modes.json'), 'utf8'));
  t.same(modes.map((m: { mode: string }) => m.mode), ['black-box', 'truth']);
  t.ok(modes.every((m: { seconds: number }) => m.seconds > 0), 'wall time per mode');
  const g = JSON.parse(readFileSync(join(out, 'guided.json'), 'utf8'));
  t.equal(g.passes[0].members.auc.length, 2, '--ensemble 2');
  t.ok(g.passes[0].aucDnnSd >= 0 && Number.isFinite(g.aucBlackBoxErr));
});

t.test('class names from a <jets>.json sidecar; bad options exit non-zero with a message', async (t) => {
  writeFileSync(`${jetsFile}.json`, JSON.stringify({ class_names: ['Z', 'gluon'] }));
  const out = join(dir, 'g2');
  const r = await cli('guide', '--in', jetsFile, '--black-box', join(dir, 'bb.npy'), '--out', out, '--no-premise', ...small);
  t.equal(r.code, 0, r.err);
  t.match(readFileSync(join(out, 'report.json'), 'utf8'), /Z \(signal\)/);
  for (const [args, msg] of [
    [['--mode', 'oracle'], /--mode/],
    [['--compare-modes', 'truth,nope'], /--compare-modes/],
    [['--ensemble-mode', 'jackknife'], /--ensemble-mode/],
    [['--class-names', 'onlyone'], /--class-names/],
  ] as [string[], RegExp][]) {
    const bad = await cli('guide', '--in', jetsFile, '--black-box', join(dir, 'bb.npy'), '--out', join(dir, 'bad'), ...args);
    t.equal(bad.code, 2, `usage error: ${args.join(' ')}`);
    t.match(bad.err, msg);
  }
  const big = await cli('guide', '--in', jetsFile, '--black-box', join(dir, 'bb.npy'), '--out', join(dir, 'g3'), '--no-premise', '--mode', 'brute-force', '--brute-force-max', '3', ...small);
  t.not(big.code, 0, 'brute force refuses a space larger than --brute-force-max');
  t.match(big.err, /brute force retrains a DNN for every candidate/);
});
