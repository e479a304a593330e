// Uncertainties of a neural-network analysis (docs/uncertainty.md): bootstrap precision and bias, configuration scans,
// decorrelation from a chosen quantity (DisCo).
export { meanStd, columnMeanStd, efficiencies, workingPoint, histogram, type WorkingPoint } from './stats.js';
export {
  bootstrapTraining, bootstrapPrediction, scanConfigurations, resampleIndices,
  type BootstrapTrainingOptions, type BootstrapTrainingResult, type BootstrapPredictionResult, type SpreadSummary, type ScanConfig, type ScanRow,
} from './bootstrap.js';
export { parseScanConfigs, type ScanDefaults } from './configs.js';
export { distanceCorrelationSquared, distanceCorrelationSquaredTf } from './dcorr.js';
export {
  trainDecorrelated, decorrelationScan, jensenShannon,
  type DecorrelatedTrainOptions, type DecorrelationScanOptions, type DecorrelationRow,
} from './decorrelate.js';
export {
  adversarialShift, DEFAULT_LAMBDA_CLS, DEFAULT_LAMBDA_OBS, DEFAULT_EPOCHS, DEFAULT_LR, TF_OBSERVABLES,
  type AdversarialOptions, type AdversarialResult, type Checkpoint, type EpochRecord, type ParticleTensors, type TfObservable,
} from './adversarial.js';
export {
  bootstrapTrainingSections, bootstrapPredictionSections, scanSections, decorrelationSections, decorrelatedTrainingSections, worstCaseSections,
  rocWithBand, tprAt, binnedMean, histogramSection, ROC_GRID, MAX_RAW_VALUES,
} from './figures.js';
export { scheduledLr, setLearningRate } from './decorrelate.js';
export { Adversary, nuisanceClasses, trainPivot, type PivotTrainOptions } from './pivot.js';
export {
  warmDecorrelationScan, summarizeRows,
  type DecorrelationMethod, type WarmScanOptions, type WarmRow, type WarmSummary, type WarmScanResult,
} from './warm-scan.js';
export { tradeoffSections, type TradeoffFigureSettings } from './tradeoff-figures.js';
