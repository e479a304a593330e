/**
 * Worker thread of the service (see pool.ts). With an ops module (the default ops), it carries a compute request's
 * whole life after the body bytes: join, decode, parse and validate the body, run the op (argument reading, the
 * addon call, result handling), write the answer as JSON bytes and transfer them back; the event loop only frames
 * HTTP. Without one (ops given as plain functions in the server's thread) it only parses bodies and writes answers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { JetlensInputError } from '../errors.js';
import { JetBatch } from '../jets/batch.js';
import { parseRequest, RequestError, stringifyResult, type ParseLimits, type ParsedRequest } from './parse.js';
import { lowerThisThread } from './priority.js';
import type { ServeOp } from './server.js';

const data = (workerData ?? {}) as { nice?: number; opsModule?: { url: string; name: string } };
lowerThisThread(Number(data.nice ?? 0));

type Task =
  | { id: number; kind: 'parse'; chunks: Uint8Array[]; limits: ParseLimits }
  | { id: number; kind: 'stringify'; value: unknown }
  | { id: number; kind: 'request'; op: string; chunks: Uint8Array[]; limits: ParseLimits }
  | { id: number; kind: 'run' | 'drop' | 'abort' };

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const port = parentPort!;

// Loaded before the first message is read (messages wait in the port meanwhile), so no request pays for it.
// The module's `warmUp()`, if it has one, runs then too (the default ops load the d <= 7 EFP catalogue prefix).
const mod = data.opsModule ? ((await import(data.opsModule.url)) as Record<string, unknown>) : undefined;
const ops = mod?.[data.opsModule!.name] as Record<string, ServeOp> | undefined;
if (mod && (typeof ops !== 'object' || ops === null)) throw new Error(`${data.opsModule!.url} has no ops table ${data.opsModule!.name}`);
if (typeof mod?.warmUp === 'function') (mod.warmUp as () => void)();

port.postMessage({ id: -1, value: 'ready' });

/** Requests parsed and waiting for the server's go (a compute slot) or running, by id. */
const held = new Map<number, { parsed: ParsedRequest; op: string; ac: AbortController }>();

const decode = (chunks: Uint8Array[]) => decoder.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));

/** The status of a failed task: the server answers it as it is (500 adds "internal error"). */
function status(e: unknown): number {
  if (e instanceof RequestError) return e.status;
  const err = e as Error;
  if (e instanceof JetlensInputError || /scratch memory/.test(err?.message ?? '')) return 400;
  return err?.name === 'AbortError' ? 503 : 500;
}

const fail = (id: number, e: unknown) => port.postMessage({ id, error: { status: status(e), message: (e as Error)?.message ?? String(e) } });

/** UTF-8 bytes of the answer, transferred: the event loop writes them as they are (no copy, no encoding there). */
function answer(id: number, value: unknown): void {
  const bytes = encoder.encode(stringifyResult(value));
  port.postMessage({ id, value: bytes }, [bytes.buffer as ArrayBuffer]);
}

async function run(id: number): Promise<void> {
  const h = held.get(id);
  if (!h) return;
  try {
    const { options, ...csr } = h.parsed;
    const jets = JetBatch.fromChecked(csr, { file: 'request' }); // validated by parseRequest just now
    const op = ops && Object.hasOwn(ops, h.op) ? ops[h.op] : undefined;
    if (typeof op !== 'function') throw new RequestError(404, `no such op ${h.op}`);
    answer(id, await op(jets, options, h.ac.signal));
  } catch (e) {
    fail(id, e);
  } finally {
    held.delete(id);
  }
}

port.on('message', (t: Task) => {
  try {
    switch (t.kind) {
      case 'parse': {
        const r = parseRequest(decode(t.chunks), t.limits);
        const transfer = [r.offsets, r.pt, r.y, r.phi, r.pid, r.mass].filter((a) => a !== undefined).map((a) => a!.buffer as ArrayBuffer);
        return port.postMessage({ id: t.id, value: r }, transfer);
      }
      case 'stringify':
        return answer(t.id, t.value);
      case 'request':
        // Parsed and validated, then held until the server has a compute slot for it (it answers 503 otherwise).
        held.set(t.id, { parsed: parseRequest(decode(t.chunks), t.limits), op: t.op, ac: new AbortController() });
        return port.postMessage({ id: t.id, value: 'parsed' });
      case 'run':
        return void run(t.id);
      case 'drop':
        return void held.delete(t.id);
      case 'abort':
        return held.get(t.id)?.ac.abort();
    }
  } catch (e) {
    fail(t.id, e);
  }
});
