// Jet substructure: observables (mass, ECFs, N-subjettiness) and jet images.
export { observables, observablesReference, type ObservablesOptions, type ObservablesResult } from './observables.js';
export { defaultColumns, parseColumn, type AxesKind } from './request.js';
export { exclusiveKtAxes, type KtAxes, type Recombination } from './cluster.js';
export { jetImages, type ImageOptions, type ImageCenter, type ImageRotate, type JetImages } from './images.js';
