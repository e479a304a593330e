// Models and training on TensorFlow.js (wasm backend in Node, cpu fallback; tfjs-node if the user installed it).
export { initTf, ensureTf, activeBackend, tf, type TfBackendName, type TfBackendOptions } from './backend.js';
export { createModel, resolveOptions, phiNetwork, evalPhi, efnFilters, isParticleModel, cnnChannels, CNN_PIXELS, MODEL_KINDS, type ModelKind, type CnnImageSettings, type CnnPixels, type CnnLayers, type ModelOptions, type JetModel, type ModelMeta, type Head } from './models.js';
export { efnInputs, pfnInputs, tableInputs, imageInputs, particleArrays, takeSamples, takeRows, sampleCount, type ModelData, type Block, type ParticleOptions } from './inputs.js';
export { bceLoss, lrLoss, lossValue, type LossName } from './losses.js';
export { train, predict, checkInputShapes, splitIndices, dataHash, fitScaling, type TrainOptions, type TrainResult, type EpochInfo } from './train.js';
export { saveModel, loadModel, directoryHandler } from './save.js';
export { momentCombinations, momentFeatureCount } from './layers.js';
export { modelInputs, cnnInputs, cnnInputsFromJets, cnnImageOptions, jetImagesForCnn, pixelInputs } from './data.js';
export { trainInWorker, startTrainingWorker, stopTrainingWorker } from './worker-train.js';
export { JETLENS_BACKEND, nativeTfConfig } from './native-backend.js';
