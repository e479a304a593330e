import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { observables } from '../src/jss/observables.js';
import { EFPSet } from '../src/efp/index.js';
import { generateMixture } from '../src/jets/generator/index.js';

// Loads `jetlens serve` in another process on loopback and talks to it with a bounded number of requests.
const cli = join(import.meta.dirname, '..', 'dist', 'cli', 'index.js');

async function start(...args: string[]): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--quiet', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`serve exited with ${c}`)));
  });
  return { child, base: JSON.parse(line).listening };
}

const post = async (base: string, path: string, body: string) => {
  const r = await fetch(base + path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
};

const jets = generateMixture({ signal: 'w', background: 'qcd', n: 50, seed: 5 });
const nested = Array.from({ length: jets.length }, (_, j) => jets.jet(j).map((p) => p.slice(0, 3)));

t.test('serve: correct results, clean 4xx for hostile input, 503 when saturated, flat memory, graceful shutdown', { skip: existsSync(cli) ? false : 'dist/ not built' }, async (t) => {
  const { child, base } = await start('--concurrency', '2', '--max-body', String(4 << 20), '--max-jets', '1000', '--max-particles', '100000');
  t.teardown(() => { child.kill('SIGKILL'); });

  // Built before the first request: building them (a 12 MB body among them) takes seconds on a loaded machine, and a
  // keep-alive socket left idle that long can be closed by the server just as the client reuses it ("other side closed").
  const bad: [string, string, number, RegExp][] = [
    ['malformed JSON', '{"jets": [[[1,0,0]]', 400, /not valid JSON/],
    ['NaN literal', '{"jets": [[[NaN,0,0]]]}', 400, /not valid JSON/],
    ['huge number', '{"jets": [[[1e400,0,0]]]}', 400, /non-finite pT/],
    ['negative pT', '{"jets": [[[-1,0,0]]]}', 400, /jet 0, particle 0, field pt: negative pT/],
    ['wrong type', '{"jets": [[["a",0,0]]]}', 400, /jets\[0\]\[0\] must be/],
    ['jets not a list', '{"jets": 5}', 400, /"jets" must be an array/],
    ['body not an object', '[1,2]', 400, /body must be an object/],
    ['deep JSON', `{"jets": ${'['.repeat(100000)}${']'.repeat(100000)}}`, 400, /must be/],
    ['bad options', JSON.stringify({ jets: [[[1, 0, 0]]], options: { betas: 'x' } }), 400, /options.betas/],
    ['too many jets', JSON.stringify({ jets: Array.from({ length: 1001 }, () => []) }), 400, /too many jets/],
    ['too many particles', JSON.stringify({ jets: [Array.from({ length: 100001 }, () => [1, 0, 0])] }), 400, /too many particles/],
    ['10^6 particles (oversized body)', JSON.stringify({ jets: [Array.from({ length: 1e6 }, () => [1, 0.1, 0.2])] }), 413, /exceeds the limit/],
  ];
  const ok = await post(base, '/v1/observables', JSON.stringify({ jets: nested, options: { betas: [1] } }));
  t.equal(ok.status, 200);
  const want = await observables(jets, { betas: [1] });
  const got = ok.json.values as Record<string, number[]>;
  t.same(ok.json.columns, want.columns);
  for (const c of want.columns) t.same(got[c], Array.from(want.values[c]), `column ${c} equals the library`);

  // A large answer (over 64 KiB: written in pieces, yielding to the event loop between them) arrives whole.
  const big = await fetch(base + '/v1/observables', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jets: Array.from({ length: 1000 }, (_, j) => nested[j % nested.length]), options: { betas: [1] } }) });
  t.ok(Number(big.headers.get('content-length')) > 64 * 1024, `answer of ${big.headers.get('content-length')} bytes`);
  const bigValues = ((await big.json()) as { values: Record<string, number[]> }).values;
  for (const c of want.columns) t.same(bigValues[c], Array.from({ length: 1000 }, (_, j) => want.values[c][j % nested.length]), `large answer: column ${c}`);

  const efp = await post(base, '/v1/efp', JSON.stringify({ jets: nested.slice(0, 3), options: { select: 'd<=2', kappa: 1, beta: 1 } }));
  t.equal(efp.status, 200);
  const set = new EFPSet('d<=2', { kappa: 1, beta: 1 });
  const want2 = await set.batchCompute(jets.slice(0, 3));
  t.same((efp.json.values as number[][]).flat(), Array.from(want2), 'EFPs equal the library');
  t.equal((await post(base, '/v1/efp', JSON.stringify({ jets: nested.slice(0, 1), options: { select: 'd<=9' } }))).status, 400, 'oversized EFP selection');
  t.equal((await post(base, '/v1/efp', JSON.stringify({ jets: nested.slice(0, 1), options: { select: 'q<=2' } }))).status, 400, 'unknown selection syntax');
  t.equal((await post(base, '/v1/efp', JSON.stringify({ jets: nested.slice(0, 1), options: { beta: -1 } }))).status, 400, 'bad beta');

  for (const [what, body, status, re] of bad) {
    const r = await post(base, '/v1/observables', body);
    t.equal(r.status, status, what);
    t.match(String(r.json.error), re, what);
  }
  t.equal((await fetch(base + '/v1/nothing', { method: 'POST', body: '{}' })).status, 404);
  t.equal((await fetch(base + '/v1/observables')).status, 405);

  // Saturation: 12 heavy requests at once against a concurrency of 2 -> every answer is 200 or 503.
  const heavy = JSON.stringify({ jets: Array.from({ length: 1000 }, (_, j) => nested[j % nested.length]) });
  const burst = await Promise.all(Array.from({ length: 12 }, () => post(base, '/v1/observables', heavy)));
  const codes = burst.map((r) => r.status);
  t.ok(codes.every((c) => c === 200 || c === 503), `codes ${codes.join(',')}`);
  t.ok(codes.includes(503), 'saturation answered with 503');
  t.ok(codes.includes(200));

  // Memory stays flat over repeated rounds (bounded: 10 rounds of 6 requests).
  const rss = async () => ((await (await fetch(base + '/health')).json()) as { rssMiB: number }).rssMiB;
  for (let i = 0; i < 3; i++) await Promise.all(Array.from({ length: 2 }, () => post(base, '/v1/observables', heavy)));
  const before = await rss();
  for (let i = 0; i < 10; i++) await Promise.all(Array.from({ length: 2 }, () => post(base, '/v1/observables', heavy)));
  const after = await rss();
  t.ok(after - before < 64, `rss ${before.toFixed(1)} -> ${after.toFixed(1)} MiB`);
  const health = (await (await fetch(base + '/health')).json()) as { eventLoopLagMs: { p99: number } };
  // A loose bound: heavy work runs in the addon's async workers, so the loop never stalls for long.
  t.ok(health.eventLoopLagMs.p99 < 250, `event-loop lag p99 ${health.eventLoopLagMs.p99.toFixed(1)} ms`);

  // Graceful shutdown: an in-flight request completes, then the process exits 0.
  const inflight = post(base, '/v1/observables', heavy);
  await new Promise((r) => setTimeout(r, 20));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  t.equal((await inflight).status, 200, 'in-flight request finished');
  t.equal(await exited, 0, 'clean exit');
});
