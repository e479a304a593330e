import { JetlensInputError } from '../errors.js';
import type { JetBatch } from '../jets/batch.js';
import { jetImages } from '../jss/images.js';
import { efnInputs, imageInputs, type ModelData, pfnInputs, type ParticleOptions } from './inputs.js';
import type { JetModel } from './models.js';

/** Inputs of a particle model (efn, pfn, moments, lipschitz-efn) from jets. For the CNN use cnnInputs. */
export function modelInputs(model: JetModel, jets: JetBatch, opts: ParticleOptions = {}): ModelData {
  switch (model.kind) {
    case 'pfn':
      return pfnInputs(jets, { ...opts, withPid: model.options.withPid });
    case 'efn':
    case 'moments':
    case 'lipschitz-efn':
      return efnInputs(jets, opts);
    case 'cnn':
      throw new JetlensInputError('the CNN takes jet images: use cnnInputs(model, jets) (async) or imageInputs(images)');
    default:
      throw new JetlensInputError(`model '${model.kind}' does not take jets (give a feature table)`);
  }
}

/**
 * Jet images for the CNN, computed from jets by the substructure op (src/jss jetImages: pT-weighted centroid
 * centring, no rotation, normalised to unit intensity) on [-width, width]^2 with npix pixels per side.
 */
export async function jetImagesForCnn(jets: JetBatch, npix: number, width = 1.0): Promise<{ data: Float32Array; shape: number[] }> {
  const im = await jetImages(jets, { npix, width });
  return { data: im.data, shape: im.shape };
}

/** CNN inputs from jets (images made with the model's npix and imageWidth), labels from the jets. */
export async function cnnInputs(model: JetModel, jets: JetBatch): Promise<ModelData> {
  return imageInputs(await jetImagesForCnn(jets, model.options.npix, model.options.imageWidth), jets.labels);
}
