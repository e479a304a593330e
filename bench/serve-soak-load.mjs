// Load generator of the service soak, in a process of its own (so its work building and reading bodies never
// delays the /health poller, and never counts as server latency): `node bench/serve-soak-load.mjs BASE SECONDS
// CLIENTS SEED`. Warms the service up, prints {"ready": true}, keeps CLIENTS requests in flight for SECONDS, then
// prints one JSON line {ok, busy, errors, statuses}.
import { requestMix } from './serve-soak-lib.mjs';

const [base, seconds, clients, seed] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
// Bodies made up front (24 of them, reused): the clients only send and drain.
const bodies = requestMix(seed, 24);
let next = 0;
const counts = { ok: 0, busy: 0, errors: 0, statuses: {} };
const post = async ({ path, body }) => {
  const res = await fetch(base + path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  await res.arrayBuffer();
  if (res.status === 200) counts.ok++;
  else if (res.status === 503) counts.busy++;
  else {
    counts.errors++;
    counts.statuses[res.status] = (counts.statuses[res.status] ?? 0) + 1;
  }
};
// Warm-up: each kind once (EFP set built, parse workers started), then one round at full load.
await post({ path: '/v1/efp', body: JSON.stringify({ jets: [[[1, 0, 0], [2, 0.1, 0.1]]], options: { select: 'd<=4', kappa: 1, beta: 1 } }) });
await Promise.all(Array.from({ length: clients }, () => post(bodies[next++ % bodies.length])));
Object.assign(counts, { ok: 0, busy: 0, errors: 0, statuses: {} });
console.log(JSON.stringify({ ready: true }));
const end = Date.now() + seconds * 1000;
await Promise.all(Array.from({ length: clients }, async () => {
  while (Date.now() < end) await post(bodies[next++ % bodies.length]);
}));
console.log(JSON.stringify(counts));
