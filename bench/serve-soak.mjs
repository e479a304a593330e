// Soak bench for the service (after npm run build):
//   node bench/serve-soak.mjs [seconds=20] [clients=6] [--serve "ARGS"] [--compare "ARGS"]
// Starts `jetlens serve --port 0 --quiet ARGS` in a child process, saturates it with /v1/efp and /v1/observables from
// a second child process (serve-soak-load.mjs) while this process polls /health every 25 ms (see serve-soak-lib.mjs),
// and prints JSON (one line per run) and a table: /health round trip p50/p99/max (client side; issue #24 item 3 asks
// p99 < 20 ms), the server's own event-loop lag p50/p99/max over the soak, its busy fraction, RSS, load average.
// --compare "ARGS": an A/B in this one process: the --serve build and one with ARGS (e.g. "--kernel-nice 0")
// alternate, A B A B, `seconds` each (so 20 s gives about 90 s in all; use 10 for under a minute).
// --compare-cli PATH: an A/B of two builds: B runs PATH (another checkout's dist/cli/index.js) with the same ARGS.
// --cli PATH: the CLI of A (default dist/cli/index.js). --rounds N: N A/B pairs (default 2).
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { soak } from './serve-soak-lib.mjs';

const argv = process.argv.slice(2);
const flag = (name) => {
  const i = argv.indexOf(name);
  return i < 0 ? undefined : argv.splice(i, 2)[1];
};
const serveArgs = (flag('--serve') ?? '').split(' ').filter(Boolean);
const compare = flag('--compare');
const compareCli = flag('--compare-cli');
const cliA = flag('--cli') ?? 'dist/cli/index.js';
const rounds = Number(flag('--rounds') ?? 2);
const seconds = Number(argv[0] ?? 20);
const clients = Number(argv[1] ?? 6);

async function run(label, args, cli = cliA) {
  const loadBefore = loadavg()[0].toFixed(2);
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--quiet', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((ok, fail) => {
    createInterface({ input: child.stdout }).once('line', ok);
    child.once('exit', (c) => fail(new Error(`serve ${args.join(' ')} exited with ${c}`)));
  });
  try {
    const r = await soak(JSON.parse(line).listening, { seconds, clients, seed: 1, pid: child.pid });
    Object.assign(r, { label, serveArgs: args.join(' '), loadavgBefore: loadBefore, loadavg: loadavg().map((x) => x.toFixed(2)).join(' '), healthP99Under20Ms: r.healthP99Ms < 20 });
    console.log(JSON.stringify(r));
    return r;
  } finally {
    child.kill('SIGTERM');
    await new Promise((ok) => (child.exitCode !== null ? ok() : child.once('exit', ok)));
  }
}

const runs = [];
if (compare === undefined && compareCli === undefined) runs.push(await run('serve ' + serveArgs.join(' '), serveArgs));
else {
  const b = [...serveArgs, ...(compare ?? '').split(' ').filter(Boolean)];
  const cliB = compareCli ?? cliA;
  for (let k = 0; k < rounds; k++) {
    runs.push(await run(`A: ${cliA} serve ${serveArgs.join(' ')}`, serveArgs), await run(`B: ${cliB} serve ${b.join(' ')}`, b, cliB));
  }
}
const f = (x) => x.toFixed(1);
console.table(runs.map((r) => ({
  run: r.label.trim(),
  requests: `${r.ok} ok, ${r.busy} busy, ${r.errors} err / ${r.seconds} s, ${r.clients} clients`,
  '/health p50/p99/max ms (client)': `${f(r.healthP50Ms)} / ${f(r.healthP99Ms)} / ${f(r.healthMaxMs)} (${r.healthSamples})`,
  'loop lag p50/p99/max ms (server)': `${f(r.serverLagP50Ms)} / ${f(r.serverLagP99Ms)} / ${f(r.serverLagMaxMs)}`,
  'loop busy': `${(100 * r.serverLoopBusy).toFixed(1)} %`,
  'main-thread CPU ms/request; server CPU s': r.serverCpuS === undefined ? 'n/a' : `${r.mainThreadCpuMsPerRequest.toFixed(2)}; ${r.serverCpuS.toFixed(1)}`,
  'RSS MiB warm -> end (growth)': `${r.rssWarmMiB.toFixed(0)} -> ${r.rssEndMiB.toFixed(0)} (${r.rssGrowthMiB.toFixed(0)})`,
  'load avg before; after (1/5/15)': `${r.loadavgBefore}; ${r.loadavg}`,
})));
