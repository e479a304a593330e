import { JetlensInputError } from '../../errors.js';
import { tf } from '../../models/index.js';

/** Double-centred distance matrix A_ij = a_ij - mean_i. - mean_.j + mean_.. with a_ij = |x_i - x_j| (float64). */
function centredDistances(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const a = new Float64Array(n * n);
  const row = new Float64Array(n);
  let all = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d = Math.abs(x[i] - x[j]);
      a[i * n + j] = d;
      row[i] += d / n;
    }
    all += row[i] / n;
  }
  // a is symmetric, so the column means equal the row means.
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] += all - row[i] - row[j];
  return a;
}

const meanProduct = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s / a.length;
};

/**
 * Squared distance correlation dCorr^2(x, y) = dCov^2(x, y) / sqrt(dCov^2(x, x) dCov^2(y, y)) (Szekely et al.;
 * the V-statistic, as in DisCo, arXiv:2001.05310). 0 iff independent (for large samples), 1 for y = a x + b.
 * Plain O(n^2) float64 reference; 0 when either variable is constant.
 */
export function distanceCorrelationSquared(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new JetlensInputError(`distance correlation: ${x.length} vs ${y.length} values`);
  if (x.length < 2) throw new JetlensInputError('distance correlation needs at least 2 values');
  const a = centredDistances(x);
  const b = centredDistances(y);
  const den = Math.sqrt(meanProduct(a, a) * meanProduct(b, b));
  return den > 0 ? meanProduct(a, b) / den : 0;
}

/** Weighted centring with event probabilities p (sum 1): A_ij = a_ij - r_i - r_j + g, r_i = sum_j p_j a_ij, g = sum_i p_i r_i. */
function centredDistancesTf(x: tf.Tensor1D, p: tf.Tensor2D): tf.Tensor2D {
  const n = x.shape[0];
  const d = tf.abs(tf.sub(tf.reshape(x, [n, 1]), tf.reshape(x, [1, n])));
  const r = tf.matMul(d, p); // (n, 1)
  const g = tf.sum(tf.mul(p, r));
  return tf.add(tf.sub(tf.sub(d, r), tf.transpose(r)), g) as tf.Tensor2D;
}

/**
 * dCorr^2 in tf ops (differentiable; the DisCo penalty on a batch), optionally with per-event weights w >= 0: events
 * of weight 0 drop out exactly (how the penalty is restricted to the background without a gather, whose gradient
 * the wasm backend lacks). `eps` keeps the square root's gradient finite.
 */
export function distanceCorrelationSquaredTf(x: tf.Tensor1D, y: tf.Tensor1D, w?: tf.Tensor1D, eps = 1e-12): tf.Scalar {
  return tf.tidy(() => {
    if (!w) return unweightedTf(x, y, eps);
    const n = x.shape[0];
    const p = tf.reshape(tf.div(w, tf.maximum(tf.sum(w), 1e-30)), [n, 1]) as tf.Tensor2D;
    const pp = tf.matMul(p, p, false, true); // p_i p_j
    const a = centredDistancesTf(x, p);
    const b = centredDistancesTf(y, p);
    const cov = (u: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(pp, tf.mul(u, v)));
    return tf.div(cov(a, b), tf.sqrt(tf.add(tf.mul(cov(a, a), cov(b, b)), eps))) as tf.Scalar;
  });
}

/** Unweighted dCorr^2 with plain means (better float32 rounding than the weighted sums). */
function unweightedTf(x: tf.Tensor1D, y: tf.Tensor1D, eps: number): tf.Scalar {
  const centred = (v: tf.Tensor1D) => {
    const n = v.shape[0];
    const d = tf.abs(tf.sub(tf.reshape(v, [n, 1]), tf.reshape(v, [1, n])));
    return tf.add(tf.sub(tf.sub(d, tf.mean(d, 0, true)), tf.mean(d, 1, true)), tf.mean(d));
  };
  const a = centred(x);
  const b = centred(y);
  return tf.div(tf.mean(tf.mul(a, b)), tf.sqrt(tf.add(tf.mul(tf.mean(tf.mul(a, a)), tf.mean(tf.mul(b, b))), eps))) as tf.Scalar;
}
