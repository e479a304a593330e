import { JetlensAbortError } from '../errors.js';

/** Options every long-running batch call accepts. */
export interface RunOptions {
  /** Worker threads for native kernels (0 = all cores). */
  threads?: number;
  /** 'auto' (default), 'native', 'reference', 'gpujs' (float32), 'brute' (EFP definition, checks only). */
  backend?: string;
  /** Stops the run; the Promise rejects with an AbortError. */
  signal?: AbortSignal;
  /** Called with (done, total) while the run goes on. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Runs a native async call with a control block the kernel polls: [0] = cancel flag, [1] = items done.
 * Progress is polled from the event loop (the kernel never calls back into JS from its threads).
 */
export async function withControl<T>(total: number, opts: RunOptions, start: (control: Int32Array) => Promise<T>): Promise<T> {
  const control = new Int32Array(2);
  if (opts.signal?.aborted) throw new JetlensAbortError();
  const onAbort = () => {
    control[0] = 1;
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = opts.onProgress ? setInterval(() => opts.onProgress!(control[1], total), 200) : undefined;
  try {
    const out = await start(control);
    if (control[0] === 1) throw new JetlensAbortError();
    opts.onProgress?.(total, total);
    return out;
  } finally {
    if (timer) clearInterval(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** For reference (TypeScript) kernels: yields to the event loop every `every` items and honours the signal. */
export async function chunked(total: number, opts: RunOptions, body: (start: number, end: number) => void, every = 256): Promise<void> {
  for (let s = 0; s < total; s += every) {
    if (opts.signal?.aborted) throw new JetlensAbortError();
    body(s, Math.min(total, s + every));
    opts.onProgress?.(Math.min(total, s + every), total);
    if (s + every < total) await new Promise((r) => setImmediate(r));
  }
}
