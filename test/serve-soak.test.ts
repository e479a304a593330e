// Issue #24 item 5 / #20 item 4: a soak test. The service (the compiled CLI, in its own process) is kept saturated
// with /v1/efp and /v1/observables requests of mixed sizes while /health is polled: RSS must stay flat and /health
// must answer promptly. Bounds here are loose (the CI machine is shared); bench/serve-soak.mjs reports the figures.
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { soak } from '../bench/serve-soak-lib.mjs';

const cli = join(import.meta.dirname, '..', 'dist', 'cli', 'index.js');

t.test('soak: mixed /v1/efp and /v1/observables at saturation; flat RSS, prompt /health', { skip: existsSync(cli) ? false : 'dist/ not built' }, async (t) => {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--quiet', '--concurrency', '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => { child.kill('SIGKILL'); });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`serve exited with ${c}`)));
  });
  const base = JSON.parse(line).listening as string;
  const r = await soak(base, { seconds: Number(process.env.JETLENS_SOAK_SECONDS ?? 8), clients: 4, seed: 7, pid: child.pid });
  t.comment(JSON.stringify(r));
  t.equal(r.errors, 0, 'every answer is 200 or 503 (busy)');
  t.ok(r.ok > 10, `${r.ok} requests computed`);
  t.ok(r.rssGrowthMiB < 64, `peak RSS ${r.rssPeakFirstHalfMiB.toFixed(0)} MiB in the first half, ${r.rssPeakSecondHalfMiB.toFixed(0)} MiB in the second (flat)`);
  // The target (p99 < 20 ms) is checked with JETLENS_SLOW=1 on a quiet machine; the default suite runs on a
  // shared 2-core box (load 30 seen) where the OS alone deschedules the service for 100-500 ms, so it only catches a blocked loop.
  const bound = process.env.JETLENS_SLOW === '1' ? 20 : 1000;
  t.ok(r.serverLagP99Ms < bound, `server event-loop lag p99 ${r.serverLagP99Ms.toFixed(1)} ms < ${bound} ms`);
  if (process.env.JETLENS_SLOW === '1') t.ok(r.healthP99Ms < 20, `/health round trip p99 ${r.healthP99Ms.toFixed(1)} ms < 20 ms`);
  t.comment(`/health round trip p50 ${r.healthP50Ms.toFixed(1)} ms, p99 ${r.healthP99Ms.toFixed(1)} ms over ${r.healthSamples} polls (client side)`);
});
