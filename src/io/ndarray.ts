/** A dense n-d array in C order, as read from or written to .npy/.npz/HDF5. */
export type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | BigInt64Array | BigUint64Array;

export interface NdArray<T extends TypedArray = TypedArray> {
  data: T;
  shape: number[];
}

export function ndarray<T extends TypedArray>(data: T, shape: number[] = [data.length]): NdArray<T> {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new Error(`shape (${shape.join(', ')}) needs ${n} elements, data has ${data.length}`);
  return { data, shape };
}

/** Converts any numeric array to Float64Array (BigInt arrays included). */
export function toFloat64(a: TypedArray | ArrayLike<number>): Float64Array {
  if (a instanceof Float64Array) return a;
  if (a instanceof BigInt64Array || a instanceof BigUint64Array) return Float64Array.from(a, (v) => Number(v));
  return Float64Array.from(a as ArrayLike<number>);
}
