// The job queue under load and faults (issue #23.3): W `jetlens worker` processes on a real redis-server (append-only
// file, fsync always), J mixed small efp/observables jobs (20, 100 or 300 jets; EFPs d<=3 to d<=6, observables to CSV
// and npz), K workers SIGKILLed at seeded random points and replaced, Redis restarted R times. Prints the figures as
// JSON (throughput, latency percentiles from submission to completion, worker memory) and whether every check held.
// Needs redis-server (scripts/ensure-redis.sh; JETLENS_INSTALL_TEST_DEPS=1 lets it apt-get one).
// Usage: node bench/queue-load.mjs [jobs = 1000] [workers = 4] [kills = 2] [redis restarts = 1] [seed = 1]
import { loadavg } from 'node:os';
import { queueLoad, whyNoRedis } from './queue-load-lib.mjs';

const [jobs = 1000, workers = 4, kills = 2, redisRestarts = 1, seed = 1] = process.argv.slice(2).map(Number);
const why = whyNoRedis();
if (why) {
  console.error(`bench/queue-load.mjs skipped: ${why}`);
  process.exit(0);
}
const load0 = loadavg()[0];
const r = await queueLoad({ jobs, workers, kills, redisRestarts, seed, log: (m) => console.error(m) });
const ok = r.failed.length === 0 && r.duplicated.length === 0 && r.wrong.length === 0 && r.completed === jobs;
console.log(JSON.stringify({ ...r, loadAverage: [load0, loadavg()[0]], ok }, null, 1));
console.error(`${r.completed}/${jobs} jobs completed once each (${r.duplicated.length} duplicated, ${r.failed.length} failed, ${r.wrong.length} wrong outputs, ` +
  `${r.tmpLeft} temporary files left by killed workers); ${r.throughputJobsPerSecond.toFixed(1)} jobs/s; latency p50 ${r.latencyMs.p50} ms, ` +
  `p90 ${r.latencyMs.p90} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms (service p50 ${r.serviceMs.p50} ms, p99 ${r.serviceMs.p99} ms); worker RSS growth (3rd to 4th quarter) ${r.memoryGrowthMiB.toFixed(1)} MiB; ` +
  `load average ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`);
process.exit(ok ? 0 : 1);
