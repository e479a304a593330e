/**
 * The main job (`npm start`, `jetlens study`): on generated W vs QCD jets, train a CNN on jet images (the black
 * box), compute the high-level observables and a space of EFPs, and run guided iteration to find the EFPs that
 * reproduce the CNN's decisions; write every artefact and an HTML report to one directory.
 * Each step checkpoints its output; a re-run with the same options picks up where the last one stopped.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunOptions } from '../backend/control.js';
import { JetlensInputError } from '../errors.js';
import { readArray, readJets, readTable, toFloat64, writeJets, writeNpy, writeTable } from '../io/index.js';
import type { JetBatch } from '../jets/batch.js';
import { generateMixtureAsync } from '../jets/generator/index.js';
import { jetImages } from '../jss/images.js';
import { observables } from '../jss/observables.js';
import { createModel, imageInputs, initTf, predict, saveModel, takeSamples, train } from '../models/index.js';
import { Rng } from '../util/rng.js';
import { readJsonFile, writeFileAtomic, writeJsonAtomic } from '../util/atomic.js';
import { efpCandidates, PAPER_SPACE, type CandidateSpace } from './candidates.js';
import { guide, type CandidateInfo, type GuideMode, type GuideResult } from './guided.js';
import { studyReport } from './study-report.js';

export const HL_SETS: Record<string, string[]> = {
  'mass,pt': ['mass', 'pt'],
  '6hl': ['mass', 'c2_b1', 'c2_b2', 'd2_b1', 'd2_b2', 'tau21_b1'],
};

export interface StudyOptions {
  outDir: string;
  /** A labelled jet file to use instead of generating W vs QCD jets. */
  jetsFile?: string;
  /** Black-box scores (one per jet: file.npy, file.npz:name, file.csv:column) instead of training the CNN. */
  blackBox?: string;
  /** Jets per class (default 5000). */
  n?: number;
  seed?: number;
  /** Starting high-level set: 'mass,pt' (default), '6hl', or a comma-separated list of observable columns. */
  hl?: string;
  space?: CandidateSpace;
  passes?: number;
  mode?: GuideMode;
  cnnEpochs?: number;
  dnnEpochs?: number;
  /** Fraction of jets held out for evaluation (default 0.3). */
  testFraction?: number;
  threads?: number;
  signal?: AbortSignal;
  log?: (msg: string) => void;
  progress?: (label: string) => RunOptions['onProgress'];
}

export interface StudyResult extends GuideResult {
  outDir: string;
  seconds: Record<string, number>;
}

export function resolveHl(hl: string): string[] {
  return HL_SETS[hl] ?? hl.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Runs `make` unless `file` exists (checkpoint), timing it. */
async function step<T>(name: string, file: string, times: Record<string, number>, log: (m: string) => void, make: () => Promise<void>, load: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  if (existsSync(file)) log(`${name}: reusing ${file}`);
  else {
    log(`${name} ...`);
    await make();
  }
  times[name] = (performance.now() - t0) / 1000;
  return load();
}

export async function runStudy(o: StudyOptions): Promise<StudyResult> {
  const dir = o.outDir;
  mkdirSync(dir, { recursive: true });
  const log = o.log ?? (() => {});
  const prog = o.progress ?? (() => undefined);
  const seed = o.seed ?? 1;
  const n = o.n ?? 5000;
  const space = o.space ?? PAPER_SPACE;
  const run: RunOptions = { threads: o.threads, signal: o.signal };
  const times: Record<string, number> = {};
  const p = (f: string) => join(dir, f);
  await checkSettings(p('settings.json'), { jetsFile: o.jetsFile, blackBox: o.blackBox, n, seed, hl: o.hl ?? 'mass,pt', space, cnnEpochs: o.cnnEpochs ?? 4, testFraction: o.testFraction ?? 0.3 });

  const jets: JetBatch = o.jetsFile ? await readJets(o.jetsFile) : await step('generate', p('jets.npz'), times, log,
    async () => writeJets(p('jets.npz'), await generateMixtureAsync({ signal: 'w', background: 'qcd', n, seed }, { ...run, onProgress: prog('generate') })),
    () => readJets(p('jets.npz')));
  if (!jets.labels) throw new JetlensInputError('guided iteration needs labelled jets (a y array)', { file: o.jetsFile });
  const labels = jets.labels;
  const N = jets.length;
  const split = splitRows(N, o.testFraction ?? 0.3, seed);

  const obs = await step('observables', p('observables.npz'), times, log, async () => {
    const r = await observables(jets, { ...run, onProgress: prog('observables') });
    await writeTable(p('observables.npz'), { ...r.values, y: labels });
  }, () => readTable(p('observables.npz')));

  const images = await step('images', p('images.npy'), times, log, async () => {
    const im = await jetImages(jets, { ...run, npix: 33, width: 1.0, center: 'centroid', rotate: 'principal', flip: true, onProgress: prog('images') });
    await writeNpy(p('images.npy'), { data: im.data, shape: im.shape });
  }, () => readArray(p('images.npy')));

  const cnnScores = o.blackBox ? await readScores(o.blackBox, N) : await step('black box (CNN)', p('cnn-scores.npy'), times, log, async () => {
    await initTf({ log }); // before any weights exist, so they live on the chosen backend
    const model = createModel('cnn', { seed, npix: 33 });
    const data = imageInputs({ data: images.data as Float32Array, shape: images.shape }, labels);
    await train(model, takeSamples(data, split.train), {
      seed, epochs: o.cnnEpochs ?? 4, batchSize: 128, split: [0.85, 0.15, 0], patience: 2, signal: o.signal,
      onEpoch: (e) => log(`  cnn epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, val loss ${e.valLoss.toFixed(4)}, val AUC ${e.valAUC.toFixed(4)} (${e.seconds.toFixed(0)} s)`),
    });
    await saveModel(model, p('cnn'));
    const s = await predict(model, data);
    model.net.dispose();
    await writeNpy(p('cnn-scores.npy'), { data: s, shape: [N] });
  }, async () => Float64Array.from((await readArray(p('cnn-scores.npy'))).data as Float64Array));

  const candidates = await step('EFP candidates', p('efp-candidates.npy'), times, log, async () => {
    const c = await efpCandidates(jets, space, { ...run, onProgress: prog('EFPs') });
    // The .json first: the .npy marks the step done, so a kill between the two recomputes instead of losing the .json.
    await writeJsonAtomic(p('efp-candidates.json'), { space, candidates: c.info }, 1);
    await writeNpy(p('efp-candidates.npy'), { data: c.values, shape: [c.info.length, N] });
  }, async () => ({
    values: Float64Array.from((await readArray(p('efp-candidates.npy'))).data as Float64Array),
    info: readJsonFile<{ candidates: CandidateInfo[] }>(p('efp-candidates.json')).candidates,
  }));
  log(`${candidates.info.length} candidate EFPs (${space.select}, kappa ${space.kappas.join('/')}, beta ${space.betas.join('/')})`);

  const hlNames = resolveHl(o.hl ?? 'mass,pt');
  const hl = Object.fromEntries(hlNames.map((k) => {
    if (!obs[k]) throw new Error(`--hl: no observable '${k}' (have: ${Object.keys(obs).filter((c) => c !== 'y').join(', ')})`);
    return [k, obs[k]];
  }));
  const t0 = performance.now();
  const g = await guide({
    outDir: p('guided'), labels, hl, blackBox: cnnScores, candidates, split, mode: o.mode, passes: o.passes ?? 5,
    seed, dnn: { epochs: o.dnnEpochs ?? 20 }, threads: o.threads, signal: o.signal, log,
  });
  times['guided iteration'] = (performance.now() - t0) / 1000;
  await writeGuideTables(dir, g);
  await studyReport(dir, { jets, labels, obs, images, cnnScores, split, guide: g, candidates, hlNames });
  return { ...g, outDir: dir, seconds: times };
}

async function readScores(spec: string, n: number): Promise<Float64Array> {
  const a = await readArray(spec);
  if (a.data.length !== n) throw new JetlensInputError(`black-box scores: ${a.data.length} values for ${n} jets`, { file: spec });
  const s = toFloat64(a.data);
  const bad = s.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new JetlensInputError(`black-box score ${s[bad]} is not finite`, { file: spec, jet: bad });
  return s;
}

/** Refuses to mix checkpoints made with different settings in one directory. */
async function checkSettings(file: string, settings: object): Promise<void> {
  const text = JSON.stringify(settings);
  if (existsSync(file) && readFileSync(file, 'utf8') !== text) {
    throw new Error(`${file} records different settings (${readFileSync(file, 'utf8')}); use another --out or delete the directory`);
  }
  await writeFileAtomic(file, text);
}

/** Seeded, class-blind split: the CNN and every DNN train on `train`; all metrics use `test`. */
export function splitRows(n: number, testFraction: number, seed: number): { train: Uint32Array; test: Uint32Array } {
  const perm = new Rng(seed + 7919).permutation(n);
  const nTest = Math.round(n * testFraction);
  const sort = (a: Uint32Array) => a.sort();
  return { test: sort(perm.slice(0, nTest)), train: sort(perm.slice(nTest)) };
}

const csvCell = (v: unknown) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The pass table as JSON and CSV. */
export async function writeGuideTables(dir: string, g: GuideResult): Promise<void> {
  await writeJsonAtomic(join(dir, 'guided.json'), g);
  const header = 'pass,efp,edges,n,d,kappa,beta,chromatic,irc_safe,ado_efp_bb_on_D,auc_efp,auc_dnn,ado_dnn_bb';
  const rows = g.passes.map((r) => {
    const c = r.chosen;
    const cells = c
      ? [r.pass, c.name, JSON.stringify(c.edges), c.n, c.d, c.kappa, Number.isNaN(c.beta) ? '' : c.beta, c.chi, c.kappa === 1, c.adoSubset, c.aucEfp]
      : [r.pass, '(start)', '', '', '', '', '', '', '', '', ''];
    return [...cells, r.aucDnn, r.adoDnnBlackBox].map(csvCell).join(',');
  });
  await writeFileAtomic(join(dir, 'guided.csv'), [header, ...rows].join('\n') + '\n');
}

