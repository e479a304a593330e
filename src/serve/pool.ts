/**
 * The service's worker threads (worker.ts). With an ops module (the default ops), each compute request lives in one
 * worker from its body bytes to its answer bytes: `request()` sends the body's chunks (copied by postMessage; the
 * socket's buffers cannot be moved), the worker parses and validates and says so, the server gives it a compute slot
 * (`run()`) or answers 503 (`drop()`), and the answer comes back as transferred UTF-8 bytes. Without one (ops given
 * as functions) the workers only parse bodies and write answers (`parse`, `stringify`). Workers start before the
 * port opens (`ready`); one that dies is replaced at once and each request it held is answered 500.
 */
import { Worker } from 'node:worker_threads';
import { parseRequest, RequestError, stringifyResult, type ParseLimits, type ParsedRequest } from './parse.js';

/** Bodies and answers below this many bytes/values are handled on the event loop (cheaper than a round trip). */
const INLINE_BYTES = 32 * 1024;

/**
 * Marks an ops table as loadable in the service's worker threads: its value is the OpsModule that exports it (the
 * default ops carry it). The server then runs each request's whole life after the body bytes in a worker.
 */
export const OPS_MODULE = Symbol.for('jetlens.serve.opsModule');

/** A module exporting an ops table under `name` (and optionally `warmUp()`), loaded by each worker. */
export interface OpsModule {
  url: string;
  name: string;
}

interface Pending {
  resolve: (v: never) => void;
  reject: (e: Error) => void;
}

/** The id of the worker's one 'ready' message. */
const READY = -1;

type Reply = { id: number; value?: unknown; error?: { status: number; message: string } };

class PoolWorker {
  private w: Worker | undefined;
  private closing = false;
  readonly pending = new Map<number, Pending>();
  /** Requests parsed in this worker and held there, waiting for run() or drop(). */
  readonly held = new Set<number>();
  private next = 0;
  ready: Promise<void> = Promise.resolve();

  constructor(private readonly data: { nice: number; opsModule?: OpsModule }) {
    this.start();
  }

  private start(): void {
    // Compiled: worker.js next to this file. Under a TypeScript loader (the tests): worker.ts.
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const w = new Worker(new URL(`./worker${ext}`, import.meta.url), { workerData: this.data });
    this.w = w;
    // The worker says 'ready' once its ops module is loaded ('online' comes before the module's top-level await).
    let loaded = false;
    this.ready = new Promise<void>((resolve, reject) => {
      this.pending.set(READY, { resolve: (() => {
        loaded = true;
        w.unref(); // held while it loads (someone awaits ready()); then only the server's socket keeps the process
        resolve();
      }) as (v: never) => void, reject });
    });
    this.ready.catch(() => undefined); // a failed start is reported by ready() (listen), not as an unhandled rejection
    w.on('message', (m: Reply) => this.settle(m));
    let failed = false;
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      if (this.w === w) this.w = undefined;
      for (const p of this.pending.values()) p.reject(new RequestError(500, `request worker failed: ${e.message}`));
      this.pending.clear();
      this.held.clear();
      // Replaced at once (the next request finds it ready); one that never loaded is not retried (listen() fails).
      if (!this.closing && loaded) this.start();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
  }

  private settle(m: Reply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.error) p.reject(new RequestError(m.error.status, m.error.message));
    else p.resolve(m.value as never);
  }

  post<T>(task: Record<string, unknown>, transfer: ArrayBuffer[] = [], id = this.next++): Promise<T> {
    const w = this.w;
    if (!w) return Promise.reject(new RequestError(500, 'request worker failed: not running'));
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: never) => void, reject });
      w.postMessage({ ...task, id }, transfer);
    });
  }

  /** Running, with nothing pending or held: fit to be parked. */
  idle(): boolean {
    return this.w !== undefined && this.held.size === 0 && [...this.pending.keys()].every((id) => id === READY);
  }

  newId(): number {
    return this.next++;
  }

  /** Fire and forget (abort, drop). */
  tell(kind: string, id: number): void {
    this.w?.postMessage({ kind, id });
  }

  /** Ends a worker that does not answer (a synchronous loop in an op): its requests fail, a new worker starts. */
  kill(): void {
    void this.w?.terminate();
  }

  async close(): Promise<void> {
    this.closing = true;
    const w = this.w;
    this.w = undefined;
    if (w) await w.terminate();
  }
}

/** A request held in a worker: parsed (or failed), then run or dropped by the server. */
export interface HeldRequest {
  /** Resolves once the body is parsed and validated in the worker; rejects with its RequestError (400, 413, ...). */
  parsed: Promise<void>;
  /** Computes and writes the answer in the worker; resolves with its bytes. */
  run(): Promise<Uint8Array>;
  /** Forgets a parsed request (the server answered 503). */
  drop(): void;
  /** Cancels a running request (time limit, client gone): it then rejects with 503. */
  abort(): void;
  /** Ends the worker (for work that ignores abort()): this request and the others it carries reject with 500. */
  kill(): void;
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

/** Plain Uint8Array views of the socket's chunks (a Buffer would arrive as a Uint8Array anyway). */
const views = (chunks: Buffer[]) => chunks.map((c) => new Uint8Array(c.buffer, c.byteOffset, c.length));

/** Pools of closed servers, kept for the next server of the same shape in this process (see WorkerPool.acquire). */
const parked = new Map<string, WorkerPool>();

export class WorkerPool {
  private readonly workers: PoolWorker[];
  private key = '';

  /** `nice`: the workers lower their own priority by this much (see priority.ts), so the event loop wins the CPU. */
  constructor(size = 2, nice = 0, opsModule?: OpsModule) {
    this.workers = Array.from({ length: Math.max(1, size) }, () => new PoolWorker({ nice, opsModule }));
  }

  /**
   * A pool for a new server: a closed server's pool of the same shape if one is parked, else a new one. Starting a
   * worker loads the ops module (about 0.1 CPU-s compiled, seconds under a TypeScript loader), so a process that
   * starts servers one after another (the tests) loads it once per worker, not once per server.
   */
  static acquire(size: number, nice: number, opsModule?: OpsModule): WorkerPool {
    const key = JSON.stringify([size, nice, opsModule ?? null]);
    const pool = parked.get(key) ?? new WorkerPool(size, nice, opsModule);
    parked.delete(key);
    pool.key = key;
    return pool;
  }

  /** Parks the pool for the next server (its threads are unref'd: they never keep the process alive), or ends it. */
  async release(): Promise<void> {
    if (this.key && !parked.has(this.key) && this.workers.every((w) => w.idle())) parked.set(this.key, this);
    else await this.close();
  }

  /** Resolves when every worker has loaded (its ops module included). */
  async ready(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.ready));
  }

  private pick(): PoolWorker {
    return this.workers.reduce((a, b) => (b.pending.size + b.held.size < a.pending.size + a.held.size ? b : a));
  }

  /** A compute request's life in one worker (ops module mode). */
  request(op: string, chunks: Buffer[], limits: ParseLimits): HeldRequest {
    const w = this.pick();
    const id = w.newId();
    const parsed = w.post<void>({ kind: 'request', op, chunks: views(chunks), limits }, [], id);
    w.held.add(id);
    const release = () => void w.held.delete(id);
    parsed.catch(release);
    return {
      parsed,
      run: () => {
        if (!w.held.has(id)) return Promise.reject(new RequestError(500, 'request worker failed before the request ran'));
        return w.post<Uint8Array>({ kind: 'run' }, [], id).finally(release);
      },
      drop: () => {
        release();
        w.tell('drop', id);
      },
      abort: () => w.tell('abort', id),
      kill: () => w.kill(),
    };
  }

  /** `chunks`: the body as received; copied to the worker, joined there. Small bodies are parsed inline. */
  parse(chunks: Buffer[], limits: ParseLimits): Promise<ParsedRequest> {
    const size = chunks.reduce((n, c) => n + c.length, 0);
    if (size < INLINE_BYTES) return Promise.resolve().then(() => parseRequest(Buffer.concat(chunks, size).toString('utf8'), limits));
    return this.pick().post<ParsedRequest>({ kind: 'parse', chunks: views(chunks), limits });
  }

  /** `size`: about how many numbers the answer holds (small ones are written inline, as text; large ones as bytes). */
  stringify(value: unknown, size: number): Promise<string | Uint8Array> {
    if (size < INLINE_BYTES / 8) return Promise.resolve().then(() => stringifyResult(value));
    return this.pick().post<Uint8Array>({ kind: 'stringify', value }, ownedBuffers(value));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
