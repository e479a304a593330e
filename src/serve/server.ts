import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { JetlensInputError } from '../errors.js';
import { JetBatch } from '../jets/batch.js';

/** An operation the service exposes at POST /v1/<name>: jets and options in, JSON-serialisable result out. */
export type ServeOp = (jets: JetBatch, options: Record<string, unknown>, signal: AbortSignal) => Promise<unknown>;

export interface ServeOptions {
  port?: number; // default 8080 (0 = any free port)
  host?: string; // default 127.0.0.1
  maxBodyBytes?: number; // default 8 MiB -> 413 beyond
  maxJets?: number; // per request, default 10000 -> 400 beyond
  maxParticles?: number; // per request (all jets), default 500000 -> 400 beyond
  maxConcurrent?: number; // requests computing at once, default 4 -> 503 beyond
  timeoutMs?: number; // per request, default 60 s -> 503 and the work is cancelled
  ops: Record<string, ServeOp>;
}

const LAG_RESOLUTION_MS = 10;
const lagMs = (ns: number) => Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS);

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * A small HTTP service around jetlens ops. Every request is validated before any work (400 naming the problem),
 * bodies are size-limited while they stream in (413), a concurrency limit answers 503 when saturated, and
 * `close()` stops accepting connections and resolves once in-flight requests have finished.
 */
export class JetlensServer {
  readonly server: Server;
  private inFlight = 0;
  private served = 0;
  private readonly lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  private readonly o: Required<Omit<ServeOptions, 'ops'>> & { ops: Record<string, ServeOp> };

  constructor(opts: ServeOptions) {
    this.o = {
      port: 8080, host: '127.0.0.1', maxBodyBytes: 8 << 20, maxJets: 10000, maxParticles: 500000, maxConcurrent: 4, timeoutMs: 60000,
      ...opts,
    };
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.headersTimeout = 20000;
    this.server.requestTimeout = 120000;
    this.lag.enable();
  }

  listen(): Promise<{ port: number; host: string }> {
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
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      this.lag.disable();
    });
  }

  /** Health and load figures (also served at GET /health). */
  health() {
    return {
      status: 'ok',
      inFlight: this.inFlight,
      maxConcurrent: this.o.maxConcurrent,
      served: this.served,
      // The histogram samples every LAG_RESOLUTION_MS, and each sample includes that period: subtract it.
      eventLoopLagMs: { p50: lagMs(this.lag.percentile(50)), p99: lagMs(this.lag.percentile(99)), max: lagMs(this.lag.max) },
      rssMiB: process.memoryUsage().rss / 2 ** 20,
      ops: Object.keys(this.o.ops),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET' && url.pathname === '/health') return send(res, 200, this.health());
      const m = /^\/v1\/([a-z0-9-]+)$/.exec(url.pathname);
      if (!m || !this.o.ops[m[1]]) throw new HttpError(404, `no such endpoint ${req.method} ${url.pathname} (POST /v1/{${Object.keys(this.o.ops).join(',')}}, GET /health)`);
      if (req.method !== 'POST') throw new HttpError(405, 'use POST');
      if (this.inFlight >= this.o.maxConcurrent) {
        res.setHeader('Retry-After', '1');
        req.resume();
        throw new HttpError(503, `busy: ${this.inFlight} requests in flight (limit ${this.o.maxConcurrent})`);
      }
      this.inFlight++;
      try {
        const body = await readBody(req, this.o.maxBodyBytes);
        const { jets, options } = this.parse(body);
        const ac = new AbortController();
        const timer = setTimeout(() => ac.abort(), this.o.timeoutMs);
        req.once('close', () => { if (!res.writableEnded) ac.abort(); });
        try {
          const result = await this.o.ops[m[1]](jets, options, ac.signal);
          send(res, 200, result);
          this.served++;
        } finally {
          clearTimeout(timer);
        }
      } finally {
        this.inFlight--;
      }
    } catch (e) {
      const err = e as Error;
      const status = e instanceof HttpError ? e.status : e instanceof JetlensInputError ? 400 : err.name === 'AbortError' ? 503 : 500;
      if (!res.headersSent) send(res, status, { error: status === 500 ? `internal error: ${err.message}` : err.message });
    }
  }

  /** Checks the request's shape and limits before building a JetBatch (which validates the numbers). */
  private parse(body: string): { jets: JetBatch; options: Record<string, unknown> } {
    let v: unknown;
    try {
      v = JSON.parse(body);
    } catch (e) {
      throw new HttpError(400, `body is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new HttpError(400, 'body must be an object {"jets": [[[pt, y, phi], ...], ...], "options": {...}}');
    const { jets, options = {} } = v as { jets?: unknown; options?: unknown };
    if (!Array.isArray(jets)) throw new HttpError(400, '"jets" must be an array of jets');
    if (jets.length > this.o.maxJets) throw new HttpError(400, `too many jets: ${jets.length} > ${this.o.maxJets} per request`);
    let particles = 0;
    for (let j = 0; j < jets.length; j++) {
      const jet = jets[j];
      if (!Array.isArray(jet)) throw new HttpError(400, `jets[${j}] must be an array of particles`);
      particles += jet.length;
      if (particles > this.o.maxParticles) throw new HttpError(400, `too many particles: more than ${this.o.maxParticles} per request`);
      for (let i = 0; i < jet.length; i++) {
        const p = jet[i];
        if (!Array.isArray(p) || (p.length !== 3 && p.length !== 4) || !p.every((x) => typeof x === 'number')) {
          throw new HttpError(400, `jets[${j}][${i}] must be [pt, y, phi] or [pt, y, phi, pid] numbers`);
        }
      }
    }
    if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new HttpError(400, '"options" must be an object');
    return { jets: JetBatch.fromNested(jets as number[][][], { file: 'request' }), options: options as Record<string, unknown> };
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      req.resume();
      reject(new HttpError(413, `body of ${declared} bytes exceeds the limit of ${limit}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, `body exceeds the limit of ${limit} bytes`));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_k, v) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
