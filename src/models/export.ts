// Model export for other tools: the weights in Keras's HDF5 weights layout (what Keras 2 / tf.keras
// `model.save_weights('w.h5')` writes and `model.load_weights('w.h5')` reads, h5py-readable), plus the network's
// Keras topology JSON and jetlens's metadata as attributes. Written and read with h5wasm (no Python needed).
import { JetlensInputError } from '../errors.js';
import { tf } from './backend.js';
import type { JetModel } from './models.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type H5 = any;
async function h5(): Promise<H5> {
  const m = await import('h5wasm/node');
  await m.default.ready;
  return m.default;
}

/** Keras names a variable 'layer/kernel:0'; tfjs drops the ':0'. */
const kerasName = (name: string) => (/:\d+$/.test(name) ? name : `${name}:0`);

/** Creates the groups of a '/'-separated path below `root` (HDF5 does not create intermediate groups itself). */
function ensureGroups(f: H5, path: string[]): void {
  for (let i = 1; i <= path.length; i++) {
    const p = path.slice(0, i).join('/');
    if (!f.get(p)) f.create_group(p);
  }
}

/**
 * Writes `model`'s weights to `file` (.h5): root attributes layer_names, backend, keras_version; one group per layer
 * with attribute weight_names and one float32 dataset per weight at LAYER/WEIGHT_NAME, in the layer's own order.
 */
export async function exportKerasWeights(model: JetModel, file: string): Promise<void> {
  if (!/\.(h5|hdf5)$/i.test(file)) throw new JetlensInputError(`--out ${file}: Keras weights are written as .h5`);
  const h = await h5();
  const f = new h.File(file, 'w');
  try {
    const layers = model.net.layers;
    f.create_attribute('layer_names', layers.map((l) => l.name));
    f.create_attribute('backend', 'tensorflow');
    // Keras reads this to decide whether to convert Keras 1 weights; the layout is Keras 2's.
    f.create_attribute('keras_version', '2.15.0');
    f.create_attribute('jetlens_kind', model.kind);
    f.create_attribute('jetlens_model_config', JSON.stringify(model.net.toJSON(undefined, false)));
    f.create_attribute('jetlens_meta', JSON.stringify({ options: model.options, scaling: model.meta.scaling ?? null }));
    for (const layer of layers) {
      f.create_group(layer.name);
      const names = layer.weights.map((w) => kerasName(w.originalName ?? w.name));
      f.get(layer.name).create_attribute('weight_names', names.length ? names : ['']);
      const values = layer.getWeights();
      names.forEach((name, i) => {
        const parts = [layer.name, ...name.split('/')];
        ensureGroups(f, parts.slice(0, -1));
        const data = values[i].dataSync() as Float32Array;
        f.get(parts.slice(0, -1).join('/')).create_dataset({ name: parts[parts.length - 1], data: Float32Array.from(data), shape: values[i].shape });
      });
    }
  } finally {
    f.close();
  }
}

/** The weights of a Keras HDF5 weights file: layer name -> arrays in weight_names order. */
export async function readKerasWeights(file: string): Promise<Map<string, { shape: number[]; data: Float32Array }[]>> {
  const h = await h5();
  const f = new h.File(file, 'r');
  try {
    const out = new Map<string, { shape: number[]; data: Float32Array }[]>();
    const layerNames: string[] = [].concat(f.attrs.layer_names?.value ?? []);
    for (const l of layerNames) {
      const g = f.get(l);
      const names: string[] = [].concat(g?.attrs.weight_names?.value ?? []).filter((n: string) => n !== '');
      out.set(l, names.map((n) => {
        const d = f.get(`${l}/${n}`);
        if (!d) throw new JetlensInputError(`no dataset ${l}/${n}`, { file });
        return { shape: d.shape as number[], data: Float32Array.from(d.value as ArrayLike<number>) };
      }));
    }
    return out;
  } finally {
    f.close();
  }
}

/** Loads weights written by exportKerasWeights (or Keras's save_weights) into a model of the same architecture. */
export async function importKerasWeights(model: JetModel, file: string): Promise<void> {
  const w = await readKerasWeights(file);
  for (const layer of model.net.layers) {
    const arrays = w.get(layer.name);
    if (!arrays) throw new JetlensInputError(`no weights for layer '${layer.name}'`, { file });
    if (arrays.length !== layer.weights.length) throw new JetlensInputError(`layer '${layer.name}': ${arrays.length} weights, the model has ${layer.weights.length}`, { file });
    layer.setWeights(arrays.map((a) => tf.tensor(a.data, a.shape)));
  }
}
