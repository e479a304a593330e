// #23.3: the job queue under load and faults, small version (bench/queue-load.mjs runs 1,000 jobs): 4 `jetlens worker`
// processes on a real redis-server with persistence, 100 mixed efp/observables jobs, one busy worker SIGKILLed and
// replaced, Redis restarted once. Every job completes exactly once with the right output, no output lacks its stamp,
// worker memory stays flat. Runs where redis-server is (or, with JETLENS_INSTALL_TEST_DEPS=1, can be) installed.
import t from 'tap';
import { queueLoad, whyNoRedis } from '../bench/queue-load-lib.mjs';

const why = whyNoRedis();
t.test('queue under load: 100 jobs, 4 workers, 1 SIGKILL, 1 Redis restart; exactly once, right outputs, flat memory', { skip: why, timeout: 150_000 }, async (t) => {
  const r = await queueLoad({ jobs: 100, workers: 4, kills: 1, redisRestarts: 1, seed: 3, timeoutMs: 120_000, log: (m: string) => t.comment(m) });
  t.comment(`${r.seconds.toFixed(1)} s, ${r.throughputJobsPerSecond.toFixed(1)} jobs/s, latency p50 ${r.latencyMs.p50} ms p99 ${r.latencyMs.p99} ms, service p99 ${r.serviceMs.p99} ms`);
  t.equal(r.completed, 100, 'every job completed');
  t.same(r.failed, [], 'no job failed');
  t.same(r.duplicated, [], 'no job completed twice (worker logs)');
  // A worker SIGKILLed after Redis recorded its job as completed but before it printed the line loses that one line
  // (the job itself is complete and its output checked below): at most one unreported completion per kill.
  t.ok(r.missingLines.length <= r.killedJobs.length, `completions without a worker's line: [${r.missingLines.join(', ')}] (at most one per killed worker)`);
  t.same(r.wrong, [], 'every output is right: the first of each kind equals the in-process computation, the others are byte-equal to it');
  t.equal(r.killedJobs.length, 1, 'one worker was SIGKILLed');
  t.ok(r.killedJobs[0].job, `it was running job ${r.killedJobs[0].job}, which was completed by another worker`);
  t.equal(r.redisRestarts, 1, 'Redis was restarted once');
  t.ok(r.memory.length >= 3, `${r.memory.length} workers sampled from start to end`);
  t.ok(r.memoryGrowthMiB < 48, `worker RSS flat: ${r.memoryGrowthMiB.toFixed(1)} MiB growth from the 3rd to the 4th quarter of the run (< 48)`);
});
