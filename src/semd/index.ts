// Spectral EMD (p = 2), exact nearest neighbours, smeared likelihood, minimal-distance scaling.
export { computeSpectra, spectraReference, selectSpectra, totalWeights, type Spectra, type SpectrumOptions } from './spectrum.js';
export { semdMatrix, semdCross, semdMatrixFromSpectra, semdReference, semd2Reference, type SemdOptions } from './distance.js';
export { embedSpectra, maxTotalWeight, type Embedding } from './embed.js';
export { semdKnn, knnFromSpectra, ballCountsFromSpectra, type KnnOptions, type KnnResult, type BallCounts } from './knn.js';
export { smearedLikelihood, defaultEpsGrid, type SmearOptions, type SmearResult, type SmearPoint } from './smear.js';
export { nnScaling, fitWeibull, fitLine, type NnScalingOptions, type NnScalingResult, type WeibullFit } from './evt.js';
