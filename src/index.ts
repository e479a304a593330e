// jetlens public API: what a service or a script imports.
export { JetBatch, wrapPhi, type JetBatchData } from './jets/batch.js';
export { toJetBatch, type JetsLike, type PaddedJets } from './jets/input.js';
export { PDG_MASSES, pdgMass, massesFromPids, withPdgMasses, withMasses } from './jets/pdg.js';
export { summarize, type JetSummary } from './jets/summary.js';
export { JetlensInputError, JetlensAbortError, type InputLocation } from './errors.js';
export { readJets, writeJets, readArray, readTable, writeNpy, writeNpz, writeTable, type NdArray } from './io/index.js';
export { loadNative, cudaDevices } from './backend/native.js';
export { getKernel, backendsFor, type BackendName } from './backend/dispatch.js';
export type { RunOptions } from './backend/control.js';
export { Rng } from './util/rng.js';
export {
  generate,
  generateAsync,
  generateWithTruth,
  generateMixture,
  generateMixtureAsync,
  type GenerateOptions,
  type MixtureOptions,
  type Process,
} from './jets/generator/index.js';
export { EFP, EFPSet, type EFPOptions, type Selection, type Spec, efpBruteForce, generateCatalog, defaultCatalog } from './efp/index.js';
export * from './jss/index.js';
export {
  auc,
  aucBootstrap,
  rocCurve,
  ado,
  adoOnDisagreement,
  adoOnDisagreementBatch,
  adoSampled,
  disagreeingPairs,
  type AucResult,
  type AdoResult,
  type AdoDisagreementResult,
  type RocCurve,
  type BootstrapResult,
  type SampledAdoResult,
} from './metrics/index.js';
export {
  initTf,
  createModel,
  train,
  predict,
  saveModel,
  loadModel,
  efnInputs,
  pfnInputs,
  tableInputs,
  imageInputs,
  cnnInputs,
  modelInputs,
  efnFilters,
  phiNetwork,
  bceLoss,
  lrLoss,
  lossValue,
  MODEL_KINDS,
  type ModelKind,
  type ModelOptions,
  type JetModel,
  type ModelData,
  type TrainOptions,
  type TrainResult,
  type EpochInfo,
} from './models/index.js';
export {
  computeSpectra,
  semdMatrix,
  semdCross,
  semdKnn,
  knnFromSpectra,
  ballCountsFromSpectra,
  type Spectra,
  type SemdOptions,
  type KnnOptions,
  type KnnResult,
} from './semd/index.js';
export { smearedLikelihood, nnScaling, fitWeibull, type SmearResult, type NnScalingResult, type WeibullFit } from './studies/smearing/index.js';
// Redis job queue (BullMQ): queue.submit / queue.wait / queue.JobQueue for producers, queue.startWorker for workers.
export * as queue from './queue/index.js';
