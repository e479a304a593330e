// Spectral EMD (p = 2) and exact nearest neighbours. The studies built on them (smeared likelihood, minimal-distance
// scaling) live in src/studies/smearing/.
export { computeSpectra, spectraBackend, spectraReference, selectSpectra, spectraCount, totalWeights, type Spectra, type SpectrumOptions } from './spectrum.js';
export { semdMatrix, semdCross, semdMatrixFromSpectra, semdReference, semd2Reference, checkScale, type SemdOptions } from './distance.js';
export { embedSpectra, maxTotalWeight, type Embedding } from './embed.js';
export { semdKnn, knnFromSpectra, ballCountsFromSpectra, type KnnOptions, type KnnResult, type BallCounts } from './knn.js';
