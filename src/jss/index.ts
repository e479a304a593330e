// Jet substructure: observables (mass, ECFs, N-subjettiness) and jet images.
export { observables, observablesReference, type ObservablesOptions, type ObservablesResult } from './observables.js';
export { defaultColumns, parseColumn, type AxesKind } from './request.js';
export { exclusiveKtAxes, type KtAxes, type Recombination } from './cluster.js';
export { jetImages, type ImageOptions, type ImageCenter, type ImageRotate, type JetImages } from './images.js';
export {
  groom, groomReference, trim, softDrop, trimReference, softDropReference, keepConstituents, jetFourMomenta, checkGroomSpec,
  type GroomSpec, type GroomResult, type TrimOptions, type SoftDropOptions,
} from './groom.js';
export { recluster, transverseMass, type ClusterAlgorithm, type ClusterTree } from './cluster.js';
