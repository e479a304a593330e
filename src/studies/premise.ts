/**
 * The study's premise, measured: is the black box better than the observables? AUC with errors for the black box,
 * DNN(6HL) and DNN(mass, pT), all on the same held-out jets. A DNN's error combines the spread of an ensemble of
 * trainings with the bootstrap of the held-out jets; differences use a paired bootstrap (the same resampled jets
 * for both classifiers), so the jets' shared fluctuation cancels.
 */
import { auc } from '../metrics/index.js';
import { meanSd, pairedBootstrap, trainEnsemble, type EnsembleSpec, type Split } from './ensemble.js';

export interface PremiseEntry {
  name: string;
  features?: string[];
  /** AUC (ensemble mean for DNNs), its total error, and the parts. */
  auc: number;
  err: number;
  bootstrapStd: number;
  ensembleSd: number;
}

export interface PremiseComparison {
  better: string;
  worse: string;
  diff: number;
  err: number;
  /** diff > z * err */
  beyondErrors: boolean;
}

export interface Premise {
  entries: PremiseEntry[];
  comparisons: PremiseComparison[];
  /** The black box beats DNN(6HL) beyond errors. */
  blackBoxBetter: boolean;
  z: number;
  verdict: string;
}

export interface PremiseInput {
  labels: Float64Array;
  obs: Record<string, Float64Array>;
  blackBox: Float64Array;
  blackBoxName: string;
  split: Split;
  sets: Record<string, string[]>; // e.g. {'DNN(6HL)': [...], 'DNN(mass, pT)': ['mass', 'pt']}
  spec: EnsembleSpec;
  z?: number;
  log?: (m: string) => void;
}

const fmt = (v: number, e: number) => `${v.toFixed(4)} +- ${e.toFixed(4)}`;

export async function measurePremise(p: PremiseInput): Promise<Premise> {
  const z = p.z ?? 2;
  const y = Float64Array.from(p.split.test, (i) => p.labels[i]);
  const g = Float64Array.from(p.split.test, (i) => p.blackBox[i]);
  const names = Object.keys(p.sets);
  const ens: Float64Array[][] = [];
  for (const name of names) {
    ens.push(await trainEnsemble(p.obs, p.sets[name], p.labels, p.split, p.spec));
    p.log?.(`  premise: ${name} trained (${ens.length}/${names.length})`);
  }
  // Member 0 of each ensemble stands for it in the paired bootstrap; the seed spread is added on top.
  const boot = pairedBootstrap([g, ...ens.map((hs) => hs[0])], y, 200, (p.spec.seed ?? 1) + 31);
  const entries: PremiseEntry[] = [
    { name: p.blackBoxName, auc: auc(g, y).auc, err: boot.std[0], bootstrapStd: boot.std[0], ensembleSd: 0 },
    ...names.map((name, i) => {
      const s = meanSd(ens[i].map((h) => auc(h, y).auc));
      return { name, features: p.sets[name], auc: s.mean, err: Math.hypot(boot.std[i + 1], s.sd), bootstrapStd: boot.std[i + 1], ensembleSd: s.sd };
    }),
  ];
  const compare = (a: number, b: number): PremiseComparison => {
    const diff = entries[a].auc - entries[b].auc;
    const err = Math.hypot(boot.diffStd(a, b), entries[a].ensembleSd, entries[b].ensembleSd);
    return { better: entries[a].name, worse: entries[b].name, diff, err, beyondErrors: diff > z * err };
  };
  const comparisons = entries.slice(0, -1).map((_, i) => compare(i, i + 1));
  const blackBoxBetter = comparisons[0].beyondErrors;
  const lines = entries.map((e) => `${e.name} ${fmt(e.auc, e.err)}`).join(', ');
  const c0 = comparisons[0];
  const verdict = blackBoxBetter
    ? `The black box is better than ${c0.worse} beyond errors (AUC difference ${fmt(c0.diff, c0.err)}). AUCs: ${lines}.`
    : `The black box is NOT better than ${c0.worse} beyond errors (AUC difference ${fmt(c0.diff, c0.err)}, needs > ${z} errors): the guided iteration below maps a black box that does not outperform the observables, so its picks are not evidence of information the observables miss. AUCs: ${lines}.`;
  return { entries, comparisons, blackBoxBetter, z, verdict };
}
