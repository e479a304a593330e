import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { JetlensInputError } from '../errors.js';
import { JetBatch } from '../jets/batch.js';
import { RequestError, type ParsedRequest } from './parse.js';
import { OPS_MODULE, WorkerPool, type HeldRequest, type OpsModule } from './pool.js';
import { setKernelNice } from './priority.js';

/**
 * An operation the service exposes at POST /v1/<name>: jets and options in, JSON-serialisable result out. Typed
 * arrays in the result are handed over to the answer writer (transferred to its thread): return fresh ones.
 */
export type ServeOp = (jets: JetBatch, options: Record<string, unknown>, signal: AbortSignal) => Promise<unknown>;

export { OPS_MODULE, type OpsModule } from './pool.js';

export interface ServeOptions {
  port?: number; // default 8080 (0 = any free port)
  host?: string; // default 127.0.0.1
  maxBodyBytes?: number; // default 8 MiB -> 413 beyond
  maxJets?: number; // per request, default 10000 -> 400 beyond
  maxParticles?: number; // per request (all jets), default 500000 -> 400 beyond
  maxParticlesPerJet?: number; // per jet, default 5000 -> 400 beyond (per-jet scratch is O(M^2) or more)
  maxConcurrent?: number; // requests computing at once, default 4 -> 503 beyond
  maxPendingBodies?: number; // bodies being received at once, default 64 -> 503 beyond
  bodyTimeoutMs?: number; // the whole body must arrive within this long, default 10 s -> 408
  timeoutMs?: number; // per request, default 60 s -> 503 and the work is cancelled (inside the jet)
  maxScratchMB?: number; // native scratch of all requests together (JETLENS_MAX_SCRATCH_MB / maxConcurrent per call)
  /**
   * Worker threads. With an ops module (`opsModule`, or an `ops` table that carries one: the default ops) each request
   * runs in one of them from its body to its answer bytes (a worker carries several at once: the kernels run on the
   * addon's threads), and there are `workers` of them, default min(maxConcurrent, cores - 1), at least 1: one core is
   * left to the event loop, since the workers run at its priority (on 2 cores, 1 worker instead of 2 took the quiet
   * soak's /health p99 from 17-22 to 12-20 ms, at ~15% fewer answers; bench/README.md, "Wave 4 re-runs"). Otherwise the ops run on the event loop and
   * `parseWorkers` threads (default 2) parse bodies and write answers.
   */
  workers?: number;
  parseWorkers?: number;
  /** Where the workers load the ops from (see OPS_MODULE); `ops` then only names the routes. */
  opsModule?: OpsModule;
  /**
   * Nice increment (0-19) of the service's native kernel threads (process-wide, from the first server on), so that the
   * event loop (and /health) wins the CPU. Default 10; 0 = off.
   */
  kernelNice?: number;
  /**
   * Nice increment (0-19) of the service's worker threads (JavaScript: parse, op, answer). Default 0: the event loop
   * takes a lock that the workers hold for a moment with every message they send it (node's MessagePort queue), and a
   * lowered worker preempted while holding it kept the loop waiting 20-40 ms at a time on a busy machine (perf
   * sched_switch stacks: uv_mutex_lock in MessagePort::OnMessage), so only the native kernel threads are lowered.
   */
  workerNice?: number;
  ops: Record<string, ServeOp>;
}

// Fine enough for the 20 ms /health target; a 2 ms timer cost the loop about 5% of its CPU under a soak (perf).
const LAG_RESOLUTION_MS = 5;
const lagMs = (ns: number) => Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS);

/**
 * An answer other than 200, thrown on the request path. Not an Error: it needs no stack, and capturing one for each
 * of the hundreds of 503s per second of a saturated service was a visible item of the event loop's profile.
 */
class HttpError {
  constructor(readonly status: number, readonly message: string) {}
}

/**
 * A small HTTP service around jetlens ops. Only `application/json` is accepted (415: a web page's no-preflight
 * text/plain POST cannot make the loopback service compute); a body is read (size-limited, 413; time-limited, 408)
 * and parsed in a worker thread before the request counts as in flight, so slow senders cannot lock others out;
 * validation happens before any work (400 naming the problem); a concurrency limit answers 503 when saturated; and
 * `close()` stops accepting connections and resolves once in-flight requests have finished.
 */
export class JetlensServer {
  readonly server: Server;
  private inFlight = 0;
  private receiving = 0;
  private served = 0;
  private readonly lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  private readonly o: Required<Omit<ServeOptions, 'ops' | 'maxScratchMB' | 'opsModule' | 'workers'>> & { ops: Record<string, ServeOp>; maxScratchMB?: number };
  private readonly pool: WorkerPool;
  /** Set when the ops run in the workers (the default): the event loop then only frames HTTP. */
  private readonly opsModule: OpsModule | undefined;

  constructor(opts: ServeOptions) {
    this.o = {
      port: 8080, host: '127.0.0.1', maxBodyBytes: 8 << 20, maxJets: 10000, maxParticles: 500000, maxParticlesPerJet: 5000,
      maxConcurrent: 4, maxPendingBodies: 64, bodyTimeoutMs: 10000, timeoutMs: 60000, parseWorkers: 2, kernelNice: 10, workerNice: 0,
      ...opts,
    };
    const nice = this.o.kernelNice;
    if (!Number.isInteger(nice) || nice < 0 || nice > 19) throw new JetlensInputError(`kernelNice: expected an integer 0-19, got ${nice}`);
    if (!Number.isInteger(this.o.workerNice) || this.o.workerNice < 0 || this.o.workerNice > 19) throw new JetlensInputError(`workerNice: expected an integer 0-19, got ${this.o.workerNice}`);
    setKernelNice(nice);
    // Native scratch per call: the service's budget shared by the requests that may compute at once.
    if (opts.maxScratchMB) process.env.JETLENS_MAX_SCRATCH_MB = String(Math.max(1, Math.floor(opts.maxScratchMB / this.o.maxConcurrent)));
    this.opsModule = opts.opsModule ?? (opts.ops as { [OPS_MODULE]?: OpsModule })[OPS_MODULE];
    const workers = opts.workers ?? Math.max(1, Math.min(this.o.maxConcurrent, availableParallelism() - 1));
    if (!Number.isInteger(workers) || workers < 1) throw new JetlensInputError(`workers: expected an integer >= 1, got ${workers}`);
    this.pool = WorkerPool.acquire(this.opsModule ? workers : this.o.parseWorkers, this.o.workerNice, this.opsModule);
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.headersTimeout = 20000;
    this.server.requestTimeout = Math.max(120000, this.o.bodyTimeoutMs + this.o.timeoutMs);
    this.lag.enable();
  }

  /** Opens the port once every worker has started (the first request pays no start-up). */
  async listen(): Promise<{ port: number; host: string }> {
    await this.pool.ready();
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.port, this.o.host, () => {
        const a = this.server.address();
        resolve({ port: typeof a === 'object' && a ? a.port : this.o.port, host: this.o.host });
      });
    });
  }

  /** Graceful shutdown: no new connections; in-flight requests finish; idle keep-alive sockets close. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => void this.pool.release().then(() => resolve()));
      this.server.closeIdleConnections();
      this.lag.disable();
    });
  }

  /** Health and load figures (also served at GET /health; the lag figures cover the time since start or the last ?reset=1). */
  health() {
    return {
      status: 'ok',
      inFlight: this.inFlight,
      receiving: this.receiving,
      maxConcurrent: this.o.maxConcurrent,
      served: this.served,
      // The histogram samples every LAG_RESOLUTION_MS, and each sample includes that period: subtract it.
      eventLoopLagMs: { p50: lagMs(this.lag.percentile(50)), p99: lagMs(this.lag.percentile(99)), max: lagMs(this.lag.max) },
      // Cumulative time the event loop spent running callbacks vs waiting: a low busy fraction under load means lag
      // comes from the machine (other processes), not from work on the loop.
      eventLoopMs: (({ active, idle }) => ({ active, idle }))(performance.eventLoopUtilization()),
      rssMiB: this.rssMiB(),
      ops: Object.keys(this.o.ops),
    };
  }

  private rss = { at: -Infinity, mib: 0 };
  /** RSS, read at most every 100 ms (a /proc read: about 0.4 ms of the event loop per /health on a busy machine). */
  private rssMiB(): number {
    const now = performance.now();
    if (now - this.rss.at > 100) this.rss = { at: now, mib: process.memoryUsage.rss() / 2 ** 20 };
    return this.rss.mib;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET' && url.pathname === '/health') {
        const body = JSON.stringify(this.health());
        // ?reset=1 restarts the event-loop lag histogram after answering (a load test measures its own window).
        if (url.searchParams.get('reset') === '1') this.lag.reset();
        return send(res, 200, body);
      }
      const m = /^\/v1\/([a-z0-9-]+)$/.exec(url.pathname);
      // Own properties only: /v1/constructor or /v1/__proto__ must not reach Object.prototype.
      const op = m && Object.hasOwn(this.o.ops, m[1]) ? this.o.ops[m[1]] : undefined;
      if (!m || typeof op !== 'function') throw new HttpError(404, `no such endpoint ${req.method} ${url.pathname} (POST /v1/{${Object.keys(this.o.ops).join(',')}}, GET /health)`);
      if (req.method !== 'POST') throw new HttpError(405, 'use POST');
      const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/json') throw new HttpError(415, `Content-Type must be application/json (got '${type || 'none'}')`);
      const body = await this.receive(req, res);
      if (this.opsModule) return await this.inWorker(m[1], body, req, res);
      const parsed = await this.parse(body);
      this.checkNotBusy(res);
      this.inFlight++;
      try {
        const { options, ...csr } = parsed;
        const jets = JetBatch.fromChecked(csr, { file: 'request' }); // the parse worker validated every particle
        const ac = new AbortController();
        const timer = setTimeout(() => ac.abort(), this.o.timeoutMs);
        req.once('close', () => { if (!res.writableEnded) ac.abort(); });
        try {
          const result = await op(jets, options, ac.signal);
          await sendLarge(res, await this.pool.stringify(result, jets.length * 64));
          this.served++;
        } finally {
          clearTimeout(timer);
        }
      } finally {
        this.inFlight--;
      }
    } catch (e) {
      const err = e as Error;
      const status = e instanceof HttpError || e instanceof RequestError ? e.status
        : e instanceof JetlensInputError || /scratch memory/.test(err.message) ? 400 : err.name === 'AbortError' ? 503 : 500;
      if (status === 408) res.setHeader('Connection', 'close'); // a slow sender's socket is not kept
      if (!res.headersSent) send(res, status, JSON.stringify({ error: status === 500 ? `internal error: ${err.message}` : err.message }));
    }
  }

  /** 503 when every compute slot is taken. */
  private checkNotBusy(res: ServerResponse): void {
    if (this.inFlight < this.o.maxConcurrent) return;
    res.setHeader('Retry-After', '1');
    throw new HttpError(503, `busy: ${this.inFlight} requests in flight (limit ${this.o.maxConcurrent})`);
  }

  /**
   * A request's life after its body, in a worker (parse, validate, compute, write the answer): the event loop waits
   * for the parse, takes a compute slot (or answers 503), and writes the answer bytes. The time limit and a client
   * that goes away cancel the work in the worker (inside the jet).
   */
  private async inWorker(op: string, body: Buffer[], req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { maxJets, maxParticles, maxParticlesPerJet } = this.o;
    const held: HeldRequest = this.pool.request(op, body, { maxJets, maxParticles, maxParticlesPerJet });
    await held.parsed;
    try {
      this.checkNotBusy(res);
    } catch (e) {
      held.drop();
      throw e;
    }
    this.inFlight++;
    // The time limit cancels the work; work that ignores the cancel (JavaScript stuck in a loop holds its worker's
    // thread, so the cancel is never read) gets as long again, at least 1 s, then its worker is ended and replaced.
    let killed = false;
    let timer2: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      held.abort();
      timer2 = setTimeout(() => ((killed = true), held.kill()), Math.max(1000, this.o.timeoutMs));
    }, this.o.timeoutMs);
    req.once('close', () => { if (!res.writableEnded) held.abort(); });
    try {
      const bytes = await held.run().catch((e: unknown) => {
        throw killed ? new HttpError(503, `time limit of ${this.o.timeoutMs} ms exceeded; the work did not stop and its worker was replaced`) : e;
      });
      await sendLarge(res, bytes);
      this.served++;
    } finally {
      clearTimeout(timer);
      clearTimeout(timer2);
      this.inFlight--;
    }
  }

  /** The body parsed and validated (in a worker when large), for ops that run on the event loop. */
  private parse(body: Buffer[]): Promise<ParsedRequest> {
    const { maxJets, maxParticles, maxParticlesPerJet } = this.o;
    return this.pool.parse(body, { maxJets, maxParticles, maxParticlesPerJet });
  }

  /** Reads the body before the request counts as in flight (so a slow sender occupies no compute slot). */
  private async receive(req: IncomingMessage, res: ServerResponse): Promise<Buffer[]> {
    if (this.receiving >= this.o.maxPendingBodies) {
      res.setHeader('Retry-After', '1');
      req.resume();
      throw new HttpError(503, `busy: ${this.receiving} request bodies being received (limit ${this.o.maxPendingBodies})`);
    }
    this.receiving++;
    let body: Buffer[];
    try {
      body = await readBody(req, this.o.maxBodyBytes, this.o.bodyTimeoutMs);
    } finally {
      this.receiving--;
    }
    // Saturated already: answer 503 without parsing (a third of the bodies under a soak; their parse would only take
    // CPU from the requests in flight and from the event loop). Checked again once parsed.
    this.checkNotBusy(res);
    return body;
  }
}

/**
 * The body as the chunks the socket delivered. They are not joined here: the parse worker gets a copy (structured
 * clone, outside V8's heap accounting) and joins them, so the event loop allocates nothing per body (joining here
 * doubled the external memory that makes V8 collect garbage on the event loop, every ~0.4 s under a soak).
 */
function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      req.resume();
      reject(new HttpError(413, `body of ${declared} bytes exceeds the limit of ${limit}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      req.removeAllListeners('data');
      req.resume();
      reject(new HttpError(408, `body not received within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        clearTimeout(timer);
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, `body exceeds the limit of ${limit} bytes`));
      } else chunks.push(c);
    });
    req.on('end', () => {
      clearTimeout(timer);
      resolve(chunks);
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Largest piece of an answer written in one go: the loopback copy of a 5 MB answer would hold the loop for ms. */
const WRITE_CHUNK = 64 * 1024;

/**
 * A 200 answer; a large one in pieces, yielding to the event loop between them (and waiting for the socket to drain),
 * so that /health and other answers interleave. Ends early, quietly, if the client goes away.
 */
async function sendLarge(res: ServerResponse, body: string | Uint8Array): Promise<void> {
  if (typeof body === 'string' || body.length <= WRITE_CHUNK) return send(res, 200, body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  for (let at = 0; at < body.length; at += WRITE_CHUNK) {
    if (res.destroyed) return;
    const drained = res.write(body.subarray(at, at + WRITE_CHUNK));
    await new Promise<void>((ok) => {
      if (drained) return void setImmediate(ok);
      const done = () => {
        res.off('drain', done).off('close', done);
        ok();
      };
      res.on('drain', done).on('close', done);
    });
  }
  res.end();
}

function send(res: ServerResponse, status: number, body: string | Uint8Array): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.length });
  res.end(body);
}
