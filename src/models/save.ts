import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JetlensInputError } from '../errors.js';
import { VERSION } from '../util/version.js';
import { tf } from './backend.js';
import './layers.js'; // registers the custom layer classes before any load
import { type JetModel, type ModelKind, MODEL_KINDS, resolveOptions, type ResolvedOptions, type ModelMeta } from './models.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic.js';

const FORMAT = 'jetlens-model/1';

/** jetlens.json: what the tfjs topology does not say. */
interface JetlensJson {
  format: string;
  kind: ModelKind;
  options: ResolvedOptions;
  meta: ModelMeta;
}

/** A tf.io handler writing model.json (topology + weights manifest) and weights.bin into a directory. */
export function directoryHandler(dir: string): tf.io.IOHandler {
  return {
    save: async (a: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => {
      await mkdir(dir, { recursive: true });
      const weights = a.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(a.weightData);
      const modelJson = {
        format: a.format ?? 'layers-model',
        generatedBy: a.generatedBy,
        convertedBy: a.convertedBy ?? null,
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs ?? [] }],
      };
      await writeFileAtomic(join(dir, 'model.json'), JSON.stringify(modelJson));
      await writeFileAtomic(join(dir, 'weights.bin'), new Uint8Array(weights));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...a, weightData: weights }) };
    },
    load: async (): Promise<tf.io.ModelArtifacts> => {
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      const bin = await readFile(join(dir, 'weights.bin'));
      const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: json.weightsManifest.flatMap((g: { weights: tf.io.WeightsManifestEntry[] }) => g.weights),
        weightData,
      };
    },
  };
}

/** Saves model.json, weights.bin, jetlens.json (kind, options, training metadata) and scaling.json (DNN). */
export async function saveModel(model: JetModel, dir: string): Promise<void> {
  await model.net.save(directoryHandler(dir));
  const versions = { jetlens: VERSION, tfjs: tf.version.tfjs, ...model.meta.versions };
  const doc: JetlensJson = { format: FORMAT, kind: model.kind, options: model.options, meta: { ...model.meta, versions } };
  await writeJsonAtomic(join(dir, 'jetlens.json'), doc);
  if (model.meta.scaling) await writeJsonAtomic(join(dir, 'scaling.json'), model.meta.scaling);
}

/** Loads a directory written by saveModel. */
export async function loadModel(dir: string): Promise<JetModel> {
  let doc: JetlensJson;
  try {
    doc = JSON.parse(await readFile(join(dir, 'jetlens.json'), 'utf8'));
  } catch (e) {
    throw new JetlensInputError(`not a jetlens model directory (${(e as Error).message.split('\n')[0]})`, { file: dir });
  }
  if (doc.format !== FORMAT || !MODEL_KINDS.includes(doc.kind)) throw new JetlensInputError(`unknown model format '${doc.format}'`, { file: dir });
  const net = await tf.loadLayersModel(directoryHandler(dir));
  // Options added since the model was saved get their defaults (the behaviour it was trained with); a CNN saved
  // before its image settings were recorded is marked, as its images from jets may not be the ones it saw.
  const meta = doc.kind === 'cnn' && doc.options.imageCenter === undefined ? { ...doc.meta, imageSettingsAssumed: true } : doc.meta;
  return { kind: doc.kind, options: resolveOptions(doc.kind, doc.options), net, meta };
}
