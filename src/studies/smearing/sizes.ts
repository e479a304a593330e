/**
 * How the reachable eps moves with the sample size (Larkoski, arXiv:2501.07643; issue #22 item 1): the smeared
 * likelihood, leave-one-out, on nested subsamples of N jets per class of the same reference, all on one eps grid.
 * Nested: the N jets of a class are the first N of one seeded permutation of that class, so every smaller
 * subsample is contained in every larger one and the curves differ only by the added jets.
 */
import { JetlensInputError } from '../../errors.js';
import { toJetBatch, type JetsLike } from '../../jets/input.js';
import { Rng } from '../../util/rng.js';
import { smearedLikelihood, type SmearOptions, type SmearResult } from './smear.js';

export interface SizeScanEntry {
  n_per_class: number;
  settings: SmearResult['settings'];
  results: SmearResult['results'];
  references: SmearResult['references'];
}

/** Jet indices of the nested subsamples: per size, the first N of each class's seeded permutation, sorted. */
export function nestedSubsamples(labels: ArrayLike<number>, sizes: number[], seed: number): Uint32Array[] {
  const byClass = [0, 1].map((c) => Array.from(labels, (v, i) => ((v === 1 ? 1 : 0) === c ? i : -1)).filter((i) => i >= 0));
  const have = Math.min(byClass[0].length, byClass[1].length);
  for (const n of sizes) {
    if (!Number.isInteger(n) || n < 2) throw new JetlensInputError(`sizes: expected integers >= 2 jets per class, got ${n}`);
    if (n > have) throw new JetlensInputError(`sizes: ${n} jets per class asked, the reference has ${byClass[1].length} signal and ${byClass[0].length} background`);
  }
  const rng = new Rng(seed ^ 0x1b873593);
  const perms = byClass.map((idx) => Array.from(rng.permutation(idx.length), (k) => idx[k]));
  return sizes.map((n) => Uint32Array.from([...perms[0].slice(0, n), ...perms[1].slice(0, n)]).sort());
}

/**
 * The smeared likelihood at every size in `sizes` (jets per class), leave-one-out within each subsample, on `eps`
 * (required: pass the full sample's grid so the curves share their x values).
 */
export async function smearSizeScan(reference: JetsLike, sizes: number[], opts: SmearOptions & { eps: number[] }): Promise<SizeScanEntry[]> {
  if (opts.test !== undefined) throw new JetlensInputError('the sizes scan is leave-one-out on subsamples of the reference: drop --test');
  const ref = toJetBatch(reference);
  if (!ref.labels) throw new JetlensInputError('reference: labels are required (y, 1 = signal)');
  const subsets = nestedSubsamples(ref.labels, sizes, opts.seed ?? 1);
  const out: SizeScanEntry[] = [];
  for (const [k, idx] of subsets.entries()) {
    const r = await smearedLikelihood(ref.select(idx), { ...opts, onProgress: undefined });
    out.push({ n_per_class: sizes[k], ...r });
    opts.onProgress?.(k + 1, sizes.length);
  }
  return out;
}
