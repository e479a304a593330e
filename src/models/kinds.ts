// The model kinds, in a module without TensorFlow.js so that `import 'jetlens'` can list them without loading it.
export const MODEL_KINDS = ['dnn', 'cnn', 'efn', 'pfn', 'moments', 'lipschitz-efn'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];
