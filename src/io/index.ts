// File formats. Being implemented on main: readJets/writeJets (.npz .npy .h5/.hdf5 .csv .jsonl),
// readArray('file.npy' | 'file.npz:name' | 'file.csv:column' | 'file.h5:dataset'), writeNpy, writeNpz, writeTable.
export type { NdArray, TypedArray } from './ndarray.js';
export { ndarray, toFloat64 } from './ndarray.js';
