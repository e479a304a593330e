import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateMixture } from '../src/jets/generator/index.js';
import { observables } from '../src/jss/observables.js';
import { adoOnDisagreement } from '../src/metrics/index.js';
import { readArray } from '../src/io/index.js';
import { efpCandidates } from '../src/studies/candidates.js';
import { guide } from '../src/studies/guided.js';
import { splitRows, writeGuideTables } from '../src/studies/study.js';
import { tempDir } from './fixtures/tmp.js';

// A tiny guided iteration end to end (closure tests with planted EFPs: guided-closure.test.ts): 1500 jets per class, d<=3 candidates, a few DNN epochs.
const jets = generateMixture({ signal: 'w', background: 'qcd', n: 1500, seed: 11 });
const labels = jets.labels!;
const N = jets.length;
const split = splitRows(N, 0.4, 11);
const space = { select: 'd<=3', kappas: [0, 1, 2], betas: [0.5, 1] };
const dnn = { epochs: 6, hidden: [32, 32] };

t.test('black-box guided: the chosen EFP maximises the subset ADO (checked with the reference kernel); outputs parse; resumable', async (t) => {
  const obs = await observables(jets, { columns: ['mass', 'pt', 'tau21_b1'] });
  const cands = await efpCandidates(jets, space);
  // A black box that uses more than mass and pT: a fixed non-linear combination of substructure.
  const blackBox = obs.values.mass.map((m, j) => -Math.abs(m - 80) / 10 - 3 * obs.values.tau21_b1[j]);
  const dir = tempDir('jetlens-guided-');
  const opts = { outDir: dir, labels, hl: { mass: obs.values.mass, pt: obs.values.pt }, blackBox, candidates: cands, split, seed: 2, dnn };
  const r = await guide({ ...opts, passes: 1, stop: false });
  const c = r.passes[1].chosen!;
  t.equal(r.passes[0].members.auc.length, 3, 'three ensemble members by default');
  // Recompute every candidate's ADO on D(mean mimic DNN(HL_0), G) with the plain pair-loop reference kernel.
  const test = split.test;
  const take = (v: ArrayLike<number>) => Float64Array.from(test, (i) => v[i]);
  const all = (await readArray(join(dir, 'pass-0-mimic-members.npy'))).data as Float64Array;
  const ms = [0, 1, 2].map((e) => all.slice(e * test.length, (e + 1) * test.length));
  const hs = [ms[0].map((_, r) => (ms[0][r] + ms[1][r] + ms[2][r]) / 3)];
  const g = take(blackBox);
  const y = take(labels);
  let best = -1;
  let bestK = -1;
  for (let k = 0; k < cands.info.length; k++) {
    const col = take(cands.values.subarray(k * N, (k + 1) * N));
    const a = hs.map((h) => adoOnDisagreement(col, g, h, y, null, { backend: 'reference' }).ado)[0];
    if (a > best) [best, bestK] = [a, k];
    if (k === c.index) t.ok(Math.abs(a - c.adoSubset) <= 1e-12, 'reported subset ADO equals the reference');
  }
  t.ok(Math.abs(best - c.adoSubset) <= 1e-12, `chosen ${c.name} has the largest mean subset ADO (${best.toFixed(4)}, reference pick ${cands.info[bestK].name})`);
  t.ok(c.wins >= 0 && c.wins <= 3, 'wins counted over the members');
  t.equal(r.passes[1].top![0].index, c.index, 'the top list starts with the pick');
  // Resume: a second call with more passes continues after pass 1 (pass 0 and 1 are not recomputed).
  const r2 = await guide({ ...opts, passes: 2, stop: false });
  t.equal(r2.passes.length, 3);
  t.same(r2.passes[1], JSON.parse(JSON.stringify(r.passes[1])), 'finished passes are kept as they were (as stored)');
  await writeGuideTables(dir, r2);
  const csv = readFileSync(join(dir, 'guided.csv'), 'utf8').trim().split('\n');
  t.equal(csv.length, 4, 'header + 3 rows');
  const cells = (line: string) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.filter((x) => x !== '').length;
  t.equal(cells(csv[2]), cells(csv[0]), 'CSV rows have the header width (quoted cells)');
  t.match(csv[2], /^1,"efp\[/);
  t.equal(JSON.parse(readFileSync(join(dir, 'guided.json'), 'utf8')).passes.length, 3);
  for (const f of ['state.json', 'pass-1-efp.npy', 'pass-2-dnn-scores.npy', 'pass-2-dnn/model.json']) t.ok(existsSync(join(dir, f)), f);
  await t.rejects(guide({ ...opts, mode: 'truth', passes: 1 }), /mode black-box/, 'a run directory is not mixed between modes');
});
