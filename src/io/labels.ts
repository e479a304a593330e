import { JetlensInputError } from '../errors.js';
import { toFloat64, type NdArray } from './ndarray.js';

// Labels as a (N,) vector of 0/1. EnergyFlow and Keras examples keep them one-hot, shape (N, 2) with column 1 =
// signal (energyflow.utils.to_categorical); those are accepted here (argmax) so `y` from such files works as is.

let noteHandler: (msg: string) => void = () => {};

/** Where notes about converted inputs go (the CLI prints them on stderr; the library is silent by default). */
export function setNoteHandler(fn: (msg: string) => void): void {
  noteHandler = fn;
}

/** Tells the user about a conversion that changed what they passed (once per call site). */
export function note(msg: string): void {
  noteHandler(msg);
}

/**
 * A label array as (N,) float64: a 1-d array or (N, 1) as is; one-hot (N, 2) rows [1, 0] / [0, 1] turned into 0 / 1
 * (argmax) with a note. Other shapes, or (N, 2) rows that are not one-hot, are refused naming `where`.
 */
export function labelVector(a: NdArray, where: string): Float64Array {
  const s = a.shape;
  if (s.length === 1 || (s.length === 2 && s[1] === 1)) return toFloat64(a.data);
  if (s.length !== 2 || s[1] !== 2) {
    throw new JetlensInputError(`${where}: labels must have shape (N,) or one-hot (N, 2), got (${s.join(', ')})`);
  }
  const d = toFloat64(a.data);
  const out = new Float64Array(s[0]);
  for (let i = 0; i < s[0]; i++) {
    const p = d[2 * i];
    const q = d[2 * i + 1];
    if (!((p === 1 && q === 0) || (p === 0 && q === 1))) {
      throw new JetlensInputError(`${where}: row ${i} of the (N, 2) labels is [${p}, ${q}], not one-hot ([1, 0] = background, [0, 1] = signal)`);
    }
    out[i] = q;
  }
  note(`${where}: one-hot labels (N, 2) read as y = argmax (column 1 = signal), as energyflow.utils.to_categorical writes them`);
  return out;
}
