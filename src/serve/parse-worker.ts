/** Worker thread of the service: parses request bodies and writes answers off the event loop (see pool.ts). */
import { parentPort } from 'node:worker_threads';
import { parseRequest, RequestError, stringifyResult, type ParseLimits } from './parse.js';

type Task = { id: number; kind: 'parse'; body: string; limits: ParseLimits } | { id: number; kind: 'stringify'; value: unknown };

parentPort!.on('message', (t: Task) => {
  try {
    if (t.kind === 'parse') {
      const r = parseRequest(t.body, t.limits);
      const transfer = [r.offsets, r.pt, r.y, r.phi, r.pid, r.mass].filter((a) => a !== undefined).map((a) => a!.buffer as ArrayBuffer);
      parentPort!.postMessage({ id: t.id, value: r }, transfer);
    } else {
      parentPort!.postMessage({ id: t.id, value: stringifyResult(t.value) });
    }
  } catch (e) {
    const status = e instanceof RequestError ? e.status : 500;
    parentPort!.postMessage({ id: t.id, error: { status, message: (e as Error).message } });
  }
});
