import { JetlensInputError } from '../errors.js';
import type { JetBatch } from '../jets/batch.js';
import { efnInputs, imageInputs, type ModelData, pfnInputs, type ParticleOptions } from './inputs.js';
import type { JetModel } from './models.js';

/** Inputs of a particle model (efn, pfn, moments, lipschitz-efn) from jets. */
export function modelInputs(model: JetModel, jets: JetBatch, opts: ParticleOptions = {}): ModelData {
  switch (model.kind) {
    case 'pfn':
      return pfnInputs(jets, { ...opts, withPid: model.options.withPid });
    case 'efn':
    case 'moments':
    case 'lipschitz-efn':
      return efnInputs(jets, opts);
    case 'cnn':
      return imageInputs(jetImagesForCnn(jets, model.options.npix), jets.labels);
    default:
      throw new JetlensInputError(`model '${model.kind}' does not take jets (give a feature table)`);
  }
}

/**
 * Jet images for the CNN, computed from jets. The pixelisation belongs to the substructure op (src/jss/,
 * `jetImages`, jss.md), which is not merged yet: until it is, give the CNN images (N, npix, npix) from a .npy file.
 * Wire this function to jetImages when src/jss lands.
 */
export function jetImagesForCnn(_jets: JetBatch, _npix: number): { data: Float32Array; shape: number[] } {
  throw new JetlensInputError('computing jet images from jets needs the jss jetImages op (not available yet): pass images (N, npix, npix) as a .npy file');
}
