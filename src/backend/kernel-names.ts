/**
 * Every op behind the kernel registry: its name and the signature every backend's kernel must have (the
 * TensorFlow.js kernel_names.ts pattern). registerKernel/getKernel are typed by this map, so a kernel with the
 * wrong signature, or an op name with a typo, does not compile. Where each op is registered: docs/architecture.md.
 */
import type { EfpKernel } from '../efp/kernels.js';
import type { GroomKernel, ImagesKernel, ObservablesKernel } from '../jss/kernels.js';
import type { AdoDisagreeBatchKernel, AdoDisagreeKernel, AdoKernel, AucKernel } from '../metrics/kernels.js';
import type { BallKernel, EmbedKernel, KnnKernel, MatrixKernel, SpectraKernel } from '../semd/kernels.js';

export const EFP = 'efp';
export const OBSERVABLES = 'observables';
export const IMAGES = 'images';
export const GROOM = 'groom';
export const AUC = 'auc';
export const ADO = 'ado';
export const ADO_DISAGREE = 'adoDisagree';
export const ADO_DISAGREE_BATCH = 'adoDisagreeBatch';
export const SEMD_SPECTRA = 'semd.spectra';
export const SEMD_MATRIX = 'semd.matrix';
export const SEMD_EMBED = 'semd.embed';
export const SEMD_KNN = 'semd.knn';
export const SEMD_BALL_COUNTS = 'semd.ballCounts';

/** Op name -> kernel signature. */
export interface KernelMap {
  [EFP]: EfpKernel;
  [OBSERVABLES]: ObservablesKernel;
  [IMAGES]: ImagesKernel;
  [GROOM]: GroomKernel;
  [AUC]: AucKernel;
  [ADO]: AdoKernel;
  [ADO_DISAGREE]: AdoDisagreeKernel;
  [ADO_DISAGREE_BATCH]: AdoDisagreeBatchKernel;
  [SEMD_SPECTRA]: SpectraKernel;
  [SEMD_MATRIX]: MatrixKernel;
  [SEMD_EMBED]: EmbedKernel;
  [SEMD_KNN]: KnnKernel;
  [SEMD_BALL_COUNTS]: BallKernel;
}

export type OpName = keyof KernelMap;

/** Every op name (for listings and the architecture table test). */
export const OP_NAMES: OpName[] = [
  EFP, OBSERVABLES, IMAGES, GROOM, AUC, ADO, ADO_DISAGREE, ADO_DISAGREE_BATCH,
  SEMD_SPECTRA, SEMD_MATRIX, SEMD_EMBED, SEMD_KNN, SEMD_BALL_COUNTS,
];
