/**
 * Choosing a pass's candidate. Guided modes score candidates by their exact ADO against the guide on the pairs
 * each ensemble member orders differently from it, and take the best ensemble mean; brute force retrains the DNN
 * with every candidate and takes the best AUC.
 */
import { JetlensInputError } from '../errors.js';
import { adoOnDisagreementBatch, auc, type AdoDisagreementResult } from '../metrics/index.js';
import { meanSd, trainEnsemble, type EnsembleSpec } from './ensemble.js';
import { candidateColumn, logFeature, type CandidateInfo, type EvalSet, type GuideOptions, type PassResult, type TopCandidate } from './guided.js';

export interface Pick {
  chosen: NonNullable<PassResult['chosen']>;
  top: TopCandidate[];
  tried?: number;
}

const TOP = 5;

function aucEfp(ev: EvalSet, k: number): number {
  const a = auc(ev.cand.subarray(k * ev.n, (k + 1) * ev.n), ev.y).auc;
  return Math.max(a, 1 - a);
}

export interface AdoPickInput {
  ev: EvalSet;
  /** Each ensemble member's scores on the evaluation rows. */
  hs: Float64Array[];
  pool: number[];
  info: CandidateInfo[];
  threads?: number;
  signal?: AbortSignal;
}

/** The candidate with the largest ensemble-mean ADO on D(DNN_e, guide); wins = members whose own best it is. */
export async function pickByAdo(p: AdoPickInput): Promise<Pick> {
  const { ev, pool } = p;
  const sub = new Float64Array(pool.length * ev.n);
  pool.forEach((k, i) => sub.set(ev.cand.subarray(k * ev.n, (k + 1) * ev.n), i * ev.n));
  const batch = (h: Float64Array) => adoOnDisagreementBatch({ data: sub, shape: [pool.length, ev.n] }, ev.guide, h, ev.y, { threads: p.threads, signal: p.signal });
  const per: AdoDisagreementResult[][] = [];
  for (const h of p.hs) per.push(await batch(h));
  // The score: ADO on the pairs where the ensemble's mean prediction and the guide disagree (the members' own
  // training noise averages out of D); the members' spread of the same score is its error.
  const mean = p.hs.length > 1 ? await batch(p.hs[0].map((_, r) => p.hs.reduce((a, h) => a + h[r], 0) / p.hs.length)) : per[0];
  const wins = new Float64Array(pool.length);
  for (const rs of per) {
    let b = -1;
    rs.forEach((r, i) => { if (Number.isFinite(r.ado) && (b < 0 || r.ado > rs[b].ado)) b = i; });
    if (b >= 0) wins[b]++;
  }
  const stats = pool.map((k, i) => {
    const vals = per.map((rs) => rs[i].ado).filter(Number.isFinite);
    const s = meanSd(vals);
    return { i, k, score: vals.length === per.length ? mean[i].ado : NaN, sd: s.sd };
  }).filter((s) => Number.isFinite(s.score)).sort((a, b) => b.score - a.score || a.k - b.k);
  if (stats.length === 0) throw new JetlensInputError('no candidate has a defined ADO on the disagreement set (the DNN and the guide order every pair alike)');
  const best = stats[0];
  const r0 = mean[best.i];
  return {
    chosen: {
      ...p.info[best.k], index: best.k, adoSubset: best.score, adoSubsetSd: best.sd, direction: r0.direction,
      aucEfp: aucEfp(ev, best.k), disagreeFraction: mean[best.i].disagreeFraction, wins: wins[best.i],
    },
    top: stats.slice(0, TOP).map((s) => ({ index: s.k, name: p.info[s.k].name, score: s.score, sd: s.sd, wins: wins[s.i] })),
  };
}

export interface BrutePickInput extends GuideOptions {
  features: Record<string, Float64Array>;
  pool: number[];
  ev: EvalSet;
  spec: EnsembleSpec;
  max: number;
  log: (m: string) => void;
}

/** Retrains one DNN (the ensemble's first seed) with each candidate added; the best AUC on the evaluation rows wins. */
export async function pickBruteForce(p: BrutePickInput): Promise<Pick> {
  if (p.pool.length > p.max) {
    throw new JetlensInputError(`brute force retrains a DNN for every candidate: ${p.pool.length} candidates is more than --brute-force-max ${p.max}; use a smaller space (e.g. --select 'd<=2') or raise the limit`);
  }
  const N = p.labels.length;
  const scored: { k: number; auc: number }[] = [];
  for (const k of p.pool) {
    const name = p.candidates.info[k].name;
    const cols = { ...p.features, [name]: logFeature(candidateColumn(p.candidates, k, N)) };
    const [h] = await trainEnsemble(cols, Object.keys(cols), p.labels, p.split, { ...p.spec, members: 1 });
    scored.push({ k, auc: auc(h, p.ev.y).auc });
  }
  p.log(`  brute force: trained ${scored.length} DNNs`);
  scored.sort((a, b) => b.auc - a.auc || a.k - b.k);
  const best = scored[0];
  return {
    chosen: { ...p.candidates.info[best.k], index: best.k, adoSubset: NaN, adoSubsetSd: NaN, direction: 1, aucEfp: aucEfp(p.ev, best.k), disagreeFraction: NaN, wins: 1 },
    top: scored.slice(0, TOP).map((s) => ({ index: s.k, name: p.candidates.info[s.k].name, score: s.auc, sd: NaN, wins: s === best ? 1 : 0 })),
    tried: scored.length,
  };
}
