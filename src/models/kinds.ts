import type { ImageCenter, ImageRotate } from '../jss/images.js';

// The model kinds, in a module without TensorFlow.js so that `import 'jetlens'` can list them without loading it.
export const MODEL_KINDS = ['dnn', 'cnn', 'efn', 'pfn', 'moments', 'lipschitz-efn'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/**
 * CNN pixels: 'normalized' = one channel, each image divided by its total pT (the jet pT is lost); 'gev+occupancy' =
 * two channels, pixel pT / 100 GeV (keeps the jet pT, so mass = pT x angle is learnable) and occupancy (1 where a
 * particle or tower fell: soft particles, multiplicity), which a linear pT scale hides from the convolutions.
 */
export type CnnPixels = 'normalized' | 'gev+occupancy';
export const CNN_PIXELS: CnnPixels[] = ['normalized', 'gev+occupancy'];
export function cnnChannels(pixels: CnnPixels): number {
  return pixels === 'gev+occupancy' ? 2 : 1;
}

/**
 * How a CNN's images are made from jets (saved with the model, so `jetlens predict` on jets makes the images it was
 * trained on): src/jss jetImages' npix, width (imageWidth), center, rotate and flip, then `pixels`.
 */
export interface CnnImageSettings {
  npix: number;
  imageWidth: number;
  pixels: CnnPixels;
  imageCenter: ImageCenter;
  imageRotate: ImageRotate;
  imageFlip: boolean;
}
/** The settings of models saved before they were recorded (what `jetlens train` on jets always used). */
export const LEGACY_CNN_IMAGES: Omit<CnnImageSettings, 'npix' | 'imageWidth' | 'pixels'> = { imageCenter: 'centroid', imageRotate: 'none', imageFlip: false };
