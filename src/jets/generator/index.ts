// The built-in toy jet generator: see generate.ts for what it is and is not.
export {
  generate,
  generateAsync,
  generateWithTruth,
  generateWithTruthAsync,
  generateMixture,
  generateMixtureAsync,
  streamSeed,
  type GeneratedJets,
  type JetTruthColumns,
  type GenerateRunOptions,
  type MixtureOptions,
} from './generate.js';
export { PROCESSES, type GenerateOptions, type Process, type SmearOptions } from './options.js';
export { W_MASS, W_WIDTH, INITIATOR } from './jet.js';
export { alphaS, pGQ, pGG, pQG } from './qcd.js';
