import { JetlensInputError } from '../errors.js';
import type { JetBatch } from '../jets/batch.js';
import type { RunOptions } from '../backend/control.js';
import { jetImages, type ImageOptions } from '../jss/images.js';
import { efnInputs, imageInputs, type ModelData, pfnInputs, type ParticleOptions } from './inputs.js';
import { cnnChannels, type CnnImageSettings, type CnnPixels } from './kinds.js';
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

/** The jetImages options that make a CNN's images from jets (its saved settings; pixels decide normalize). */
export function cnnImageOptions(s: CnnImageSettings): ImageOptions {
  return { npix: s.npix, width: s.imageWidth, center: s.imageCenter, rotate: s.imageRotate, flip: s.imageFlip, normalize: s.pixels === 'normalized' };
}

/**
 * CNN inputs from jets, made exactly as for training: jetImages with the settings (cnnImageOptions), then the
 * pixels' channels. Labels from the jets. `run` passes threads, progress and abort to jetImages.
 */
export async function cnnInputsFromJets(jets: JetBatch, s: CnnImageSettings, run: RunOptions = {}): Promise<ModelData> {
  const im = await jetImages(jets, { ...run, ...cnnImageOptions(s) });
  // 'normalized': jetImages already divided each image by its sum (as models saved before pixels existed).
  return s.pixels === 'normalized' ? imageInputs(im, jets.labels) : pixelInputs(im, s.pixels, jets.labels);
}

/** CNN inputs from jets with the model's saved image settings (npix, imageWidth, centring, rotation, flip, pixels). */
export async function cnnInputs(model: JetModel, jets: JetBatch): Promise<ModelData> {
  return cnnInputsFromJets(jets, model.options);
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
