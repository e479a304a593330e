/** The study's black box: its jet images and CNN (measured choices: bench/cnn-diagnose.mjs, docs/guided.md). */
import type { ModelOptions } from '../models/index.js';

/**
 * The study's jet images (bench/cnn-diagnose.mjs, docs/guided.md): 25 x 25 pixels of 0.064 on [-0.8, 0.8]^2, so two
 * 0.1 calorimeter towers never share a pixel (the occupancy channel counts them) and trimmed W prongs (about
 * 2m/pT ~ 0.46 apart) fit; centred, rotated to the principal axis, flipped; pixel pT in GeV (not normalised).
 */
export const STUDY_IMAGES = { npix: 25, width: 0.8, center: 'centroid', rotate: 'principal', flip: true, normalize: false } as const;
/** The study's CNN: pT / 100 GeV and occupancy channels, the compact architecture. */
export const STUDY_CNN = (seed: number): ModelOptions => ({ seed, npix: STUDY_IMAGES.npix, imageWidth: STUDY_IMAGES.width, pixels: 'gev+occupancy', cnnLayers: 'compact' });
/**
 * How the study's CNN images are made (STUDY_IMAGES' centring, rotation and flip), saved with the model so that
 * `jetlens predict` on the jets makes the same images. Kept out of STUDY_CNN, which existing study directories
 * record in settings.json (they record STUDY_IMAGES already).
 */
export const STUDY_CNN_IMAGES: ModelOptions = { imageCenter: STUDY_IMAGES.center, imageRotate: STUDY_IMAGES.rotate, imageFlip: STUDY_IMAGES.flip };
