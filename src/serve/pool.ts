/**
 * A small pool of worker threads for the service's CPU work outside the kernels: JSON.parse and validation of
 * request bodies (an 8 MiB body takes about 100 ms to parse) and JSON.stringify of answers. Bodies go to the worker
 * as the socket's chunks (copied by postMessage, joined and decoded there) and answers come back as UTF-8 bytes
 * (transferred), so the event loop neither joins, decodes nor encodes them. Small payloads are handled inline (well under a millisecond). A worker that dies is replaced; its
 * tasks fail with a 500.
 */
import { Worker } from 'node:worker_threads';
import { parseRequest, RequestError, stringifyResult, type ParseLimits, type ParsedRequest } from './parse.js';

/** Bodies and answers below this many bytes/values are handled on the event loop (cheaper than a round trip). */
const INLINE_BYTES = 32 * 1024;

interface Pending {
  resolve: (v: never) => void;
  reject: (e: Error) => void;
}

class PoolWorker {
  constructor(private readonly nice: number) {}
  private w: Worker | undefined;
  readonly pending = new Map<number, Pending>();
  private next = 0;

  private start(): Worker {
    // Compiled: parse-worker.js next to this file. Under a TypeScript loader (the tests): parse-worker.ts.
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const w = new Worker(new URL(`./parse-worker${ext}`, import.meta.url), { workerData: { nice: this.nice } });
    w.unref();
    w.on('message', (m: { id: number; value?: unknown; error?: { status: number; message: string } }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(new RequestError(m.error.status, m.error.message));
      else p.resolve(m.value as never);
    });
    const fail = (e: Error) => {
      for (const p of this.pending.values()) p.reject(new RequestError(500, `parser worker failed: ${e.message}`));
      this.pending.clear();
      this.w = undefined;
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
    return w;
  }

  run<T>(task: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<T> {
    this.w ??= this.start();
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: never) => void, reject });
      this.w!.postMessage({ ...task, id }, transfer);
    });
  }

  async close(): Promise<void> {
    const w = this.w;
    this.w = undefined;
    if (w) await w.terminate();
  }
}

/** The buffers of the typed arrays in a result (up to three levels deep), each once: moved to the writer, not copied. */
function ownedBuffers(value: unknown, depth = 0, out = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) out.add(value.buffer);
  } else if (value && typeof value === 'object' && depth < 3) {
    for (const v of Object.values(value)) ownedBuffers(v, depth + 1, out);
  }
  return [...out];
}

export class ParsePool {
  private readonly workers: PoolWorker[];

  /** `nice`: the workers lower their own priority by this much (see priority.ts), so the event loop wins the CPU. */
  constructor(size = 2, nice = 0) {
    this.workers = Array.from({ length: Math.max(1, size) }, () => new PoolWorker(nice));
  }

  private pick(): PoolWorker {
    return this.workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  /** `chunks`: the body as received; copied to the worker (the socket's buffers cannot be transferred), joined there. */
  parse(chunks: Buffer[], limits: ParseLimits): Promise<ParsedRequest> {
    const size = chunks.reduce((n, c) => n + c.length, 0);
    if (size < INLINE_BYTES) return Promise.resolve().then(() => parseRequest(Buffer.concat(chunks, size).toString('utf8'), limits));
    // Plain Uint8Array views (a Buffer would arrive as a Uint8Array anyway); each is cloned with its bytes only.
    const parts = chunks.map((c) => new Uint8Array(c.buffer, c.byteOffset, c.length));
    return this.pick().run<ParsedRequest>({ kind: 'parse', chunks: parts, limits });
  }

  /** `size`: about how many numbers the answer holds (small ones are written inline, as text; large ones as bytes). */
  stringify(value: unknown, size: number): Promise<string | Uint8Array> {
    if (size < INLINE_BYTES / 8) return Promise.resolve().then(() => stringifyResult(value));
    return this.pick().run<Uint8Array>({ kind: 'stringify', value }, ownedBuffers(value));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
