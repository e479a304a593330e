import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { JetlensInputError } from '../errors.js';
import { labelVector, readArray, readJets, readTable } from '../io/index.js';
import { jetImagesForCnn } from './data.js';
import { efnInputs, imageInputs, type ModelData, pfnInputs, tableInputs } from './inputs.js';
import { isParticleModel, type ModelKind } from './models.js';

// Reading model inputs from files, shared by `jetlens train` and `jetlens predict`.

export interface DataFileOptions {
  features?: string[]; // dnn: columns (default: all but the labels and 'w')
  labels?: string; // dnn: labels column (default 'y'); cnn: array spec (default FILE.npz:y)
  dataset?: string; // jets: particle array name
  maxParticles?: number;
  withPid?: boolean; // pfn: particle-id channel
  npix?: number; // cnn from jets: image side (default 33)
  imageWidth?: number; // cnn from jets: half-width in (y, phi) (default 1.0)
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
 * CNN inputs. Images (N, npix, npix[, 1]): a .npy, or FILE.npz:images (labels from --labels or FILE.npz:y). Jets (a
 * jet file: .npz with X and no images, .h5, .csv, .jsonl, or a .npy of shape (N, M, 3|4) with M != 3|4): pixelised
 * here with src/jss jetImages (npix, imageWidth), labels from the jet file.
 */
async function readImages(spec: string, o: DataFileOptions, needLabels: boolean): Promise<ModelData> {
  const labelsSpec = o.labels;
  const [file, name] = splitSpec(spec);
  const isNpz = /\.npz$/i.test(file);
  const isNpy = /\.npy$/i.test(file);
  let images: Awaited<ReturnType<typeof readArray>> | undefined;
  if (isNpy) images = await readArray(spec);
  else if (isNpz) images = await readArray(`${file}:${name ?? 'images'}`).catch(() => undefined); // no images: jets
  const isImageShape = (s: number[]) => (s.length === 3 && s[1] === s[2]) || (s.length === 4 && s[1] === s[2] && s[3] === 1);
  if (!images || !isImageShape(images.shape)) {
    const jets = await readJets(file, { dataset: o.dataset });
    if (needLabels && !jets.labels) throw new JetlensInputError('the jets have no labels (array y)', { file });
    const im = await jetImagesForCnn(jets, o.npix ?? 33, o.imageWidth ?? 1.0);
    return imageInputs(im, jets.labels);
  }
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
  return imageInputs({ data: images.data as ArrayLike<number>, shape: images.shape }, labels);
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
