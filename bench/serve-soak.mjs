// Soak bench for the service: `node bench/serve-soak.mjs [seconds=20] [clients=6]` (after npm run build; about
// seconds + 5 s in all). Starts `jetlens serve` in a child process, saturates it with /v1/efp and /v1/observables
// (see serve-soak-lib.mjs) while polling /health, and prints JSON (one line) and a table: /health round-trip p50/p99
// (client side; issue #24 item 3 asks p99 < 20 ms), the server's event-loop lag, RSS, and the load average.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { soak } from './serve-soak-lib.mjs';

const seconds = Number(process.argv[2] ?? 20);
const clients = Number(process.argv[3] ?? 6);
const loadBefore = loadavg()[0].toFixed(2);
const child = spawn(process.execPath, ['dist/cli/index.js', 'serve', '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
const line = await new Promise((ok) => createInterface({ input: child.stdout }).once('line', ok));
try {
  const r = await soak(JSON.parse(line).listening, { seconds, clients, seed: 1 });
  r.loadavgBefore = loadBefore;
  r.loadavg = loadavg().map((x) => x.toFixed(2)).join(' ');
  r.healthP99Under20Ms = r.healthP99Ms < 20;
  console.log(JSON.stringify(r));
  console.table({ requests: `${r.ok} ok, ${r.busy} busy (503), ${r.errors} errors in ${r.seconds} s, ${r.clients} clients`,
    '/health p50 / p99 / max (client)': `${r.healthP50Ms.toFixed(1)} / ${r.healthP99Ms.toFixed(1)} / ${r.healthMaxMs.toFixed(1)} ms over ${r.healthSamples} polls`,
    'event-loop lag p99 / max (server)': `${r.serverLagP99Ms.toFixed(1)} / ${r.serverLagMaxMs.toFixed(1)} ms`,
    'event loop busy (server)': `${(100 * r.serverLoopBusy).toFixed(1)} % of the soak`,
    rss: `${r.rssWarmMiB.toFixed(0)} -> ${r.rssEndMiB.toFixed(0)} MiB (peak growth ${r.rssGrowthMiB.toFixed(0)} MiB)`,
    'load average (1, 5, 15 min)': `${r.loadavg} (1 min before: ${loadBefore})` });
} finally {
  child.kill('SIGTERM');
}
