import * as tf from '@tensorflow/tfjs';
import { registerJetlensBackend } from './native-backend.js';
import { registerWasmConvBackpropFilter } from './wasm-kernels.js';

export type TfBackendName = 'jetlens' | 'wasm' | 'cpu' | 'tensorflow';
const NAMES: TfBackendName[] = ['tensorflow', 'jetlens', 'wasm', 'cpu'];

export interface TfBackendOptions {
  /** Force a backend; default: env JETLENS_TF_BACKEND, else tfjs-node if installed, else jetlens (native addon), else wasm, else cpu. */
  backend?: TfBackendName;
  /** Called once with a line saying which backend was chosen and why. */
  log?: (msg: string) => void;
}

let chosen: Promise<TfBackendName> | null = null;
let chosenFor: string | undefined;

/** The tfjs module used everywhere in jetlens (one copy, so layers and backends agree). */
export { tf };

/**
 * Initialises TensorFlow.js once per process and returns the active backend name. Order: explicit option, then
 * `JETLENS_TF_BACKEND`, then `@tensorflow/tfjs-node` (only if the user installed it; not a dependency), then
 * 'jetlens' (the cpu backend with the addon's threaded C++ kernels; needs the addon, else the addon loader's one-line
 * warning and on to wasm), then wasm (SIMD, no threads in Node), then the plain-JS cpu backend. Calling again with a different request switches.
 */
export async function initTf(opts: TfBackendOptions = {}): Promise<TfBackendName> {
  const request = opts.backend ?? (process.env.JETLENS_TF_BACKEND as TfBackendName | undefined);
  if (chosen && chosenFor === request) return chosen;
  chosenFor = request;
  const attempt = choose(request, opts.log ?? (() => {}));
  chosen = attempt;
  attempt.catch(() => {
    if (chosen === attempt) chosen = null; // a failed request leaves no poisoned state behind
  });
  return attempt;
}

/** Initialises with the defaults unless initTf already ran (train/predict call this: they keep a chosen backend). */
export async function ensureTf(): Promise<TfBackendName> {
  return chosen ?? initTf();
}

/** The backend tfjs is running on now (after initTf). */
export function activeBackend(): string {
  return tf.getBackend();
}

async function choose(request: string | undefined, log: (m: string) => void): Promise<TfBackendName> {
  if (request !== undefined && !NAMES.includes(request as TfBackendName)) {
    throw new Error(`unknown TensorFlow.js backend '${request}' (expected ${NAMES.join(', ')})`);
  }
  // Production mode: no per-op debug checks, and no console banner advertising tfjs-node (which cannot install here).
  tf.enableProdMode();
  const order: TfBackendName[] = request ? [request as TfBackendName] : NAMES;
  for (const name of order) {
    const why = await tryBackend(name);
    if (why === null) {
      log(`tfjs backend: ${name}${request ? ' (requested)' : ' (automatic)'}`);
      return name;
    }
    if (request) throw new Error(`TensorFlow.js backend '${name}' is not available: ${why}`);
  }
  throw new Error('no TensorFlow.js backend could be initialised');
}

async function tryBackend(name: TfBackendName): Promise<string | null> {
  try {
    if (name === 'tensorflow') {
      const pkg = '@tensorflow/tfjs-node'; // a variable, so TypeScript and bundlers do not require it
      await import(pkg);
      if (!tf.findBackend('tensorflow')) return 'tfjs-node loaded but registered no backend';
    } else if (name === 'jetlens') {
      const why = registerJetlensBackend();
      if (why !== null) return why;
    } else if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
      registerWasmConvBackpropFilter();
    }
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok ? null : 'setBackend returned false';
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}
