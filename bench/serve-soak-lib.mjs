// Shared by bench/serve-soak.mjs and test/serve-soak.test.ts: saturates a running jetlens service with a seeded mix
// of /v1/efp and /v1/observables requests (1 to 400 jets, 10 to 60 particles) while polling /health every 25 ms.
// Three processes, so that only the server's own delays are measured: the server (started by the caller), the load
// generator (bench/serve-soak-load.mjs, a child process: it builds and drains big bodies) and this process, whose
// event loop does nothing but poll /health. The server's own event-loop lag (perf_hooks monitorEventLoopDelay,
// reset when the load starts) is reported next to the client-side round trip, so the two can be told apart.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** CPU seconds (user + system) of a process, and of its main thread alone (Linux /proc; null elsewhere). */
function cpuSeconds(pid) {
  try {
    const fields = (f) => readFileSync(f, 'utf8').replace(/^.*\) /s, '').split(' ');
    const secs = (x) => (Number(x[11]) + Number(x[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
    return { process: secs(fields(`/proc/${pid}/stat`)), main: secs(fields(`/proc/${pid}/task/${pid}/stat`)) };
  } catch {
    return null;
  }
}

function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32);
}

/** `count` seeded requests {path, body}: half /v1/efp (d<=4), half /v1/observables, 1-400 jets of 10-60 particles. */
export function requestMix(seed, count) {
  const r = rng(seed);
  return Array.from({ length: count }, () => {
    const n = 1 + Math.floor(r() ** 2 * 400);
    const jets = Array.from({ length: n }, () =>
      Array.from({ length: 10 + Math.floor(r() * 50) }, () => [0.1 + 50 * r(), 0.8 * (r() - 0.5), 0.8 * (r() - 0.5)]),
    );
    return r() < 0.5
      ? { path: '/v1/efp', body: JSON.stringify({ jets, options: { select: 'd<=4', kappa: 1, beta: 1 } }) }
      : { path: '/v1/observables', body: JSON.stringify({ jets, options: { betas: [1, 2] } }) };
  });
}

const quantile = (xs, q) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] : 0);

/** Starts the load generator; resolves {lines, done} once it has warmed the service up and says ready. */
function startLoad(base, seconds, clients, seed) {
  const child = spawn(process.execPath, [new URL('./serve-soak-load.mjs', import.meta.url).pathname, base, String(seconds), String(clients), String(seed)],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const it = lines[Symbol.asyncIterator]();
  const exited = new Promise((ok) => child.once('exit', (code) => ok(code)));
  const nextLine = async (what) => {
    const r = await Promise.race([it.next(), exited.then((code) => ({ done: true, code }))]);
    if (r.done) throw new Error(`soak load generator exited (code ${r.code}) before ${what}`);
    return JSON.parse(r.value);
  };
  return { child, ready: nextLine('it was ready'), result: () => nextLine('its result') };
}

/**
 * `pid`: the server's process id, for its CPU time (main thread and whole process) over the soak (optional).
 * @param {string} base
 * @param {{ seconds?: number, clients?: number, seed?: number, pid?: number }} [opts]
 */
export async function soak(base, { seconds = 12, clients = 4, seed = 1, pid } = {}) {
  const health = async (query = '') => (await fetch(`${base}/health${query}`)).json();
  const load = startLoad(base, seconds, clients, seed);
  try {
    await load.ready;
    // The server's lag histogram restarts here: warm-up (EFP set built, workers started) is not counted.
    const warm = await health('?reset=1');
    const cpu0 = pid ? cpuSeconds(pid) : null;
    const rssWarmMiB = warm.rssMiB;
    const t0 = Date.now();
    const end = t0 + seconds * 1000;
    const half = t0 + (seconds * 1000) / 2;
    const rtt = [];
    const rss = [[], []]; // samples in the first and the second half of the run
    while (Date.now() < end) {
      const s = performance.now();
      const h = await health();
      rtt.push(performance.now() - s);
      rss[Date.now() < half ? 0 : 1].push(h.rssMiB);
      await new Promise((ok) => setTimeout(ok, 25));
    }
    const h = await health(); // lag over the soak (the load may still run its last requests)
    const cpu1 = pid ? cpuSeconds(pid) : null;
    const counts = await load.result();
    const served = h.served - warm.served;
    return {
      seconds, clients, ...counts,
      // CPU time does not depend on how busy the machine is: the event loop's cost per request, load-independent.
      ...(cpu0 && cpu1 ? {
        serverCpuS: cpu1.process - cpu0.process, serverMainThreadCpuS: cpu1.main - cpu0.main,
        mainThreadCpuMsPerRequest: (1000 * (cpu1.main - cpu0.main)) / Math.max(1, served),
      } : {}),
      // Flat: the peak RSS of the second half is not above the first half's (a leak grows it steadily).
      rssWarmMiB, rssEndMiB: h.rssMiB, rssPeakFirstHalfMiB: Math.max(...rss[0]), rssPeakSecondHalfMiB: Math.max(...rss[1]),
      rssGrowthMiB: Math.max(...rss[1]) - Math.max(...rss[0]),
      healthP50Ms: quantile(rtt, 0.5), healthP99Ms: quantile(rtt, 0.99), healthMaxMs: Math.max(0, ...rtt), healthSamples: rtt.length,
      serverLagP50Ms: h.eventLoopLagMs.p50, serverLagP99Ms: h.eventLoopLagMs.p99, serverLagMaxMs: h.eventLoopLagMs.max,
      // Fraction of the soak the server's event loop was busy running callbacks (the rest it waited for I/O).
      serverLoopBusy: (h.eventLoopMs.active - warm.eventLoopMs.active) / ((h.eventLoopMs.active + h.eventLoopMs.idle) - (warm.eventLoopMs.active + warm.eventLoopMs.idle)),
    };
  } finally {
    load.child.kill('SIGKILL');
  }
}
