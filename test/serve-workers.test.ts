// #24 item 3 / #20 item 4: each compute request runs in a worker thread from its body to its answer bytes; workers
// start before the port opens; a worker that dies is replaced and the request it held is answered 500.
import t from 'tap';
import { JetlensServer, type ServeOp } from '../src/serve/server.js';

// The ops module the workers load (a data: URL, so no fixture file): `loadedAt` says when the worker loaded it,
// `crash` ends the worker, `throwlater` throws outside any promise (an uncaught exception in the worker).
const source = `
const loadedAt = Date.now();
export const ops = {
  size: async (jets, options) => ({ jets: jets.length, particles: jets.pt.length, options, loadedAt }),
  crash: async () => { process.exit(7); },
  throwlater: async () => { setTimeout(() => { throw new Error('boom in a worker'); }, 0); return new Promise(() => {}); },
  spin: async () => { for (;;); },
  hang: (jets, options, signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(Object.assign(new Error('cancelled'), { name: 'AbortError' })))),
};`;
const opsModule = { url: `data:text/javascript,${encodeURIComponent(source)}`, name: 'ops' };
// The event loop's table only names the routes: calling one of these would mean the op ran outside the worker.
const onLoop: ServeOp = async () => { throw new Error('op ran on the event loop'); };
const names = Object.assign(Object.create(null) as Record<string, ServeOp>, { size: onLoop, crash: onLoop, throwlater: onLoop, hang: onLoop, spin: onLoop });

const post = async (base: string, op: string, body: unknown) => {
  const r = await fetch(`${base}/v1/${op}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
};

t.test('requests run in workers, which start before the port opens and are replaced when they die', async (t) => {
  const server = new JetlensServer({ port: 0, maxConcurrent: 2, workers: 2, kernelNice: 0, timeoutMs: 500, ops: names, opsModule });
  const { port } = await server.listen();
  const listening = Date.now();
  t.teardown(() => server.close());
  const base = `http://127.0.0.1:${port}`;

  const first = await post(base, 'size', { jets: [[[1, 0, 0], [2, 0.1, 0.2]], [[3, 0, 0]]], options: { a: 1 } });
  t.equal(first.status, 200, 'computed in the worker');
  t.same({ ...first.json, loadedAt: undefined }, { jets: 2, particles: 3, options: { a: 1 }, loadedAt: undefined });
  t.ok((first.json.loadedAt as number) <= listening, 'the worker had loaded its ops before the port opened');

  const bad = await post(base, 'size', { jets: [[[-1, 0, 0]]] });
  t.equal(bad.status, 400, 'validation (in the worker) answers 400');
  t.match(bad.json.error, /negative pT/);

  const crash = await post(base, 'crash', { jets: [] });
  t.equal(crash.status, 500, 'the request whose worker exited is answered 500');
  t.match(crash.json.error, /internal error: request worker failed: exited with code 7/);
  const uncaught = await post(base, 'throwlater', { jets: [] });
  t.equal(uncaught.status, 500, 'an uncaught exception in a worker: 500');
  t.match(uncaught.json.error, /request worker failed: boom in a worker/);

  // Both workers may have been replaced by now. Wait until the replacements have loaded their ops (on a loaded
  // machine that can take longer than this server's 500 ms time limit, which then answers 503); then every request
  // is served. One after another: four at once exceed maxConcurrent 2 and two are rightly answered 503 (busy).
  await (server as unknown as { pool: { ready(): Promise<void> } }).pool.ready();
  const after = [];
  for (let k = 0; k < 4; k++) after.push(await post(base, 'size', { jets: [[[1, 0, 0]]] }));
  t.same(after.map((r) => r.status), [200, 200, 200, 200], 'replacement workers serve');

  const t0 = performance.now();
  const hang = await post(base, 'hang', { jets: [] });
  t.equal(hang.status, 503, 'the time limit cancels the work in the worker');
  t.ok(performance.now() - t0 < 10000, 'promptly');
  // An op stuck in a synchronous loop never reads the cancel: after the limit and as long again (at least 1 s) its
  // worker is ended and replaced, and the request is answered 503.
  const t1 = performance.now();
  const spin = await post(base, 'spin', { jets: [] });
  t.equal(spin.status, 503, 'stuck work: 503');
  t.match(spin.json.error, /time limit of 500 ms exceeded; the work did not stop and its worker was replaced/);
  t.ok(performance.now() - t1 < 15000, `answered after ${(performance.now() - t1).toFixed(0)} ms`);
  t.equal((await post(base, 'size', { jets: [[[1, 0, 0]]] })).status, 200, 'served after the replacement');
  const h = server.health();
  t.equal(h.inFlight, 0, 'no slot leaked');
});

t.test('a worker that cannot load its ops module fails listen() with the reason', async (t) => {
  const server = new JetlensServer({ port: 0, kernelNice: 0, ops: names, opsModule: { url: 'data:text/javascript,export%20const%20x%20%3D%201%3B', name: 'ops' }, maxConcurrent: 1 });
  await t.rejects(server.listen(), /request worker failed: .*has no ops table ops/);
  await server.close().catch(() => undefined);
  t.throws(() => new JetlensServer({ port: 0, ops: names, opsModule, workers: 0 }), /workers: expected an integer >= 1, got 0/);
});
