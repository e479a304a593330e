// Why does the study's CNN lose to DNN(mass, pT)? Small, fast experiments on generated v2 W/QCD jets.
//   info: what the inputs can know at best: the binned likelihood-ratio AUC (50 equal-population bins) of mass, pT,
//         m/pT, and of the mass computed from the image pixels themselves (pixel = massless particle at its centre)
//         for several image geometries. A normalised image only knows m/pT.
//   cnn:  trains CNN variants (pixel scaling, geometry, a jet-pT input, architecture, learning rate) on the same
//         jets and split, each to convergence (early stopping on validation loss), and reports held-out AUC and the
//         CPU-seconds it took (process.cpuUsage: the machine is shared, wall time is not a measurement).
//   dnn:  DNN(HL) sets and PFN / EFN on the same split, paired bootstrap against the first set named.
//   premise: with --study DIR (a `jetlens study` run directory), the study's own premise measurement (src/studies/
//         premise.ts: ensembles of 3 DNNs as the study trains them, the study's held-out rows, paired bootstrap)
//         for DNN sets the study does not train, next to its black box (DIR/cnn-scores.npy), e.g. DNN(6HL,
//         multiplicity). No jets are generated: DIR's jets, observables and split are used.
// Usage: npx tsc -p tsconfig.json && node bench/cnn-diagnose.mjs [--part info|cnn|dnn] [--n 3000] [--epochs 12]
//        [--variants base,scaled,pt,...] [--seed 1]
//        node bench/cnn-diagnose.mjs --part premise --study DIR [--sets 6hl+mult,6hl]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readArray, readJets, readTable } from '../dist/io/index.js';
import { generateMixture } from '../dist/jets/generator/index.js';
import { jetImages } from '../dist/jss/images.js';
import { observables } from '../dist/jss/observables.js';
import { auc } from '../dist/metrics/index.js';
import { pairedBootstrap } from '../dist/studies/ensemble.js';
import { measurePremise } from '../dist/studies/premise.js';
import { HL_SETS, splitRows } from '../dist/studies/study.js';
import { createModel, efnInputs, initTf, pfnInputs, predict, splitIndices, tableInputs, takeSamples, tf, train } from '../dist/models/index.js';
import { cnnVariant, VARIANTS } from './cnn-variants.mjs';

const args = process.argv.slice(2);
const arg = (k, d) => (args.indexOf(k) >= 0 ? args[args.indexOf(k) + 1] : d);
const part = arg('--part', 'info');
const studyDir = arg('--study');
if (part === 'premise' && !studyDir) throw new Error('--part premise needs --study DIR (a jetlens study run directory)');
const settings = studyDir ? JSON.parse(readFileSync(join(studyDir, 'settings.json'), 'utf8')) : undefined;
const n = settings?.n ?? Number(arg('--n', 3000)), epochs = Number(arg('--epochs', 12)), seed = settings?.seed ?? Number(arg('--seed', 1));
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

const jets = studyDir ? await readJets(join(studyDir, 'jets.npz')) : generateMixture({ signal: 'w', background: 'qcd', n, seed });
const y = jets.labels;
const obs = studyDir ? await readTable(join(studyDir, 'observables.npz')) : (await observables(jets)).values;
// With --study the study's own held-out rows (splitRows), else the 70/30 split of splitIndices (other rows).
const split = studyDir ? splitRows(jets.length, settings.testFraction ?? 0.3, seed) : splitIndices(jets.length, seed, [0.7, 0, 0.3]);
const testY = Float64Array.from(split.test, (i) => y[i]);

/** AUC of the binned likelihood ratio (equal-population bins from the training rows), on the test rows. */
function lrAuc(v, bins = 50) {
  const tr = Float64Array.from(split.train, (i) => v[i]).sort();
  const edges = Array.from({ length: bins - 1 }, (_, k) => tr[Math.floor(((k + 1) * tr.length) / bins)]);
  const bin = (x) => { let lo = 0, hi = edges.length; while (lo < hi) { const m = (lo + hi) >> 1; if (x < edges[m]) hi = m; else lo = m + 1; } return lo; };
  const s = new Float64Array(bins).fill(0.5), b = new Float64Array(bins).fill(0.5);
  for (const i of split.train) (y[i] === 1 ? s : b)[bin(v[i])]++;
  const score = Float64Array.from(split.test, (i) => s[bin(v[i])] / b[bin(v[i])]);
  return auc(score, testY).auc;
}

/** Mass from the pixels of an un-normalised image (small-angle: m^2 = sum_{i<j} p_i p_j dR_ij^2). */
function imageMasses(im, npix, width) {
  const px = npix * npix, out = new Float64Array(im.shape[0]), h = (2 * width) / npix;
  for (let j = 0; j < out.length; j++) {
    const nz = [];
    for (let k = 0; k < px; k++) { const p = im.data[j * px + k]; if (p > 0) nz.push([p, (k % npix) * h, Math.floor(k / npix) * h]); }
    let m2 = 0;
    for (let a = 0; a < nz.length; a++) for (let b = a + 1; b < nz.length; b++) m2 += nz[a][0] * nz[b][0] * ((nz[a][1] - nz[b][1]) ** 2 + (nz[a][2] - nz[b][2]) ** 2);
    out[j] = Math.sqrt(m2);
  }
  return out;
}

if (part === 'info') {
  const mOverPt = Float64Array.from(obs.mass, (m, i) => m / obs.pt[i]);
  const rows = [['mass', lrAuc(obs.mass)], ['pt', lrAuc(obs.pt)], ['mass/pt', lrAuc(mOverPt)], ['d2_b1', lrAuc(obs.d2_b1)], ['multiplicity', lrAuc(Float64Array.from({ length: jets.length }, (_, j) => jets.offsets[j + 1] - jets.offsets[j]))]];
  for (const [npix, width] of [[33, 1.0], [25, 0.8], [16, 0.8], [20, 1.0]]) {
    const im = await jetImages(jets, { npix, width, center: 'centroid', rotate: 'principal', flip: true, normalize: false });
    const m = imageMasses(im, npix, width);
    const pt = new Float64Array(m.length);
    for (let j = 0; j < m.length; j++) for (let k = 0; k < npix * npix; k++) pt[j] += im.data[j * npix * npix + k];
    rows.push([`image ${npix}x${npix} on [-${width}, ${width}]^2 (pixel ${(2 * width / npix).toFixed(3)}): mass`, lrAuc(m)]);
    rows.push([`  same image, normalised (mass/pT)`, lrAuc(Float64Array.from(m, (v, i) => v / pt[i]))]);
  }
  for (const [k, v] of rows) console.log(`${k.padEnd(60)} binned-LR AUC ${v.toFixed(4)}`);
  console.log(JSON.stringify({ bench: 'cnn-diagnose', part, n, seed, rows }));
} else if (part === 'premise') {
  // The study's premise measurement with other DNN sets, e.g. DNN(6HL, multiplicity), against the study's black box.
  const mult = Float64Array.from({ length: jets.length }, (_, j) => jets.offsets[j + 1] - jets.offsets[j]);
  const six = HL_SETS['6hl'];
  const named = { '6hl+mult': ['DNN(6HL, multiplicity)', [...six, 'mult']], '6hl': ['DNN(6HL)', six], masspt: ['DNN(mass, pT)', HL_SETS['mass,pt']], '6hl+pt': ['DNN(6HL, pT)', [...six, 'pt']] };
  const want = arg('--sets', '6hl+mult,6hl').split(',');
  const sets = Object.fromEntries(want.map((k) => {
    if (!named[k]) throw new Error(`--sets: unknown set '${k}' (have ${Object.keys(named).join(', ')})`);
    return named[k];
  }));
  const blackBox = Float64Array.from((await readArray(join(studyDir, 'cnn-scores.npy'))).data);
  const spec = { members: settings.ensemble ?? 3, resample: settings.resample ?? 'seeds', seed, dnn: { epochs: settings.dnnEpochs ?? 20 } };
  const c0 = cpu();
  const pr = await measurePremise({ labels: y, obs: { ...obs, mult }, blackBox, blackBoxName: 'CNN', split, sets, spec, log: (m) => console.log(m) });
  for (const e of pr.entries) console.log(`${e.name.padEnd(24)} AUC ${e.auc.toFixed(4)} +- ${e.err.toFixed(4)} (bootstrap ${e.bootstrapStd.toFixed(4)}, ensemble sd ${e.ensembleSd.toFixed(4)})`);
  for (const c of pr.comparisons) console.log(`${c.better} - ${c.worse}: ${c.diff.toFixed(4)} +- ${c.err.toFixed(4)} (${(c.diff / c.err).toFixed(1)} errors)`);
  // The study's verdict sentence speaks of its guided iteration; here only the numbers are meant.
  console.log(JSON.stringify({ bench: 'cnn-diagnose', part, study: studyDir, n, seed, heldOut: split.test.length, cpuSeconds: cpu() - c0, entries: pr.entries, comparisons: pr.comparisons, z: pr.z }));
} else if (part === 'dnn') {
  // Baselines on the same split: DNN(HL) sets (100-100-100, as the study) and particle-level PFN / EFN.
  await initTf({ log: (m) => console.log(m) });
  const mult = Float64Array.from({ length: jets.length }, (_, j) => jets.offsets[j + 1] - jets.offsets[j]);
  const cols = { ...obs, mult };
  const six = ['mass', 'c2_b1', 'c2_b2', 'd2_b1', 'd2_b2', 'tau21_b1'];
  const sets = { masspt: ['mass', 'pt'], '6hl': six, '6hl+pt': [...six, 'pt'], '6hl+mult': [...six, 'mult'], '6hl+pt+mult': [...six, 'pt', 'mult'] };
  const want = arg('--sets', '6hl,masspt,6hl+pt,6hl+mult,6hl+pt+mult,pfn,efn').split(',');
  const out = [];
  const scores = [];
  for (const name of want) {
    const c0 = cpu();
    let model, data;
    if (name === 'pfn' || name === 'efn') {
      model = createModel(name, { seed });
      data = name === 'pfn' ? pfnInputs(jets, { withPid: false }) : efnInputs(jets);
    } else {
      const f = sets[name];
      model = createModel('dnn', { nFeatures: f.length, featureNames: f, seed });
      data = tableInputs(Object.fromEntries(f.map((k) => [k, cols[k]])), f, y);
    }
    data.labels = Float64Array.from(y);
    const r = await train(model, takeSamples(data, split.train), { seed, epochs, batchSize: 256, split: [0.85, 0.15, 0], patience: 4, worker: false });
    const sc = await predict(model, takeSamples(data, split.test));
    scores.push(sc);
    const a = auc(sc, testY).auc;
    out.push({ name, testAUC: a, epochs: r.history.length, cpuSeconds: cpu() - c0 });
    console.log(`${name.padEnd(12)} test AUC ${a.toFixed(4)}  epochs ${r.history.length} (best ${r.bestEpoch})  ${(cpu() - c0).toFixed(0)} CPU-s`);
    model.net.dispose();
  }
  // Paired bootstrap of the held-out jets (200 resamples within each class): each AUC's error, and each difference
  // to the first set named (the same resampled jets for both).
  const boot = pairedBootstrap(scores, testY, 200, seed + 31);
  out.forEach((r, i) => {
    r.bootstrapSd = boot.std[i];
    if (i > 0) [r.diffToFirst, r.diffErr] = [r.testAUC - out[0].testAUC, boot.diffStd(i, 0)];
    console.log(`${r.name.padEnd(12)} AUC ${r.testAUC.toFixed(4)} +- ${r.bootstrapSd.toFixed(4)}${i ? `; minus ${out[0].name}: ${r.diffToFirst.toFixed(4)} +- ${r.diffErr.toFixed(4)}` : ''}`);
  });
  console.log(JSON.stringify({ bench: 'cnn-diagnose', part, n, seed, epochs, rows: out }));
} else {
  await initTf({ log: (m) => console.log(m) });
  const names = arg('--variants', 'base').split(',');
  const out = [];
  for (const name of names) {
    const v = VARIANTS[name];
    if (!v) throw new Error(`unknown variant '${name}' (have ${Object.keys(VARIANTS).join(', ')})`);
    const c0 = cpu(), t0 = performance.now();
    const { model, data } = await cnnVariant(v, jets, obs, seed);
    const r = await train(model, takeSamples(data, split.train), {
      seed, epochs, batchSize: v.batch ?? 128, lr: v.lr, split: [0.85, 0.15, 0], patience: v.patience ?? 2, worker: false,
      onEpoch: (e) => process.stdout.write(`  ${name} epoch ${e.epoch}: val loss ${e.valLoss.toFixed(4)} val AUC ${e.valAUC.toFixed(4)}\n`),
    });
    const s = await predict(model, takeSamples(data, split.test));
    const a = auc(s, testY).auc;
    const row = { name, desc: v.desc, testAUC: a, epochs: r.history.length, bestEpoch: r.bestEpoch, cpuSeconds: cpu() - c0, wallSeconds: (performance.now() - t0) / 1000, params: model.net.countParams() };
    out.push(row);
    console.log(`${name.padEnd(10)} test AUC ${a.toFixed(4)}  epochs ${r.history.length} (best ${r.bestEpoch})  ${row.cpuSeconds.toFixed(0)} CPU-s  ${row.params} params  ${v.desc}`);
    model.net.dispose();
    tf.disposeVariables?.();
  }
  console.log(JSON.stringify({ bench: 'cnn-diagnose', part, n, seed, epochs, rows: out }));
}
