import t from 'tap';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMixture } from '../src/jets/generator/index.js';
import { observables } from '../src/jss/observables.js';
import { adoOnDisagreement } from '../src/metrics/index.js';
import { readArray } from '../src/io/index.js';
import { efpCandidates } from '../src/studies/candidates.js';
import { guide, logFeature } from '../src/studies/guided.js';
import { splitRows, writeGuideTables } from '../src/studies/study.js';
import { Rng } from '../src/util/rng.js';

// A tiny guided iteration end to end: 1500 jets per class, d<=3 candidates, a few DNN epochs.
const jets = generateMixture({ signal: 'w', background: 'qcd', n: 1500, seed: 11 });
const labels = jets.labels!;
const N = jets.length;
const split = splitRows(N, 0.4, 11);
const space = { select: 'd<=3', kappas: [0, 1, 2], betas: [0.5, 1] };
const dnn = { epochs: 6, hidden: [32, 32] };

t.test('planted black box: guided iteration picks the planted EFP first, and the DNN moves toward it', async (t) => {
  const obs = await observables(jets, { columns: ['mass', 'pt'] });
  const cands = await efpCandidates(jets, space);
  const planted = cands.info.findIndex((c) => c.kappa === 2 && c.beta === 0.5 && c.d === 3 && c.n === 3); // a 3-vertex, 3-edge graph
  t.ok(planted >= 0, 'planted candidate exists');
  const rng = new Rng(3);
  const efp = logFeature(cands.values.slice(planted * N, (planted + 1) * N));
  const blackBox = efp.map((v) => v + 0.01 * rng.normal());
  const dir = mkdtempSync(join(tmpdir(), 'jetlens-guided-'));
  const r = await guide({ outDir: dir, labels, hl: { mass: obs.values.mass, pt: obs.values.pt }, blackBox, candidates: cands, split, passes: 2, seed: 1, dnn });
  t.equal(r.passes.length, 3, 'start + 2 passes');
  t.equal(r.passes[1].chosen!.index, planted, `first pick is the planted EFP (${cands.info[planted].name})`);
  t.ok(r.passes[1].adoDnnBlackBox > r.passes[0].adoDnnBlackBox, `ADO[DNN, black box] rises: ${r.passes[0].adoDnnBlackBox.toFixed(3)} -> ${r.passes[1].adoDnnBlackBox.toFixed(3)}`);
});

t.test('black-box guided: the chosen EFP maximises the subset ADO (checked with the reference kernel); outputs parse; resumable', async (t) => {
  const obs = await observables(jets, { columns: ['mass', 'pt', 'tau21_b1'] });
  const cands = await efpCandidates(jets, space);
  // A black box that uses more than mass and pT: a fixed non-linear combination of substructure.
  const blackBox = obs.values.mass.map((m, j) => -Math.abs(m - 80) / 10 - 3 * obs.values.tau21_b1[j]);
  const dir = mkdtempSync(join(tmpdir(), 'jetlens-guided-'));
  const opts = { outDir: dir, labels, hl: { mass: obs.values.mass, pt: obs.values.pt }, blackBox, candidates: cands, split, seed: 2, dnn };
  const r = await guide({ ...opts, passes: 1 });
  const c = r.passes[1].chosen!;
  // Recompute every candidate's ADO on D(DNN(HL_0), G) with the plain pair-loop reference kernel.
  const test = split.test;
  const take = (v: ArrayLike<number>) => Float64Array.from(test, (i) => v[i]);
  const h = Float64Array.from((await readArray(join(dir, 'pass-0-dnn-scores.npy'))).data as Float64Array);
  const g = take(blackBox);
  const y = take(labels);
  let best = -1;
  let bestK = -1;
  for (let k = 0; k < cands.info.length; k++) {
    const a = adoOnDisagreement(take(cands.values.subarray(k * N, (k + 1) * N)), g, h, y, null, { backend: 'reference' }).ado;
    if (a > best) [best, bestK] = [a, k];
    if (k === c.index) t.ok(Math.abs(a - c.adoSubset) <= 1e-12, 'reported subset ADO equals the reference');
  }
  t.ok(Math.abs(best - c.adoSubset) <= 1e-12, `chosen ${c.name} has the largest subset ADO (${best.toFixed(4)}, reference pick ${cands.info[bestK].name})`);
  // Resume: a second call with more passes continues after pass 1 (pass 0 and 1 are not recomputed).
  const r2 = await guide({ ...opts, passes: 2 });
  t.equal(r2.passes.length, 3);
  t.same(r2.passes[1], r.passes[1], 'finished passes are kept as they were');
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
