import * as tf from '@tensorflow/tfjs';

/**
 * tfjs-backend-wasm 4.22 has no `Conv2DBackpropFilter` kernel, so a CNN cannot train on wasm. A 2-D convolution
 * is a 3-D one with depth 1: reshape x (N,H,W,C) -> (N,1,H,W,C) and dy (N,H',W',F) -> (N,1,H',W',F), call wasm's
 * `Conv3DBackpropFilterV2` and reshape the (1,fh,fw,C,F) result back. Only stride 1 is accepted: wasm's strided
 * 3-D filter gradient is wrong (checked against finite differences), so the CNN uses stride-1 convolutions with pooling.
 */
export function registerWasmConvBackpropFilter(): void {
  const exists = tf.getKernelsForBackend('wasm').some((k) => k.kernelName === 'Conv2DBackpropFilter');
  if (exists) return;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const a = attrs as unknown as {
        strides: number | [number, number];
        pad: 'valid' | 'same' | number;
        dataFormat?: string;
        dilations?: number | [number, number];
        filterShape: [number, number, number, number];
      };
      const [sh, sw] = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
      if (sh !== 1 || sw !== 1) throw new Error('Conv2DBackpropFilter on wasm: only stride 1 is supported (use cpu for strided convolutions)');
      if (a.dataFormat && a.dataFormat !== 'NHWC') throw new Error('Conv2DBackpropFilter on wasm: only NHWC is supported');
      if (typeof a.pad === 'number' || (a.pad !== 'valid' && a.pad !== 'same')) {
        throw new Error(`Conv2DBackpropFilter on wasm: padding '${String(a.pad)}' is not supported`);
      }
      const reshape = tf.getKernel('Reshape', 'wasm')!.kernelFunc;
      const conv3dFilterGrad = tf.getKernel('Conv3DBackpropFilterV2', 'wasm')!.kernelFunc;
      const x5 = reshape({ inputs: { x }, attrs: { shape: [x.shape[0], 1, ...x.shape.slice(1)] }, backend }) as tf.TensorInfo;
      const dy5 = reshape({ inputs: { x: dy }, attrs: { shape: [dy.shape[0], 1, ...dy.shape.slice(1)] }, backend }) as tf.TensorInfo;
      const g5 = conv3dFilterGrad({
        inputs: { x: x5, dy: dy5 },
        attrs: { strides: [1, 1, 1], pad: a.pad, filterShape: [1, ...a.filterShape] },
        backend,
      }) as tf.TensorInfo;
      const g4 = reshape({ inputs: { x: g5 }, attrs: { shape: a.filterShape }, backend }) as tf.TensorInfo;
      const wasm = backend as { disposeData(id: object): void };
      for (const t of [x5, dy5, g5]) wasm.disposeData(t.dataId);
      return g4;
    },
  });
}
