// Shared by bench/serve-soak.mjs and test/serve-soak.test.ts: saturates a running jetlens service with a seeded mix
// of /v1/efp and /v1/observables requests (1 to 400 jets, 10 to 60 particles) while polling /health every 25 ms.

function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32);
}

function request(r) {
  const n = 1 + Math.floor(r() ** 2 * 400);
  const jets = Array.from({ length: n }, () =>
    Array.from({ length: 10 + Math.floor(r() * 50) }, () => [0.1 + 50 * r(), 0.8 * (r() - 0.5), 0.8 * (r() - 0.5)]),
  );
  return r() < 0.5
    ? { path: '/v1/efp', body: JSON.stringify({ jets, options: { select: 'd<=4', kappa: 1, beta: 1 } }) }
    : { path: '/v1/observables', body: JSON.stringify({ jets, options: { betas: [1, 2] } }) };
}

const quantile = (xs, q) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] : 0);

export async function soak(base, { seconds = 12, clients = 4, seed = 1 } = {}) {
  const r = rng(seed);
  // Bodies made up front, so the client's own event loop stays free to poll /health.
  const bodies = Array.from({ length: 24 }, () => request(r));
  let next = 0;
  const pick = () => bodies[next++ % bodies.length];
  const health = async () => (await fetch(`${base}/health`)).json();
  const counts = { ok: 0, busy: 0, errors: 0 };
  const post = async ({ path, body }) => {
    const res = await fetch(base + path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    await res.arrayBuffer();
    if (res.status === 200) counts.ok++;
    else if (res.status === 503) counts.busy++;
    else counts.errors++;
  };
  // Warm-up: each kind once (EFP set built, parse workers started), then one round at full load.
  await post({ path: '/v1/efp', body: JSON.stringify({ jets: [[[1, 0, 0], [2, 0.1, 0.1]]], options: { select: 'd<=4', kappa: 1, beta: 1 } }) });
  await Promise.all(Array.from({ length: clients }, () => post(pick())));
  const warm = await health();
  const rssWarmMiB = warm.rssMiB;
  const end = Date.now() + seconds * 1000;
  const rtt = [];
  const rss = [[], []]; // samples in the first and the second half of the run
  const half = Date.now() + (seconds * 1000) / 2;
  const poller = (async () => {
    while (Date.now() < end) {
      const t0 = performance.now();
      const h = await health();
      rtt.push(performance.now() - t0);
      rss[Date.now() < half ? 0 : 1].push(h.rssMiB);
      await new Promise((ok) => setTimeout(ok, 25));
    }
  })();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (Date.now() < end) await post(pick());
  }));
  await poller;
  const h = await health();
  return {
    seconds, clients, ...counts,
    // Flat: the peak RSS of the second half is not above the first half's (a leak grows it steadily).
    rssWarmMiB, rssEndMiB: h.rssMiB, rssPeakFirstHalfMiB: Math.max(...rss[0]), rssPeakSecondHalfMiB: Math.max(...rss[1]),
    rssGrowthMiB: Math.max(...rss[1]) - Math.max(...rss[0]),
    healthP50Ms: quantile(rtt, 0.5), healthP99Ms: quantile(rtt, 0.99), healthMaxMs: Math.max(0, ...rtt), healthSamples: rtt.length,
    serverLagP99Ms: h.eventLoopLagMs.p99, serverLagMaxMs: h.eventLoopLagMs.max,
    // Fraction of the soak the server's event loop was busy running callbacks (the rest it waited for I/O).
    serverLoopBusy: (h.eventLoopMs.active - warm.eventLoopMs.active) / ((h.eventLoopMs.active + h.eventLoopMs.idle) - (warm.eventLoopMs.active + warm.eventLoopMs.idle)),
  };
}
