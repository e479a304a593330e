// Soak bench for the service: `node bench/serve-soak.mjs [seconds] [clients]` (after npm run build). Starts
// `jetlens serve` in a child process, saturates it (see serve-soak-lib.mjs) and prints JSON and a table.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { soak } from './serve-soak-lib.mjs';

const seconds = Number(process.argv[2] ?? 30);
const clients = Number(process.argv[3] ?? 6);
const child = spawn(process.execPath, ['dist/cli/index.js', 'serve', '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
const line = await new Promise((ok) => createInterface({ input: child.stdout }).once('line', ok));
try {
  const r = await soak(JSON.parse(line).listening, { seconds, clients, seed: 1 });
  r.loadavg = loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(JSON.stringify(r));
  console.table({ requests: `${r.ok} ok, ${r.busy} busy (503), ${r.errors} errors`, rss: `${r.rssWarmMiB.toFixed(0)} -> ${r.rssEndMiB.toFixed(0)} MiB`,
    'health p99 (client)': `${r.healthP99Ms.toFixed(1)} ms`, 'event-loop lag p99 (server)': `${r.serverLagP99Ms.toFixed(1)} ms`, load: r.loadavg });
} finally {
  child.kill('SIGTERM');
}
