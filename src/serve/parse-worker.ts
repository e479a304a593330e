/** Worker thread of the service: parses request bodies and writes answers off the event loop (see pool.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { parseRequest, RequestError, stringifyResult, type ParseLimits } from './parse.js';
import { lowerThisThread } from './priority.js';

lowerThisThread(Number((workerData as { nice?: number } | null)?.nice ?? 0));

type Task = { id: number; kind: 'parse'; chunks: Uint8Array[]; limits: ParseLimits } | { id: number; kind: 'stringify'; value: unknown };

const decoder = new TextDecoder();
const encoder = new TextEncoder();

parentPort!.on('message', (t: Task) => {
  try {
    if (t.kind === 'parse') {
      // The body arrives as the socket's chunks: joining and decoding are off the event loop too.
      const r = parseRequest(decoder.decode(t.chunks.length === 1 ? t.chunks[0] : Buffer.concat(t.chunks)), t.limits);
      const transfer = [r.offsets, r.pt, r.y, r.phi, r.pid, r.mass].filter((a) => a !== undefined).map((a) => a!.buffer as ArrayBuffer);
      parentPort!.postMessage({ id: t.id, value: r }, transfer);
    } else {
      // UTF-8 bytes, transferred: the event loop writes them as they are (no copy, no encoding on the main thread)
      const bytes = encoder.encode(stringifyResult(t.value));
      parentPort!.postMessage({ id: t.id, value: bytes }, [bytes.buffer as ArrayBuffer]);
    }
  } catch (e) {
    const status = e instanceof RequestError ? e.status : 500;
    parentPort!.postMessage({ id: t.id, error: { status, message: (e as Error).message } });
  }
});
