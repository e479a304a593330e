import { tf } from './backend.js';

export type LossName = 'bce' | 'lr';

const EPS = 1e-7;

/**
 * Weighted binary cross-entropy on sigmoid outputs p: -sum w [y log p + (1-y) log(1-p)] / sum w.
 * Its minimiser is p = p(x|S) / (p(x|S) + p(x|B)), monotone in the likelihood ratio (Neyman-Pearson).
 */
export function bceLoss(y: tf.Tensor, p: tf.Tensor, w: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const pc = tf.clipByValue(p, EPS, 1 - EPS);
    const ll = tf.add(tf.mul(y, tf.log(pc)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, pc))));
    return tf.div(tf.neg(tf.sum(tf.mul(w, ll))), tf.maximum(tf.sum(w), EPS)) as tf.Scalar;
  });
}

/**
 * Likelihood-ratio-trick loss L[f] = -<log f>_P + <f - 1>_Q with f > 0, P = label 1, Q = label 0, each average
 * weighted within its class. Its minimiser is f = p/q and its minimum is -KL(P||Q).
 */
export function lrLoss(y: tf.Tensor, f: tf.Tensor, w: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const wp = tf.mul(w, y);
    const wq = tf.mul(w, tf.sub(1, y));
    const termP = tf.div(tf.sum(tf.mul(wp, tf.log(tf.maximum(f, 1e-30)))), tf.maximum(tf.sum(wp), EPS));
    const termQ = tf.div(tf.sum(tf.mul(wq, tf.sub(f, 1))), tf.maximum(tf.sum(wq), EPS));
    return tf.add(tf.neg(termP), termQ) as tf.Scalar;
  });
}

export function lossFunction(name: LossName): (y: tf.Tensor, out: tf.Tensor, w: tf.Tensor) => tf.Scalar {
  return name === 'lr' ? lrLoss : bceLoss;
}

/** The same losses in float64 JS on predicted scores (validation loss without another pass through tfjs). */
export function lossValue(name: LossName, labels: ArrayLike<number>, out: ArrayLike<number>, w?: ArrayLike<number>): number {
  let sp = 0, sq = 0, wpSum = 0, wqSum = 0;
  for (let i = 0; i < labels.length; i++) {
    const wi = w ? w[i] : 1;
    const y = labels[i];
    if (name === 'lr') {
      if (y === 1) {
        sp += wi * Math.log(Math.max(out[i], 1e-30));
        wpSum += wi;
      } else {
        sq += wi * (out[i] - 1);
        wqSum += wi;
      }
    } else {
      const p = Math.min(Math.max(out[i], EPS), 1 - EPS);
      sp += wi * (y * Math.log(p) + (1 - y) * Math.log(1 - p));
      wpSum += wi;
    }
  }
  if (name === 'lr') return -sp / Math.max(wpSum, EPS) + sq / Math.max(wqSum, EPS);
  return -sp / Math.max(wpSum, EPS);
}
