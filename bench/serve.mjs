// Requests/second of `jetlens serve` for a typical payload (100 generated jets, default observables), with C
// concurrent clients on loopback, and the server's event-loop lag under that load. Baseline in the same run:
// the same observables computed in-process (no HTTP), to show the service overhead as a ratio.
// Usage: node bench/serve.mjs [requests=200] [concurrency=4]
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { generateMixture } from '../dist/jets/generator/index.js';
import { observables } from '../dist/jss/observables.js';

const total = Number(process.argv[2] ?? 200);
const conc = Number(process.argv[3] ?? 4);
const jets = generateMixture({ signal: 'w', background: 'qcd', n: 50, seed: 1 });
const body = JSON.stringify({ jets: Array.from({ length: jets.length }, (_, j) => jets.jet(j).map((p) => p.slice(0, 3))) });

let t0 = performance.now();
for (let i = 0; i < total; i++) await observables(jets, { threads: 1 });
const inProcess = total / ((performance.now() - t0) / 1000);

const child = spawn(process.execPath, ['dist/cli/index.js', 'serve', '--port', '0', '--quiet', '--concurrency', String(conc)], { stdio: ['ignore', 'pipe', 'inherit'] });
const base = JSON.parse(await new Promise((r) => createInterface({ input: child.stdout }).once('line', r))).listening;
let sent = 0;
let ok = 0;
t0 = performance.now();
await Promise.all(Array.from({ length: conc }, async () => {
  while (sent < total) {
    sent++;
    const r = await fetch(`${base}/v1/observables`, { method: 'POST', body });
    if (r.status === 200) ok++;
    await r.arrayBuffer();
  }
}));
const seconds = (performance.now() - t0) / 1000;
const health = await (await fetch(`${base}/health`)).json();
child.kill('SIGTERM');
const res = {
  requests: total, ok, concurrency: conc, jetsPerRequest: jets.length, bodyBytes: body.length,
  requestsPerSecond: total / seconds, jetsPerSecond: (total * jets.length) / seconds,
  inProcessCallsPerSecond: inProcess, serviceVsInProcess: total / seconds / inProcess, eventLoopLagMs: health.eventLoopLagMs,
};
console.table([{ 'req/s': res.requestsPerSecond.toFixed(0), 'jets/s': res.jetsPerSecond.toFixed(0), 'in-process calls/s': inProcess.toFixed(0), ratio: res.serviceVsInProcess.toFixed(2), 'lag p99 ms': health.eventLoopLagMs.p99.toFixed(2) }]);
console.log(JSON.stringify(res));
