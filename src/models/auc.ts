import { auc } from '../metrics/auc.js';

/** ROC AUC for training progress (src/metrics auc; ties 1/2); NaN when a class is missing (an empty split). */
export function rocAuc(labels: Float64Array, scores: Float64Array): number {
  let nSignal = 0;
  for (let i = 0; i < labels.length; i++) nSignal += labels[i] === 1 ? 1 : 0;
  if (nSignal === 0 || nSignal === labels.length) return NaN;
  return auc(scores, labels).auc;
}
