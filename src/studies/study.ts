/**
 * The main job (`npm start`, `jetlens study`): on generated W vs QCD jets, train a CNN on jet images (the black
 * box), compute the high-level observables and a space of EFPs, and run guided iteration to find the EFPs that
 * reproduce the CNN's decisions; write every artefact and an HTML report to one directory.
 * Each step checkpoints its output; a re-run with the same options picks up where the last one stopped.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import type { RunOptions } from '../backend/control.js';
import { JetlensInputError } from '../errors.js';
import { readArray, readJets, readTable, toFloat64, writeJets, writeNpy, writeTable } from '../io/index.js';
import type { JetBatch } from '../jets/batch.js';
import { generateMixtureAsync } from '../jets/generator/index.js';
import { jetImages } from '../jss/images.js';
import { observables } from '../jss/observables.js';
import { createModel, initTf, pixelInputs, predict, saveModel, takeSamples, train } from '../models/index.js';
import { Rng } from '../util/rng.js';
import { efpCandidates, PAPER_SPACE, type CandidateSpace } from './candidates.js';
import { guide, type CandidateInfo, type GuideMode, type GuideResult } from './guided.js';
import type { EnsembleResample } from './ensemble.js';
import { measurePremise, type Premise } from './premise.js';
import { readJsonFile, writeFileAtomic, writeJsonAtomic } from '../util/atomic.js';
import { studyReport, summary, type ModeRun } from './study-report.js';
import { STUDY_CNN, STUDY_CNN_IMAGES, STUDY_IMAGES } from './study-cnn.js';

export { STUDY_CNN, STUDY_CNN_IMAGES, STUDY_IMAGES };

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
  /** Names of the classes y = 1 and y = 0 (default: W, QCD for generated jets; from `<jets>.json` or 'signal', 'background'). */
  classNames?: [string, string];
  /** Jets per class (default 20000). */
  n?: number;
  seed?: number;
  /** Starting high-level set: 'mass,pt' (default), '6hl', or a comma-separated list of observable columns. */
  hl?: string;
  space?: CandidateSpace;
  passes?: number;
  /** Main guide mode (default black-box). */
  mode?: GuideMode;
  /** Further modes run on the same jets and candidates for the side-by-side comparison (wall time, AUC, ADO). */
  compareModes?: GuideMode[];
  cnnEpochs?: number;
  /** CNN early stopping: epochs without a better validation loss (default 2). */
  cnnPatience?: number;
  dnnEpochs?: number;
  /** DNN ensemble per pass and for the premise (default 3 members, seeds). */
  ensemble?: { members?: number; resample?: EnsembleResample };
  /** Guided-iteration stopping rule (default on) and its number of errors (default 2). */
  stop?: boolean;
  z?: number;
  bruteForceMax?: number;
  /** Measure the premise (black box vs DNN(6HL) vs DNN(mass, pT)) first (default true). */
  premise?: boolean;
  /** Fraction of jets held out for evaluation (default 0.3). */
  testFraction?: number;
  threads?: number;
  signal?: AbortSignal;
  log?: (msg: string) => void;
  progress?: (label: string) => RunOptions['onProgress'];
}

export interface StudyResult {
  outDir: string;
  blackBoxName: string;
  classNames: [string, string];
  premise?: Premise;
  guide: GuideResult;
  modes: ModeRun[];
  seconds: Record<string, number>;
}

export function resolveHl(hl: string): string[] {
  return HL_SETS[hl] ?? hl.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Process CPU-seconds (all threads, workers included): on a shared machine the measure of work, not wall time. */
export const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Runs `make` unless `file` exists (checkpoint), timing it (wall in `times`, CPU in `times['<name> (CPU s)']`). */
async function step<T>(name: string, file: string, times: Record<string, number>, log: (m: string) => void, make: () => Promise<void>, load: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const c0 = cpuSeconds();
  if (existsSync(file)) log(`${name}: reusing ${file}`);
  else {
    log(`${name} ...`);
    await make();
    times[`${name} (CPU s)`] = cpuSeconds() - c0;
    log(`${name}: ${((performance.now() - t0) / 1000).toFixed(0)} s wall, ${times[`${name} (CPU s)`].toFixed(0)} CPU-s`);
  }
  times[name] = (performance.now() - t0) / 1000;
  return load();
}

/** Class names: given, else from a `<jets file>.json` sidecar ({"class_names": [signal, background]}), else generic. */
export function classNamesFor(o: Pick<StudyOptions, 'classNames' | 'jetsFile'>): [string, string] {
  if (o.classNames) return o.classNames;
  if (!o.jetsFile) return ['W', 'QCD'];
  const side = `${o.jetsFile}.json`;
  if (existsSync(side)) {
    const names = readJsonFile<{ class_names?: unknown }>(side).class_names;
    if (Array.isArray(names) && names.length === 2 && names.every((x) => typeof x === 'string')) return names as [string, string];
    throw new JetlensInputError('class_names: expected ["signal name", "background name"]', { file: side });
  }
  return ['signal (y = 1)', 'background (y = 0)'];
}

export async function runStudy(o: StudyOptions): Promise<StudyResult> {
  const dir = o.outDir;
  mkdirSync(dir, { recursive: true });
  const log = o.log ?? (() => {});
  const prog = o.progress ?? (() => undefined);
  const seed = o.seed ?? 1;
  const n = o.n ?? 20000;
  const space = o.space ?? PAPER_SPACE;
  const run: RunOptions = { threads: o.threads, signal: o.signal };
  const times: Record<string, number> = {};
  const cpu0 = cpuSeconds();
  const p = (f: string) => join(dir, f);
  const blackBoxName = o.blackBox ? 'black box' : 'CNN';
  const classNames = classNamesFor(o);
  const spec = { members: o.ensemble?.members ?? 3, resample: o.ensemble?.resample ?? 'seeds', seed, dnn: { epochs: o.dnnEpochs ?? 20 }, signal: o.signal } as const;
  await checkSettings(p('settings.json'), {
    jetsFile: o.jetsFile, blackBox: o.blackBox, n, seed, hl: o.hl ?? 'mass,pt', space, cnnEpochs: o.cnnEpochs ?? 30,
    cnnPatience: o.cnnPatience ?? 3, images: STUDY_IMAGES, cnn: STUDY_CNN(seed), testFraction: o.testFraction ?? 0.3, ensemble: spec.members, resample: spec.resample, dnnEpochs: spec.dnn.epochs,
  });

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

  // Images are the CNN's input: with the user's black box there is no image step.
  const images = o.blackBox ? undefined : await step('images', p('images.npy'), times, log, async () => {
    const im = await jetImages(jets, { ...run, ...STUDY_IMAGES, onProgress: prog('images') });
    await writeNpy(p('images.npy'), { data: im.data, shape: im.shape });
  }, () => readArray(p('images.npy')));

  const cnnScores = o.blackBox ? await readScores(o.blackBox, N) : await step('black box (CNN)', p('cnn-scores.npy'), times, log, async () => {
    await initTf({ log }); // before any weights exist, so they live on the chosen backend
    const model = createModel('cnn', { ...STUDY_CNN(seed), ...STUDY_CNN_IMAGES });
    const data = pixelInputs({ data: images!.data as Float32Array, shape: images!.shape }, STUDY_CNN(seed).pixels!, labels);
    await train(model, takeSamples(data, split.train), {
      seed, epochs: o.cnnEpochs ?? 30, batchSize: 128, split: [0.85, 0.15, 0], patience: o.cnnPatience ?? 3, signal: o.signal,
      onEpoch: (e) => log(`  cnn epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, val loss ${e.valLoss.toFixed(4)}, val AUC ${e.valAUC.toFixed(4)} (${e.seconds.toFixed(0)} s)`),
    });
    await saveModel(model, p('cnn'));
    const s = await predict(model, data);
    model.net.dispose();
    await writeNpy(p('cnn-scores.npy'), { data: s, shape: [N] });
  }, async () => Float64Array.from((await readArray(p('cnn-scores.npy'))).data as Float64Array));

  const premise = o.premise === false ? undefined : await step('premise', p('premise.json'), times, log, async () => {
    const sets = { 'DNN(6HL)': HL_SETS['6hl'], 'DNN(mass, pT)': HL_SETS['mass,pt'] };
    for (const c of Object.values(sets).flat()) if (!obs[c]) throw new JetlensInputError(`premise: no observable '${c}'`);
    const pr = await measurePremise({ labels, obs, blackBox: cnnScores, blackBoxName, split, sets, spec, z: o.z, log });
    await writeJsonAtomic(p('premise.json'), pr);
  }, async () => readJsonFile<Premise>(p('premise.json')));
  if (premise) log(premise.verdict);

  const candidates = await step('EFP candidates', p('efp-candidates.npy'), times, log, async () => {
    const c = await efpCandidates(jets, space, { ...run, onProgress: prog('EFP candidates') });
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
    if (!obs[k]) throw new JetlensInputError(`--hl: no observable '${k}' (have: ${Object.keys(obs).filter((c) => c !== 'y').join(', ')})`);
    return [k, obs[k]];
  }));
  const mainMode = o.mode ?? 'black-box';
  const modes = [mainMode, ...(o.compareModes ?? []).filter((m) => m !== mainMode)];
  const runs: ModeRun[] = [];
  for (const mode of modes) {
    const gdir = mode === mainMode ? p('guided') : p(`guided-${mode}`);
    log(`guided iteration (${mode}) ...`);
    const c0 = cpuSeconds();
    const result = await guide({
      outDir: gdir, labels, hl, blackBox: cnnScores, candidates, split, mode, passes: o.passes ?? 5, seed, dnn: spec.dnn,
      ensemble: { members: spec.members, resample: spec.resample }, stop: o.stop, z: o.z, bruteForceMax: o.bruteForceMax,
      threads: o.threads, signal: o.signal, log,
    });
    log(`  ${mode}: ${result.stopReason} (${result.seconds.toFixed(0)} s)`);
    times[`guided iteration (${mode})`] = result.seconds;
    times[`guided iteration (${mode}) (CPU s)`] = cpuSeconds() - c0;
    runs.push({ mode, dir: gdir, result });
  }
  const g = runs[0].result;
  await writeGuideTables(dir, g);
  if (runs.length > 1) await writeJsonAtomic(p('modes.json'), runs.map((r) => ({ mode: r.mode, dir: r.dir, ...summary(r.result) })));
  // Per-phase wall and CPU seconds of this invocation (steps reused from checkpoints have no CPU entry).
  await writeJsonAtomic(p('timing.json'), { ...times, 'total (CPU s)': cpuSeconds() - cpu0, cpus: availableParallelism(), loadavg: loadavg() });
  await studyReport(dir, { jets, labels, obs, images, cnnScores, split, guide: g, candidates, hlNames, premise, modes: runs, blackBoxName, classNames, generated: !o.jetsFile });
  return { outDir: dir, blackBoxName, classNames, premise, guide: g, modes: runs, seconds: times };
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

/** The pass table as JSON and CSV (ensemble means with their standard deviations). */
export async function writeGuideTables(dir: string, g: GuideResult): Promise<void> {
  await writeJsonAtomic(join(dir, 'guided.json'), g);
  const header = 'pass,efp,edges,n,d,kappa,beta,chromatic,irc_safe,ado_efp_bb_on_D,ado_efp_bb_on_D_sd,wins,auc_efp,auc_dnn,auc_dnn_sd,ado_dnn_bb,ado_dnn_bb_sd,ado_gain,ado_gain_err,significant,removed_total';
  const num = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '' : v);
  const rows = g.passes.map((r) => {
    const c = r.chosen;
    const cells = c
      ? [r.pass, c.name, JSON.stringify(c.edges), c.n, c.d, c.kappa, num(c.beta), c.chi, c.kappa === 1, num(c.adoSubset), num(c.adoSubsetSd), `${c.wins}/${r.members.auc.length}`, c.aucEfp]
      : [r.pass, '(start)', '', '', '', '', '', '', '', '', '', '', ''];
    return [...cells, r.aucDnn, r.aucDnnSd, r.adoDnnBlackBox, r.adoDnnBlackBoxSd, num(r.adoGain), num(r.adoGainErr), r.significant ?? '', r.removed?.total ?? ''].map(csvCell).join(',');
  });
  await writeFileAtomic(join(dir, 'guided.csv'), [header, ...rows].join('\n') + '\n');
}
