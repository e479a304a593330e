// Studies on Spectral EMD: the smeared likelihood (AUC versus eps) and minimal-distance (nearest-neighbour) scaling,
// with their report figures. Core SEMD (spectra, distances, kNN, ball counts) is in src/semd/.
export { smearedLikelihood, defaultEpsGrid, type SmearOptions, type SmearResult, type SmearPoint } from './smear.js';
export { nnScaling, fitWeibull, fitLine, type NnScalingOptions, type NnScalingResult, type WeibullFit } from './evt.js';
export { smearSections, nnScalingSections } from './figures.js';
export { fitConditionalWeibull, type ConditionalWeibullFit } from './weibull-cond.js';
export { smearSizeScan, nestedSubsamples, type SizeScanEntry } from './sizes.js';
export { referenceAucs, referenceAuc, simpleColumns, gevPerUnit, type ReferenceAuc } from './references.js';
