import { tf } from './backend.js';

// Custom Keras-style layers. Each is registered with tfjs serialization so a saved model loads back with them.

type Kwargs = Record<string, unknown>;
type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];

/** (x - mean) / std with the training set's mean and spread stored as non-trainable weights (saved with the model). */
export class Standardize extends tf.layers.Layer {
  static className = 'JetlensStandardize';
  private mean!: tf.LayerVariable;
  private std!: tf.LayerVariable;

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const f = shape[shape.length - 1] as number;
    this.mean = this.addWeight('mean', [f], 'float32', tf.initializers.zeros(), undefined, false);
    this.std = this.addWeight('std', [f], 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.div(tf.sub(x, this.mean.read()), this.std.read());
    });
  }
}

/** EFN pooling: sum_i w_i Phi(p_i) over particles; inputs [Phi (N,M,L), w (N,M)] -> (N,L). Zero w masks padding. */
export class WeightedSum extends tf.layers.Layer {
  static className = 'JetlensWeightedSum';

  override computeOutputShape(inputShape: tf.Shape[]): tf.Shape {
    const phi = inputShape[0];
    return [phi[0], phi[2]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [phi, w] = inputs as tf.Tensor[];
      return tf.sum(tf.mul(phi, tf.expandDims(w, -1)), 1);
    });
  }
}

/** Index combinations a1 <= a2 <= ... <= am of 0..L-1, in lexicographic order. */
export function momentCombinations(latent: number, m: number): number[][] {
  let combos: number[][] = Array.from({ length: latent }, (_, a) => [a]);
  for (let k = 2; k <= m; k++) {
    const next: number[][] = [];
    for (const c of combos) for (let a = c[c.length - 1]; a < latent; a++) next.push([...c, a]);
    combos = next;
  }
  return combos;
}

/** Number of moment features of orders 1..k for latent size L: sum_m C(L + m - 1, m). */
export function momentFeatureCount(latent: number, order: number): number {
  let n = 0;
  for (let m = 1; m <= order; m++) n += momentCombinations(latent, m).length;
  return n;
}

/**
 * Moment pooling (Gambhir, Osathapan, Thaler 2024): for orders m = 1..k the features
 * < Phi^a1 ... Phi^am > = sum_i w_i Phi^a1(p_i) ... Phi^am(p_i) over a1 <= ... <= am, concatenated by order.
 * Products are built order by order with one-hot selection matmuls (no gather, whose gradient wasm lacks).
 */
export class MomentPooling extends tf.layers.Layer {
  static className = 'JetlensMomentPooling';
  readonly order: number;

  constructor(args: LayerArgs & { order?: number } = {}) {
    super(args);
    this.order = args.order ?? 2;
  }

  override computeOutputShape(inputShape: tf.Shape[]): tf.Shape {
    const phi = inputShape[0];
    return [phi[0], momentFeatureCount(phi[2] as number, this.order)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [phi, w] = inputs as tf.Tensor[];
      const latent = phi.shape[2] as number;
      const phiFlat = tf.reshape(phi, [-1, latent]);
      const wCol = tf.reshape(w, [-1, 1]);
      const pooled: tf.Tensor[] = [];
      let prev = phiFlat; // products of order m-1, rows = particles
      let prevCombos = momentCombinations(latent, 1);
      const sumOver = (p: tf.Tensor2D | tf.Tensor) => tf.sum(tf.reshape(tf.mul(p, wCol), [-1, phi.shape[1] as number, p.shape[1] as number]), 1);
      pooled.push(sumOver(prev));
      for (let m = 2; m <= this.order; m++) {
        const combos = momentCombinations(latent, m);
        const selPrev = new Float32Array(prevCombos.length * combos.length);
        const selNew = new Float32Array(latent * combos.length);
        const prevIndex = new Map(prevCombos.map((c, i) => [c.join(','), i]));
        combos.forEach((c, j) => {
          selPrev[prevIndex.get(c.slice(0, -1).join(','))! * combos.length + j] = 1;
          selNew[c[c.length - 1] * combos.length + j] = 1;
        });
        const left = tf.matMul(prev as tf.Tensor2D, tf.tensor2d(selPrev, [prevCombos.length, combos.length]));
        const right = tf.matMul(phiFlat as tf.Tensor2D, tf.tensor2d(selNew, [latent, combos.length]));
        prev = tf.mul(left, right);
        prevCombos = combos;
        pooled.push(sumOver(prev));
      }
      return pooled.length === 1 ? pooled[0] : tf.concat(pooled, 1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), order: this.order };
  }
}

/**
 * Dense layer with a provable Lipschitz bound c: the kernel used is W * min(1, c / s(W)) where s(W) is an upper
 * bound on the spectral norm ||W||_2 computed without iteration to convergence. With A = W^T W (or W W^T, the
 * smaller), ||W||_2^2 = lambda_max(A) = rho(A^k)^(1/k) <= ||A^k||_inf^(1/k) for any k (any induced norm bounds the
 * spectral radius); we take k = 16 by repeated squaring of A / ||A||_F (scaled so nothing overflows). The bound is
 * provable (up to float32 rounding) and tight: at most n^(1/64) ~ 1.08 above ||W||_2 for n = 128, where the
 * Frobenius bound can be sqrt(rank) ~ 10x loose. With 1-Lipschitz activations (ReLU) n layers give c^n.
 */
export class LipschitzDense extends tf.layers.Layer {
  static className = 'JetlensLipschitzDense';
  readonly units: number;
  readonly bound: number;
  readonly activation: 'relu' | 'linear';
  readonly seed: number;
  private kernel!: tf.LayerVariable;
  private bias!: tf.LayerVariable;

  constructor(args: LayerArgs & { units: number; bound?: number; activation?: 'relu' | 'linear'; seed?: number }) {
    super(args);
    this.units = args.units;
    this.bound = args.bound ?? 1;
    this.activation = args.activation ?? 'relu';
    this.seed = args.seed ?? 0;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const fin = shape[shape.length - 1] as number;
    this.kernel = this.addWeight('kernel', [fin, this.units], 'float32', tf.initializers.glorotUniform({ seed: this.seed }));
    this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  /** The kernel actually applied (rescaled so its spectral norm is at most `bound`). */
  effectiveKernel(): tf.Tensor2D {
    return tf.tidy(() => {
      const w = this.kernel.read() as tf.Tensor2D;
      const scale = tf.minimum(1, tf.div(this.bound, spectralNormBound(w)));
      return tf.mul(w, scale) as tf.Tensor2D;
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = inputShape as tf.Shape;
    return [...s.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const fin = x.shape[x.shape.length - 1] as number;
      const flat = tf.reshape(x, [-1, fin]) as tf.Tensor2D;
      let y: tf.Tensor = tf.add(tf.matMul(flat, this.effectiveKernel()), this.bias.read());
      if (this.activation === 'relu') y = tf.relu(y);
      return tf.reshape(y, [...x.shape.slice(0, -1).map((d) => d ?? -1), this.units]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, bound: this.bound, activation: this.activation, seed: this.seed };
  }
}

/** Upper bound on ||W||_2 (see LipschitzDense): sqrt(||A^16||_inf^(1/16)) with A = W^T W, by repeated squaring. */
export function spectralNormBound(w: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const [fin, units] = w.shape;
    const a = fin <= units ? tf.matMul(w, w, false, true) : tf.matMul(w, w, true, false);
    const s = tf.add(tf.norm(a), 1e-30);
    let b = tf.div(a, s) as tf.Tensor2D; // lambda_max(b) in [1/sqrt(n), 1]: b^16 stays in float32 range
    for (let k = 0; k < 4; k++) b = tf.matMul(b, b);
    const rowSum = tf.max(tf.sum(tf.abs(b), 1));
    const lambda = tf.mul(s, tf.exp(tf.div(tf.log(tf.add(rowSum, 1e-37)), 16)));
    return tf.sqrt(lambda) as tf.Scalar;
  });
}

/** Output head f = exp(x) for the likelihood-ratio loss (f > 0). Softplus is a built-in activation. */
export class ExpHead extends tf.layers.Layer {
  static className = 'JetlensExpHead';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.exp(Array.isArray(inputs) ? inputs[0] : inputs));
  }
}

for (const cls of [Standardize, WeightedSum, MomentPooling, LipschitzDense, ExpHead]) {
  tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
}

export type { Kwargs };
