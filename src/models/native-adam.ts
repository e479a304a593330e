import * as tf from '@tensorflow/tfjs';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { loadNative } from '../backend/native.js';
import { f32 } from './native-elementwise.js';
import { JETLENS_BACKEND } from './native-backend.js';

// tfjs's AdamOptimizer runs 14 elementwise kernels and makes 4 scalar tensors per variable and step. On a small
// dense network that bookkeeping was a third of a training step (per-op dispatch, not arithmetic), so on the
// 'jetlens' backend one native call (native/tf/adam.cc) updates value, first and second moment of a variable.
// It computes the same float32 operations in the same order, so the weights equal tfjs's Adam bit for bit; on
// any other backend, or for a non-float32 variable, tfjs's own applyGradients runs.

type Slot = { originalName: string; variable: tf.Variable };
/** The AdamOptimizer fields the fused path shares with tfjs's (so getWeights/setWeights/dispose keep working). */
interface AdamState {
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  incrementIterations(): void;
}

const fr = Math.fround;
type Grads = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/** Adam whose update is one native kernel per variable on the 'jetlens' backend; tfjs's Adam elsewhere. */
export class FusedAdam extends tf.AdamOptimizer {
  override applyGradients(grads: Grads): void {
    const addon = loadNative();
    if (tf.getBackend() !== JETLENS_BACKEND || typeof addon?.tfAdam !== 'function') return super.applyGradients(grads);
    const backend = tf.backend() as MathBackendCPU;
    const names = Array.isArray(grads) ? grads.map((g) => g.name) : Object.keys(grads);
    const gradOf = (i: number) => (Array.isArray(grads) ? grads[i].tensor : grads[names[i]]);
    const vars = names.map((n) => tf.engine().registeredVariables[n]);
    const floatOnly = vars.every((v, i) => f32(backend, v) && (gradOf(i) == null || f32(backend, gradOf(i))));
    if (!floatOnly) return super.applyGradients(grads);
    const s = this as unknown as AdamState;
    // Constants exactly as tfjs makes them: JS doubles rounded to float32 scalars, 1 - accBeta in float32.
    const acc1 = s.accBeta1.dataSync()[0], acc2 = s.accBeta2.dataSync()[0];
    const consts = {
      beta1: fr(s.beta1), beta2: fr(s.beta2), oneMinusBeta1: fr(1 - s.beta1), oneMinusBeta2: fr(1 - s.beta2),
      bias1: fr(1 - acc1), bias2: fr(1 - acc2), eps: fr(s.epsilon), negLr: fr(-s.learningRate),
    };
    tf.tidy(() => {
      vars.forEach((value, i) => {
        const m = this.slot(s.accumulatedFirstMoment, i, `${names[i]}/m`, value);
        const v = this.slot(s.accumulatedSecondMoment, i, `${names[i]}/v`, value);
        const grad = gradOf(i);
        if (grad == null) return;
        // New arrays and tensors, never in place: tfjs tensors are immutable, and a clone of the weights (or an
        // array from data()) shares the buffer. In-place updates measured no faster (allocation is not the cost).
        const n = value.size;
        const outValue = new Float32Array(n), outM = new Float32Array(n), outV = new Float32Array(n);
        addon.tfAdam({ value: f32(backend, value), m: f32(backend, m), v: f32(backend, v), grad: f32(backend, grad), outValue, outM, outV, ...consts });
        m.assign(tf.tensor(outM, value.shape, 'float32'));
        v.assign(tf.tensor(outV, value.shape, 'float32'));
        value.assign(tf.tensor(outValue, value.shape, 'float32'));
      });
      s.accBeta1.assign(tf.scalar(fr(acc1 * consts.beta1)));
      s.accBeta2.assign(tf.scalar(fr(acc2 * consts.beta2)));
    });
    s.incrementIterations();
  }

  private slot(slots: Slot[], i: number, name: string, like: tf.Variable): tf.Variable {
    slots[i] ??= { originalName: name, variable: tf.tidy(() => tf.zerosLike(like).variable(false)) };
    return slots[i].variable;
  }
}

/** Adam with tfjs's defaults (beta1 0.9, beta2 0.999, epsilon = the backend's), fused on 'jetlens'. */
export function adam(learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999): tf.AdamOptimizer {
  return new FusedAdam(learningRate, beta1, beta2);
}
