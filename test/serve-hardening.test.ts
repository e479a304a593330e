// Issue #24 item 5 and #20 item 4: the service against hostile clients. Each case is the original finding's input.
import t from 'tap';
import { connect } from 'node:net';
import { JetlensServer } from '../src/serve/server.js';
import { defaultOps } from '../src/serve/ops.js';

async function start(opts: Partial<ConstructorParameters<typeof JetlensServer>[0]> = {}) {
  const server = new JetlensServer({ port: 0, maxConcurrent: 2, ops: defaultOps, ...opts });
  const { port } = await server.listen();
  return { server, base: `http://127.0.0.1:${port}`, port };
}

const jet = (m: number) => Array.from({ length: m }, (_, i) => [1 + (i % 5), 0.3 * Math.sin(i), 0.3 * Math.cos(1.7 * i)]);
const post = async (base: string, path: string, body: unknown, type = 'application/json') => {
  const r = await fetch(base + path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': type } });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
};

t.test('ops come from an own-property table; only application/json is accepted', async (t) => {
  const { server, base } = await start();
  t.teardown(() => server.close());
  for (const op of ['constructor', '__proto__', 'hasownproperty', 'tostring']) {
    const r = await post(base, `/v1/${op}`, { jets: [] });
    t.equal(r.status, 404, `/v1/${op}`);
  }
  const plain = await post(base, '/v1/observables', { jets: [jet(3)] }, 'text/plain');
  t.equal(plain.status, 415, 'text/plain (a cross-site form or fetch without preflight) is refused');
  t.match(plain.json.error, /Content-Type must be application\/json/);
  t.equal((await post(base, '/v1/observables', { jets: [jet(3)] }, 'application/x-www-form-urlencoded')).status, 415);
  t.equal((await post(base, '/v1/observables', { jets: [jet(3)] }, 'application/json; charset=utf-8')).status, 200, 'charset parameter is fine');
});

t.test('option lists are bounded and unknown option keys are a 400', async (t) => {
  const { server, base } = await start();
  t.teardown(() => server.close());
  const many = await post(base, '/v1/observables', { jets: Array.from({ length: 50 }, () => jet(30)), options: { tauBeta: Array.from({ length: 1000 }, (_, i) => 1 + i / 1000) } });
  t.equal(many.status, 400);
  t.match(many.json.error, /options\.tauBeta: tauBeta has 1000 values, at most 16 allowed/);
  const unknown = await post(base, '/v1/observables', { jets: [jet(3)], options: { betas: [1], bogus: 1 } });
  t.equal(unknown.status, 400);
  t.match(unknown.json.error, /options: unknown field\(s\) bogus \(allowed: columns, betas, tauBeta, axes\)/);
  t.equal((await post(base, '/v1/efp', { jets: [jet(3)], options: { select: 'd<=2', kapa: 1 } })).status, 400, 'efp typo');
  t.equal((await post(base, '/v1/efp', { jets: [jet(3)], extra: 1 })).status, 400, 'unknown body field');
  const big = await post(base, '/v1/observables', { jets: [jet(6000)] });
  t.equal(big.status, 400);
  t.match(big.json.error, /jets\[0\] has 6000 particles, more than 5000 per jet/);
});

/** Opens a socket that sends headers and then one body byte every `everyMs`. */
function slowSender(port: number, everyMs: number) {
  const s = connect(port, '127.0.0.1');
  s.on('error', () => {});
  s.write('POST /v1/observables HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{');
  const timer = setInterval(() => s.write(' '), everyMs);
  let answer = '';
  s.on('data', (d) => (answer += d.toString()));
  return { close: () => (clearInterval(timer), s.destroy()), answer: () => answer };
}

t.test('slow bodies do not occupy compute slots, and time out with 408', async (t) => {
  const { server, base, port } = await start({ maxConcurrent: 2, bodyTimeoutMs: 1500 });
  t.teardown(() => server.close());
  const slow = Array.from({ length: 4 }, () => slowSender(port, 200));
  t.teardown(() => slow.forEach((s) => s.close()));
  await new Promise((r) => setTimeout(r, 300));
  const h = (await (await fetch(base + '/health')).json()) as { inFlight: number; receiving: number };
  t.equal(h.inFlight, 0, 'senders still sending are not in flight');
  t.equal(h.receiving, 4);
  const ok = await post(base, '/v1/observables', { jets: [jet(10)] });
  t.equal(ok.status, 200, 'a normal client is served while four slow senders trickle');
  await new Promise((r) => setTimeout(r, 1700));
  for (const s of slow) t.match(s.answer(), /^HTTP\/1\.1 408/, 'each slow sender gets 408 after the body timeout');
});

t.test('the time limit acts inside one huge jet', async (t) => {
  const { server, base } = await start({ timeoutMs: 300, maxParticlesPerJet: 5000 });
  t.teardown(() => server.close());
  // A small first request (the workers started before listen(); under load, at kernel nice 10, a bigger one could
  // itself run past the 300 ms limit).
  t.equal((await post(base, '/v1/observables', { jets: [jet(10)] })).status, 200, 'a small request is served');
  const t0 = performance.now();
  // e3 at M = 5000 for two betas: ~4e10 multiply-adds, tens of seconds; the 300 ms limit must stop it inside the jet.
  const r = await post(base, '/v1/observables', { jets: [jet(5000)], options: { columns: ['d2_b1', 'c2_b2'] } });
  const ms = performance.now() - t0;
  t.equal(r.status, 503, 'cancelled');
  t.ok(ms < 10000, `answered after ${ms.toFixed(0)} ms (a loose bound: the jet alone takes far longer)`);
});
