import { createRequire } from 'node:module';
import type TypedFunction from 'typed-function';
import { JetlensInputError } from '../errors.js';
import { JetBatch } from './batch.js';

/** A zero-padded (N, M, 3|4) array as users hold it (numpy-style, C order). */
export interface PaddedJets {
  data: Float64Array | Float32Array;
  shape: readonly [number, number, number] | number[];
  labels?: ArrayLike<number>;
  weights?: ArrayLike<number>;
}

/** Every way the public API accepts jets. */
export type JetsLike = JetBatch | PaddedJets | ArrayLike<ArrayLike<ArrayLike<number>>>;

// typed-function loads on the first conversion of something that is not already a JetBatch: imported statically
// it cost every command ~40 ms of start-up CPU (#20 item 5), and readers and the CLI hand over JetBatches.
let convert: ((x: unknown) => JetBatch) | undefined;
function converter(): (x: unknown) => JetBatch {
  if (convert) return convert;
  const typedFunction = (createRequire(import.meta.url)('typed-function') as { default?: typeof TypedFunction } & typeof TypedFunction);
  const typed = (typedFunction.default ?? typedFunction).create();
  typed.addType({ name: 'JetBatch', test: (x) => x instanceof JetBatch });
  typed.addType({
    name: 'PaddedJets',
    test: (x) => typeof x === 'object' && x !== null && 'data' in x && 'shape' in x &&
      ((x as PaddedJets).data instanceof Float64Array || (x as PaddedJets).data instanceof Float32Array),
  });
  /**
   * The one conversion every entry point uses, so every op gets the same validation and the same errors.
   * A JetBatch passes through (it was validated when built).
   */
  convert = typed<(x: unknown) => JetBatch>('toJetBatch', {
    JetBatch: (b: JetBatch) => b,
    PaddedJets: (p: PaddedJets) => JetBatch.fromPadded(p.data, p.shape, { labels: p.labels, weights: p.weights }),
    Array: (a: number[][][]) => JetBatch.fromNested(a),
  });
  return convert;
}

export function toJetBatch(x: JetsLike): JetBatch {
  if (x instanceof JetBatch) return x;
  try {
    return converter()(x);
  } catch (e) {
    if (e instanceof JetlensInputError) throw e;
    throw new JetlensInputError(
      'jets must be a JetBatch, a padded {data: Float64Array|Float32Array, shape: [N, M, 3|4]}, or nested arrays [[[pt, y, phi], ...], ...]',
    );
  }
}
