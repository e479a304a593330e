import { JetlensInputError } from '../errors.js';
import type { JetBatch } from '../jets/batch.js';
import { jetImages } from '../jss/images.js';
import { efnInputs, imageInputs, type ModelData, pfnInputs, type ParticleOptions } from './inputs.js';
import { cnnChannels, type CnnPixels, type JetModel } from './models.js';

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

/** CNN inputs from jets (images made with the model's npix, imageWidth and pixels), labels from the jets. */
export async function cnnInputs(model: JetModel, jets: JetBatch): Promise<ModelData> {
  const pixels = model.options.pixels ?? 'normalized'; // models saved before the option existed
  if (pixels === 'normalized') return imageInputs(await jetImagesForCnn(jets, model.options.npix, model.options.imageWidth), jets.labels);
  const im = await jetImages(jets, { npix: model.options.npix, width: model.options.imageWidth, normalize: false });
  return pixelInputs(im, pixels, jets.labels);
}

/**
 * CNN inputs from images in GeV (jetImages with normalize: false) for the given pixels: 'gev+occupancy' interleaves
 * pT / 100 GeV and occupancy (pixel > 0) into (N, npix, npix, 2); 'normalized' divides each image by its sum.
 */
export function pixelInputs(images: { data: ArrayLike<number>; shape: number[] }, pixels: CnnPixels, labels?: ArrayLike<number>): ModelData {
  const [n, h, w] = images.shape;
  const c = cnnChannels(pixels);
  if (images.shape.length !== 3 || h !== w) throw new JetlensInputError(`jet images must have shape (N, npix, npix), got (${images.shape.join(', ')})`);
  const px = h * w;
  const data = new Float32Array(n * px * c);
  for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let k = 0; k < px; k++) sum += images.data[j * px + k];
    for (let k = 0; k < px; k++) {
      const v = images.data[j * px + k];
      if (pixels === 'normalized') data[j * px + k] = sum > 0 ? v / sum : 0;
      else {
        data[(j * px + k) * 2] = v / 100;
        data[(j * px + k) * 2 + 1] = v > 0 ? 1 : 0;
      }
    }
  }
  return { inputs: [{ data, shape: [n, h, w, c] }], labels: labels ? Float64Array.from(labels) : undefined };
}
