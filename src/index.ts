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
// Models (TensorFlow.js) load on first use: the async functions below import them; the synchronous ones need
// them loaded already (after `await initTf()`), or import them from 'jetlens/models' directly.
export { efnInputs, pfnInputs, tableInputs, imageInputs, type ModelData } from './models/inputs.js';
export { modelInputs, cnnInputs } from './models/data.js';
export { MODEL_KINDS, type ModelKind } from './models/kinds.js';
export type { ModelOptions, JetModel } from './models/models.js';
export type { TrainOptions, TrainResult, EpochInfo } from './models/train.js';
export {
  initTf, train, predict, saveModel, loadModel, createModel, phiNetwork, efnFilters, bceLoss, lrLoss, lossValue,
} from './lazy.js';
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
// Redis job queue (BullMQ, loaded on first use): queue.submit / queue.wait for producers, queue.startWorker for
// workers; the JobQueue class and the rest from 'jetlens/queue'.
export { queue } from './lazy.js';
export { smearedLikelihood, nnScaling, fitWeibull, fitConditionalWeibull, type SmearResult, type NnScalingResult, type WeibullFit } from './studies/smearing/index.js';
