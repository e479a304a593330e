import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { JetlensInputError } from '../errors.js';
import { labelVector, readArray, readJets, readTable } from '../io/index.js';
import { cnnInputsFromJets, pixelInputs } from './data.js';
import { efnInputs, imageInputs, type ModelData, pfnInputs, tableInputs } from './inputs.js';
import { cnnChannels, LEGACY_CNN_IMAGES, type CnnImageSettings, type ModelKind } from './kinds.js';
import { isParticleModel } from './models.js';

// Reading model inputs from files, shared by `jetlens train` and `jetlens predict`.

export interface DataFileOptions extends Partial<CnnImageSettings> {
  features?: string[]; // dnn: columns (default: all but the labels and 'w')
  labels?: string; // dnn: labels column (default 'y'); cnn: array spec (default FILE.npz:y)
  dataset?: string; // jets: particle array name
  maxParticles?: number;
  withPid?: boolean; // pfn: particle-id channel
  // cnn: npix (default 33), imageWidth (1.0), imageCenter/imageRotate/imageFlip (jetImages'), pixels ('normalized'):
  // pass a saved model's options to make the images it was trained on (CnnImageSettings).
}

/** The CNN image settings of `o`, with the defaults of `jetlens train`. */
function imageSettings(o: DataFileOptions): CnnImageSettings {
  return {
    npix: o.npix ?? 33, imageWidth: o.imageWidth ?? 1.0, pixels: o.pixels ?? 'normalized',
    imageCenter: o.imageCenter ?? LEGACY_CNN_IMAGES.imageCenter, imageRotate: o.imageRotate ?? LEGACY_CNN_IMAGES.imageRotate, imageFlip: o.imageFlip ?? LEGACY_CNN_IMAGES.imageFlip,
  };
}

/** SHA-256 of a file (recorded in the saved model's metadata). */
export async function fileHash(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

/** The DNN's feature columns: given, or every 1-d column but labels and weights. */
export function featureColumns(columns: Record<string, Float64Array>, o: DataFileOptions): string[] {
  // With --labels FILE:COLUMN the table's own y (if any) is still a label, not a feature.
  const labels = new Set(['y', ...(o.labels ? [splitSpec(o.labels)[1] ?? o.labels] : [])]);
  const names = o.features ?? Object.keys(columns).filter((k) => !labels.has(k) && k !== 'w');
  if (names.length === 0) throw new JetlensInputError(`no feature columns (has: ${Object.keys(columns).join(', ') || 'none'}); the dnn needs a table of per-jet features`);
  return names;
}

/**
 * The dnn's labels: a column of the feature table (`--labels NAME`, default y) or any array spec
 * (`--labels FILE:COLUMN`, e.g. t.npz:y or labels.csv:is_signal); one-hot (N, 2) is read as argmax.
 */
async function tableLabels(file: string, columns: Record<string, Float64Array>, spec: string | undefined, needLabels: boolean): Promise<Float64Array | undefined> {
  if (spec && splitSpec(spec)[1] !== undefined) return labelVector(await readArray(spec), `--labels ${spec}`);
  if (spec && /\.(npy|npz|csv|h5|hdf5)$/i.test(spec)) return labelVector(await readArray(spec), `--labels ${spec}`);
  const name = spec ?? 'y';
  if (needLabels && !columns[name]) throw new JetlensInputError(`no labels column '${name}' (choose one with --labels NAME or --labels FILE:COLUMN)`, { file });
  return columns[name];
}

/** Splits 'file.npz:name' into file and name. */
function splitSpec(spec: string): [string, string | undefined] {
  const m = /^(.*?\.(?:npy|npz|csv|h5|hdf5))(?::(.+))?$/i.exec(spec);
  return m ? [m[1], m[2]] : [spec, undefined];
}

/**
 * CNN inputs. Images: a .npy, or FILE.npz:images (labels from --labels or FILE.npz:y), either (N, npix, npix[, 1])
 * (taken as they are for 'normalized' pixels; in GeV, as the study's images.npy, for 'gev+occupancy') or already
 * the model's channels (N, npix, npix, C). Jets (a jet file: .npz with X and no images, .h5, .csv, .jsonl, or a .npy
 * of shape (N, M, 3|4) with M != 3|4): pixelised here with src/jss jetImages and the image settings, labels from
 * the jet file.
 */
async function readImages(spec: string, o: DataFileOptions, needLabels: boolean): Promise<ModelData> {
  const settings = imageSettings(o);
  const [file, name] = splitSpec(spec);
  const isNpz = /\.npz$/i.test(file);
  let images: Awaited<ReturnType<typeof readArray>> | undefined;
  if (/\.npy$/i.test(file)) images = await readArray(spec);
  else if (isNpz) images = await readArray(`${file}:${name ?? 'images'}`).catch(() => undefined); // no images: jets
  const isImageShape = (s: number[]) => s[1] === s[2] && (s.length === 3 || (s.length === 4 && (s[3] === 1 || s[3] === cnnChannels(settings.pixels))));
  if (!images || !isImageShape(images.shape)) {
    const jets = await readJets(file, { dataset: o.dataset });
    if (needLabels && !jets.labels) throw new JetlensInputError('the jets have no labels (array y)', { file });
    return cnnInputsFromJets(jets, settings);
  }
  const labels = await imageLabels(file, isNpz, o.labels, needLabels);
  const im = { data: images.data as ArrayLike<number>, shape: images.shape };
  if (im.shape.length === 4 && im.shape[3] > 1) return { inputs: [{ data: Float32Array.from(im.data), shape: im.shape }], labels: labels && Float64Array.from(labels) };
  return settings.pixels === 'normalized' ? imageInputs(im, labels) : pixelInputs({ data: im.data, shape: im.shape.slice(0, 3) }, settings.pixels, labels);
}

/** The labels of an images file: --labels, else FILE.npz:y (optional unless needed). */
async function imageLabels(file: string, isNpz: boolean, labelsSpec: string | undefined, needLabels: boolean): Promise<ArrayLike<number> | undefined> {
  let labels: ArrayLike<number> | undefined;
  const lspec = labelsSpec ?? (isNpz ? `${file}:y` : undefined);
  if (lspec) {
    try {
      labels = labelVector(await readArray(lspec), `--labels ${lspec}`);
    } catch (e) {
      if (needLabels || labelsSpec) throw e;
    }
  }
  if (needLabels && !labels) throw new JetlensInputError('the CNN needs labels: give --labels FILE.npy (or an .npz with images and y)', { file });
  return labels;
}

/**
 * Model inputs from a file: jets (efn, pfn, moments, lipschitz-efn), a feature table (dnn) or jet images (cnn).
 * For prediction pass the saved model's feature names as `o.features`.
 */
export async function readModelData(kind: ModelKind, file: string, o: DataFileOptions, needLabels: boolean): Promise<ModelData & { featureNames?: string[] }> {
  if (kind === 'dnn') {
    const columns = await readTable(file);
    const features = featureColumns(columns, o);
    const labels = await tableLabels(file, columns, o.labels, needLabels);
    return { ...tableInputs(columns, features, labels), featureNames: features };
  }
  if (kind === 'cnn') return readImages(file, o, needLabels);
  if (!isParticleModel(kind)) throw new JetlensInputError(`unknown model kind '${kind}'`);
  const jets = await readJets(file, { dataset: o.dataset });
  if (needLabels && !jets.labels) throw new JetlensInputError('the jets have no labels (array y)', { file });
  const po = { maxParticles: o.maxParticles };
  return kind === 'pfn' ? pfnInputs(jets, { ...po, withPid: o.withPid ?? false }) : efnInputs(jets, po);
}
