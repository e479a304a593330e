import { Rng } from '../util/rng.js';
import { tf } from './backend.js';
import { ExpHead, LipschitzDense, MomentPooling, Standardize, WeightedSum } from './layers.js';
import type { ImageCenter, ImageRotate } from '../jss/images.js';
import { CNN_PIXELS, cnnChannels, LEGACY_CNN_IMAGES, MODEL_KINDS, type CnnImageSettings, type CnnPixels, type ModelKind } from './kinds.js';

// The kinds and pixel choices live in kinds.ts so that data.ts (on `import 'jetlens'`'s path) stays free of tfjs.
export { CNN_PIXELS, cnnChannels, MODEL_KINDS, type CnnImageSettings, type CnnPixels, type ModelKind };
export type Head = 'sigmoid' | 'softplus' | 'exp';
/** 'classic': 3 x conv 32 4x4, pools after the first two, dense 64; 'compact': conv 32 5x5, pool, 2 x conv 32 3x3 (pool after the first), dense 128. */
export type CnnLayers = 'classic' | 'compact';

/** Architecture options; every field has a default (docs/models.md). */
export interface ModelOptions {
  seed?: number; // initial weights (default 0)
  head?: Head; // output: sigmoid for BCE, softplus or exp (f > 0) for the likelihood-ratio loss (default sigmoid)
  nFeatures?: number; // dnn: number of input columns (required for dnn)
  featureNames?: string[]; // dnn: stored for the record
  hidden?: number[]; // dnn layers, and the F network of particle models (default 100,100,100)
  npix?: number; // cnn image side (default 33)
  imageWidth?: number; // cnn images made from jets span [-w, w]^2 in (y, phi) (default 1.0, as jss jetImages)
  pixels?: CnnPixels; // cnn input channels (default 'normalized'; see CnnPixels)
  imageCenter?: ImageCenter; // cnn images made from jets: jss jetImages center (default 'centroid')
  imageRotate?: ImageRotate; // ... rotate (default 'none')
  imageFlip?: boolean; // ... flip (default false)
  cnnLayers?: CnnLayers; // cnn architecture (default 'classic'; see buildCnn)
  phiSizes?: number[]; // Phi hidden layers (default 100,100)
  latent?: number; // Phi output size L (default 128; 8 for moments)
  order?: number; // moments: pooling order k, 1..4 (default 2)
  withPid?: boolean; // pfn: a pid channel (default false)
  lipschitz?: number; // lipschitz-efn: the bound L on Phi (default 1)
}

export type ResolvedOptions = Required<Omit<ModelOptions, 'featureNames' | 'nFeatures'>> & Pick<ModelOptions, 'featureNames' | 'nFeatures'>;

/** Training record stored with a saved model. */
export interface ModelMeta {
  seed?: number;
  dataHash?: string;
  dataFile?: string;
  versions?: Record<string, string>;
  backend?: string;
  trainedAt?: string;
  epochs?: number;
  testAUC?: number;
  scaling?: { features?: string[]; mean: number[]; std: number[] };
  maxParticles?: number;
  /** Trained with a DisCo penalty (jetlens train --decorrelate): the column and the strength lambda. */
  decorrelation?: { against: string; strength: number };
  /** Set by loadModel on a CNN saved before its image settings (imageCenter, imageRotate, imageFlip) were recorded. */
  imageSettingsAssumed?: boolean;
}

/** A jetlens model: the tfjs network plus what is needed to feed it and to reproduce it. */
export interface JetModel {
  kind: ModelKind;
  options: ResolvedOptions;
  net: tf.LayersModel;
  meta: ModelMeta;
}

export function resolveOptions(kind: ModelKind, o: ModelOptions = {}): ResolvedOptions {
  if (!MODEL_KINDS.includes(kind)) throw new Error(`unknown model '${kind}' (expected ${MODEL_KINDS.join(', ')})`);
  const order = o.order ?? 2;
  if (kind === 'moments' && !(Number.isInteger(order) && order >= 1 && order <= 4)) throw new Error(`moment pooling order must be 1..4, got ${order}`);
  if (kind === 'dnn' && !(o.nFeatures && o.nFeatures > 0)) throw new Error('dnn needs nFeatures (number of input columns)');
  const r: ResolvedOptions = {
    seed: o.seed ?? 0,
    head: o.head ?? 'sigmoid',
    nFeatures: o.nFeatures,
    featureNames: o.featureNames,
    hidden: o.hidden ?? [100, 100, 100],
    npix: o.npix ?? 33,
    imageWidth: o.imageWidth ?? 1.0,
    pixels: o.pixels ?? 'normalized',
    imageCenter: o.imageCenter ?? LEGACY_CNN_IMAGES.imageCenter,
    imageRotate: o.imageRotate ?? LEGACY_CNN_IMAGES.imageRotate,
    imageFlip: o.imageFlip ?? LEGACY_CNN_IMAGES.imageFlip,
    cnnLayers: o.cnnLayers ?? 'classic',
    phiSizes: o.phiSizes ?? [100, 100],
    latent: o.latent ?? (kind === 'moments' ? 8 : 128),
    order,
    withPid: o.withPid ?? false,
    lipschitz: o.lipschitz ?? 1,
  };
  if (r.nFeatures === undefined) delete r.nFeatures; // so options survive a JSON round trip unchanged
  if (r.featureNames === undefined) delete r.featureNames;
  return r;
}

/** Builds an untrained model. Same kind, options and seed -> the same initial weights, bit for bit. */
export function createModel(kind: ModelKind, options: ModelOptions = {}): JetModel {
  const o = resolveOptions(kind, options);
  const seeds = new Rng(o.seed);
  const init = () => tf.initializers.glorotUniform({ seed: seeds.int(2 ** 31) });
  const dense = (units: number, activation: 'relu' | 'linear' | 'sigmoid' | 'softplus', name?: string) =>
    tf.layers.dense({ units, activation, kernelInitializer: init(), biasInitializer: 'zeros', name });
  const head = (x: tf.SymbolicTensor): tf.SymbolicTensor => {
    if (o.head === 'exp') return new ExpHead({ name: 'output' }).apply(dense(1, 'linear').apply(x) as tf.SymbolicTensor) as tf.SymbolicTensor;
    return dense(1, o.head, 'output').apply(x) as tf.SymbolicTensor;
  };
  const stack = (x: tf.SymbolicTensor, sizes: number[]) => sizes.reduce((h, u) => dense(u, 'relu').apply(h) as tf.SymbolicTensor, x);

  let net: tf.LayersModel;
  if (kind === 'dnn') {
    const input = tf.input({ shape: [o.nFeatures!], name: 'features' });
    const scaled = new Standardize({ name: 'standardize' }).apply(input) as tf.SymbolicTensor;
    net = tf.model({ inputs: input, outputs: head(stack(scaled, o.hidden)) });
  } else if (kind === 'cnn') {
    net = buildCnn(o, init, head);
  } else {
    const nFeat = kind === 'pfn' ? (o.withPid ? 4 : 3) : 2;
    const feats = tf.input({ shape: [null, nFeat], name: 'particles' });
    const w = tf.input({ shape: [null], name: kind === 'pfn' ? 'mask' : 'z' });
    let phi: tf.SymbolicTensor;
    if (kind === 'lipschitz-efn') {
      // Each of the n Phi layers is c-Lipschitz with c = L^(1/n), so Phi is L-Lipschitz (see LipschitzDense).
      const sizes = [...o.phiSizes, o.latent];
      const c = o.lipschitz ** (1 / sizes.length);
      phi = sizes.reduce(
        (h, u, i) => new LipschitzDense({ units: u, bound: c, seed: seeds.int(2 ** 31), name: i === sizes.length - 1 ? 'phi_out' : undefined }).apply(h) as tf.SymbolicTensor,
        feats,
      );
    } else {
      phi = dense(o.latent, 'relu', 'phi_out').apply(stack(feats, o.phiSizes)) as tf.SymbolicTensor;
    }
    const pool = kind === 'moments' ? new MomentPooling({ order: o.order, name: 'pool' }) : new WeightedSum({ name: 'pool' });
    const pooled = pool.apply([phi, w]) as tf.SymbolicTensor;
    net = tf.model({ inputs: [feats, w], outputs: head(stack(pooled, o.hidden)) });
  }
  return { kind, options: o, net, meta: { seed: o.seed } };
}

function buildCnn(
  o: ResolvedOptions,
  init: () => ReturnType<typeof tf.initializers.glorotUniform>,
  head: (x: tf.SymbolicTensor) => tf.SymbolicTensor,
): tf.LayersModel {
  // Stride-1 convolutions only (wasm's strided filter gradient is wrong); 'same' padding throughout (ours) so small
  // test images still reach the dense layer.
  // 'compact' (bench/cnn-diagnose.mjs): a 5x5 first layer sees a W prong pair's core at 25x25 pixels of 0.064, one
  // pool less keeps the soft-particle pattern, and a wider dense layer combines the two channels.
  if (!CNN_PIXELS.includes(o.pixels)) throw new Error(`cnn pixels must be one of ${CNN_PIXELS.join(', ')} (got '${o.pixels}')`);
  if (o.cnnLayers !== 'classic' && o.cnnLayers !== 'compact') throw new Error(`cnn layers must be classic or compact (got '${o.cnnLayers}')`);
  const [kernels, pools, units] = o.cnnLayers === 'compact' ? [[5, 3, 3], 2, 128] : [[4, 4, 4], 2, 64];
  const input = tf.input({ shape: [o.npix, o.npix, cnnChannels(o.pixels)], name: 'image' });
  let h: tf.SymbolicTensor = input;
  kernels.forEach((kernelSize, k) => {
    h = tf.layers.conv2d({ filters: 32, kernelSize, strides: 1, padding: 'same', activation: 'relu', kernelInitializer: init() }).apply(h) as tf.SymbolicTensor;
    if (k < pools) h = tf.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
  });
  h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  h = tf.layers.dense({ units, activation: 'relu', kernelInitializer: init() }).apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: head(h) });
}

/** Input channels of a CNN with these pixels. */

/** Whether the model takes particle inputs (JetBatch -> efnInputs/pfnInputs). */
export function isParticleModel(kind: ModelKind): boolean {
  return kind === 'efn' || kind === 'pfn' || kind === 'moments' || kind === 'lipschitz-efn';
}

/**
 * The per-particle map Phi of an EFN-like model as its own network: angles (G, 1, 2) -> (G, 1, L). Evaluate it on
 * a (y, phi) grid to draw the learned filters Phi_a(y, phi). For a PFN the input is (z, y, phi[, pid]).
 */
export function phiNetwork(model: JetModel): tf.LayersModel {
  if (!isParticleModel(model.kind)) throw new Error(`model '${model.kind}' has no per-particle network Phi`);
  return tf.model({ inputs: model.net.inputs[0], outputs: model.net.getLayer('phi_out').output as tf.SymbolicTensor });
}

/** Phi_a on a grid of angular points: returns (points, L) values, row-major. */
export function evalPhi(model: JetModel, points: Float32Array, nPoints: number): Float32Array {
  const phiNet = phiNetwork(model);
  const f = phiNet.inputs[0].shape[2] as number;
  return tf.tidy(() => {
    const out = phiNet.predict(tf.tensor3d(points, [nPoints, 1, f])) as tf.Tensor;
    return out.dataSync() as Float32Array;
  });
}

/**
 * The learned EFN filters Phi_a(y, phi) on a square grid of `gridSize`^2 points in [-R, R]^2 (the classic EFN
 * picture): data (L, gridSize, gridSize), row index = y, column index = phi. EFN-like models only (angles in).
 */
export function efnFilters(model: JetModel, opts: { gridSize?: number; R?: number } = {}): { data: Float32Array; shape: [number, number, number]; axis: Float64Array } {
  if (model.kind === 'pfn' || !isParticleModel(model.kind)) throw new Error(`filters Phi_a(y, phi) need an EFN-like model, not '${model.kind}'`);
  const g = opts.gridSize ?? 33;
  const R = opts.R ?? 0.4;
  const axis = Float64Array.from({ length: g }, (_, i) => (g === 1 ? 0 : -R + (2 * R * i) / (g - 1)));
  const pts = new Float32Array(2 * g * g);
  for (let a = 0; a < g; a++) for (let b = 0; b < g; b++) pts.set([axis[a], axis[b]], 2 * (a * g + b));
  const vals = evalPhi(model, pts, g * g); // (g*g, L)
  const L = vals.length / (g * g);
  const data = new Float32Array(L * g * g);
  for (let p = 0; p < g * g; p++) for (let l = 0; l < L; l++) data[l * g * g + p] = vals[p * L + l];
  return { data, shape: [L, g, g], axis };
}
