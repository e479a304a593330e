// Metrics: AUC (with ROC, bootstrap and DeLong errors) and Average Decision Ordering (full, on the
// differently-ordered pairs, sampled). Importing this module registers the kernels with the dispatcher.
import './kernels.js';

export { auc, type AucOptions, type AucResult } from './auc.js';
export { rocCurve, type RocCurve, type RocOptions } from './roc.js';
export { quantileSorted } from '../util/stats.js';
export { aucBootstrap, type BootstrapOptions, type BootstrapResult } from './bootstrap.js';
export {
  ado,
  adoOnDisagreement,
  adoOnDisagreementBatch,
  type AdoBatchOptions,
  type AdoDisagreementResult,
  type AdoResult,
  type CandidatesLike,
} from './ado.js';
export { adoSampled, disagreeingPairs, type SampledAdoResult, type SampledOptions } from './sampled.js';
export type { Direction, LabelsLike, ScoresLike } from './input.js';
