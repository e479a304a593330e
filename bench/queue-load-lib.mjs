// Shared by bench/queue-load.mjs and test/scale-queue-load.test.ts: the BullMQ job queue under load and faults.
// A real redis-server (append-only file, fsync on every write) and W `jetlens worker` processes (the compiled CLI)
// run a seeded mix of small efp and observables jobs; at random points (seeded) K busy workers are SIGKILLed and
// replaced, and Redis is restarted once. Afterwards every job must be completed exactly once, with the right output
// (the first output of each kind checked against the same computation in this process, every other one byte-equal to
// it), no output without its stamp, and the workers' memory flat.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { clearInterval, setInterval } from 'node:timers';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');
export const cli = join(dist, 'cli', 'index.js');

/** Why the load run cannot run here (a string), or false: redis-server through scripts/ensure-redis.sh, as test/queue.test.ts. */
export function whyNoRedis() {
  if (!existsSync(cli)) return 'dist/ not built (run npm install)';
  const r = spawnSync('bash', [join(root, 'scripts', 'ensure-redis.sh')], { stdio: 'pipe', timeout: 240_000 });
  const why = String(r.stderr).trim().split('\n').pop() || r.error?.message;
  if (r.status === 10) return `live queue load test skipped: ${why}`;
  if (r.status !== 0) return `no redis-server, and scripts/ensure-redis.sh could not install one (${why})`;
  return false;
}

function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, ms, cond, every = 50) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(every);
  }
}

/** A child process whose stdout JSON lines are collected. */
class Proc {
  constructor(cmd, args, name) {
    this.name = name;
    this.lines = [];
    this.out = '';
    this.code = undefined;
    this.child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.pid = this.child.pid;
    createInterface({ input: this.child.stdout }).on('line', (s) => {
      this.out += s + '\n';
      try {
        this.lines.push(JSON.parse(s));
      } catch {
        // redis-server's log
      }
    });
    this.child.stderr.on('data', (d) => (this.out += String(d)));
    this.child.on('exit', (code, signal) => (this.code = code ?? (signal ? -1 : null)));
  }
  get alive() {
    return this.code === undefined;
  }
  /** The job this worker is running now (its last active line not followed by completed/failed), or undefined. */
  get current() {
    const done = new Set(this.lines.filter((l) => l.event === 'completed' || l.event === 'failed').map((l) => l.id));
    const act = this.lines.filter((l) => l.event === 'active' && !done.has(l.id));
    return act.at(-1)?.id;
  }
}

function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const pct = (xs, p) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] : NaN);
const median = (xs) => pct(xs, 0.5);

/** Job kinds: [command, options, output extension]. Sizes vary through the inputs (20, 100 and 300 jets). */
const KINDS = [
  ['efp', { select: 'd<=3' }, 'npy'],
  ['efp', { select: 'd<=5', kappa: 2, beta: 0.5 }, 'npy'],
  ['efp', { select: 'd<=6 and c<=2' }, 'npy'],
  ['observables', {}, 'csv'],
  ['observables', { betas: [0.5, 1], axes: 'wta' }, 'npz'],
];

/**
 * Runs the load. Options: jobs, workers, kills (workers SIGKILLed and replaced), redisRestarts, seed, timeoutMs,
 * log (progress lines). Returns the figures and the checks' counts; throws only when the run could not be set up.
 */
export async function queueLoad(o = {}) {
  const { jobs: nJobs = 1000, workers: nWorkers = 4, kills = 2, redisRestarts = 1, seed = 1, timeoutMs = 600_000, log = () => {} } = o;
  const { JobQueue } = await import(join(dist, 'queue', 'client.js'));
  const { redisConnection } = await import(join(dist, 'queue', 'connection.js'));
  const { generateMixture } = await import(join(dist, 'jets', 'generator', 'generate.js'));
  const io = await import(join(dist, 'io', 'index.js'));
  const { EFPSet } = await import(join(dist, 'efp', 'efpset.js'));
  const { observables } = await import(join(dist, 'jss', 'observables.js'));
  const r = rng(seed);
  const dir = mkdtempSync(join(tmpdir(), 'jetlens-queue-load-'));
  const procs = [];
  let queue;
  try {
    // Redis with persistence: every write is in the append-only file before Redis answers.
    const port = await freePort();
    const redisArgs = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
    const startRedis = async () => {
      const p = new Proc('redis-server', redisArgs, 'redis');
      procs.push(p);
      await waitFor('redis-server to accept connections', 20_000, () => p.out.includes('Ready to accept connections') || !p.alive);
      if (!p.alive) throw new Error(`redis-server exited: ${p.out.slice(-300)}`);
      return p;
    };
    let redis = await startRedis();
    const url = `redis://127.0.0.1:${port}`;
    const connection = redisConnection(url);

    const sizes = [20, 100, 300];
    const inputs = [];
    const batches = [];
    for (const [i, n] of sizes.entries()) {
      const jets = generateMixture({ signal: 'w', background: 'qcd', n: n / 2, seed: 100 + i });
      inputs.push(join(dir, `jets${n}.npz`));
      batches.push(jets);
      await io.writeJets(inputs[i], jets);
    }
    mkdirSync(join(dir, 'out'));
    const jobs = Array.from({ length: nJobs }, (_, i) => {
      const kind = Math.floor(r() * KINDS.length);
      const size = r() < 0.5 ? 0 : r() < 0.7 ? 1 : 2; // mostly small
      const [command, options, ext] = KINDS[kind];
      return { kind, size, job: { command, input: inputs[size], output: join(dir, 'out', `job${i}.${ext}`), options } };
    });

    const rss = new Map(); // pid -> [t, MiB][]
    const t0 = Date.now();
    const sampler = setInterval(() => {
      for (const p of procs) {
        if (p.name !== 'worker' || !p.alive) continue;
        const m = rssMiB(p.pid);
        if (m !== undefined) (rss.get(p.pid) ?? rss.set(p.pid, []).get(p.pid)).push([Date.now() - t0, m]);
      }
    }, 250);
    const startWorker = () => {
      const p = new Proc(process.execPath, [cli, 'worker', '--redis', url, '--threads', '1', '--lock-duration', '3000', '--stalled-interval', '500', '--max-stalled', '5'], 'worker');
      procs.push(p);
      return p;
    };
    const workers = Array.from({ length: nWorkers }, startWorker);
    await waitFor('the workers to be ready', 60_000, () => workers.every((w) => w.lines.some((l) => l.ready) || !w.alive), 100);

    queue = new JobQueue(connection);
    const ids = [];
    for (let i = 0; i < jobs.length; i += 50) ids.push(...(await Promise.all(jobs.slice(i, i + 50).map((j) => queue.submit(j.job, { attempts: 5, backoffMs: 200 })))));
    log(`${ids.length} jobs submitted to ${nWorkers} workers`);

    // Faults at seeded random fractions of the completed jobs.
    const faults = [
      ...Array.from({ length: kills }, (_, k) => ({ at: (k + 0.3 + 0.4 * r()) / (kills + 1), what: 'kill' })),
      ...Array.from({ length: redisRestarts }, (_, k) => ({ at: (k + 0.3 + 0.4 * r()) / (redisRestarts + 1), what: 'redis' })),
    ].sort((a, b) => a.at - b.at);
    const killedJobs = [];
    const redisDowntimeMs = [];
    let done = 0;
    const deadline = Date.now() + timeoutMs;
    while (done < nJobs) {
      if (Date.now() > deadline) throw new Error(`timed out: ${done} of ${nJobs} jobs finished after ${timeoutMs} ms`);
      try {
        const c = await queue.queue.getJobCounts('completed', 'failed');
        done = c.completed + c.failed;
      } catch {
        // Redis is restarting
      }
      while (faults.length && done >= faults[0].at * nJobs) {
        // A kill waits for a worker that is running a job (the case that matters); past 95% it takes any worker.
        const busy = procs.filter((p) => p.name === 'worker' && p.alive && p.current);
        if (faults[0].what === 'kill' && !busy.length && done < 0.95 * nJobs) break;
        const f = faults.shift();
        if (f.what === 'kill') {
          const live = procs.filter((p) => p.name === 'worker' && p.alive);
          const victim = (busy.length ? busy : live)[Math.floor(r() * (busy.length || live.length))];
          killedJobs.push({ at: done, pid: victim.pid, job: victim.current });
          victim.child.kill('SIGKILL');
          log(`SIGKILL worker ${victim.pid} at ${done} jobs done${victim.current ? ` (running job ${victim.current})` : ''}; starting a replacement`);
          startWorker();
        } else {
          const s = Date.now();
          redis.child.kill('SIGTERM'); // a restart: Redis flushes and exits, then starts again from its append-only file
          await waitFor('redis-server to exit', 20_000, () => !redis.alive);
          redis = await startRedis();
          redisDowntimeMs.push(Date.now() - s);
          log(`Redis restarted at ${done} jobs done (${Date.now() - s} ms down)`);
        }
      }
      await sleep(100);
    }
    const elapsed = (Date.now() - t0) / 1000;
    clearInterval(sampler);

    // Checks. A worker prints its 'completed' line after Redis has the job completed, and we read that line from a
    // pipe: give the last lines a moment to arrive (up to 5 s) before saying a completion went unreported.
    const killedIds = new Set(killedJobs.map((k) => k.job).filter(Boolean));
    const reported = () => new Set(procs.flatMap((p) => p.lines.filter((l) => l.event === 'completed').map((l) => l.id)));
    await waitFor('the workers\' last completed lines', 5_000, () => { const r = reported(); return ids.every((id) => r.has(id) || killedIds.has(id)); }).catch(() => {});
    const completedLines = new Map();
    for (const p of procs) for (const l of p.lines) if (l.event === 'completed') completedLines.set(l.id, (completedLines.get(l.id) ?? 0) + 1);
    const failed = [];
    const duplicated = [];
    const missingLines = [];
    const latencies = [];
    const service = [];
    const finished = [];
    const starts = [];
    const wrong = [];
    const reference = new Map(); // kind/size -> bytes of the first output, checked against this process
    const close = (a, b) => a.length === b.length && Array.from(a).every((x, i) => Math.abs(x - b[i]) <= 1e-12 * Math.max(1, Math.abs(b[i])));
    for (const [i, id] of ids.entries()) {
      const job = await queue.queue.getJob(id);
      const state = await queue.queue.getJobState(id);
      if (state !== 'completed') {
        failed.push({ id, state, reason: job?.failedReason });
        continue;
      }
      const n = completedLines.get(id) ?? 0;
      if (n > 1) duplicated.push(id);
      if (n === 0 && !killedIds.has(id)) missingLines.push(id);
      latencies.push(job.finishedOn - job.timestamp);
      service.push(job.finishedOn - job.processedOn);
      finished.push(job.finishedOn);
      starts.push(job.timestamp);
      const { kind, size, job: spec } = jobs[i];
      const stamp = `${spec.output}.job.json`;
      if (!existsSync(spec.output) || !existsSync(stamp) || job.returnvalue?.output !== spec.output || job.returnvalue?.rows !== batches[size].length) {
        wrong.push({ id, why: 'output, stamp or result missing' });
        continue;
      }
      const bytes = readFileSync(spec.output);
      const key = `${kind}/${size}`;
      if (!reference.has(key)) {
        const jets = batches[size];
        const [command, options] = KINDS[kind];
        let ok;
        if (command === 'efp') {
          const set = new EFPSet(options.select, { kappa: options.kappa ?? 1, beta: options.beta ?? 1 });
          ok = close((await io.readArray(spec.output)).data, await set.batchCompute(jets, { threads: 1 }));
        } else {
          const want = await observables(jets, { ...options, threads: 1 });
          const got = await io.readTable(spec.output);
          ok = want.columns.every((c) => close(got[c], want.values[c]));
        }
        if (!ok) wrong.push({ id, why: `${spec.output} differs from the in-process computation` });
        reference.set(key, bytes);
      } else if (!bytes.equals(reference.get(key))) {
        wrong.push({ id, why: `${spec.output} differs from the other outputs of its kind` });
      }
    }
    const tmpLeft = readdirSync(join(dir, 'out')).filter((f) => f.includes('.tmp-')).length;

    // Memory of the workers that ran from start to end: the 3rd quarter of the run against the last.
    const memory = [];
    for (const [pid, xs] of rss) {
      const p = procs.find((q) => q.pid === pid);
      if (!p.alive || xs.length < 8) continue;
      const q = (a, b) => xs.slice(Math.floor(a * xs.length), Math.floor(b * xs.length)).map(([, m]) => m);
      memory.push({ pid, startMiB: median(q(0.1, 0.25)), midMiB: median(q(0.5, 0.75)), endMiB: median(q(0.75, 1)), peakMiB: Math.max(...xs.map(([, m]) => m)) });
    }
    const span = (Math.max(...finished) - Math.min(...starts)) / 1000; // first submission to last completion
    return {
      jobs: nJobs, workers: nWorkers, seconds: elapsed,
      throughputJobsPerSecond: finished.length / span,
      // latency: submission to completion (all jobs are submitted at once, so it includes the wait in the queue);
      // service: the last attempt's start to completion (reading the input, computing, writing, stamping).
      latencyMs: { p50: pct(latencies, 0.5), p90: pct(latencies, 0.9), p99: pct(latencies, 0.99), max: Math.max(...latencies) },
      serviceMs: { p50: pct(service, 0.5), p90: pct(service, 0.9), p99: pct(service, 0.99), max: Math.max(...service) },
      completed: latencies.length, failed, duplicated, missingLines, wrong, tmpLeft,
      killedJobs, redisRestarts: redisDowntimeMs.length, redisDowntimeMs,
      memory, memoryGrowthMiB: Math.max(0, ...memory.map((m) => m.endMiB - m.midMiB)),
      stalledRecovered: killedJobs.filter((k) => k.job).length,
    };
  } finally {
    await queue?.close().catch(() => {});
    for (const p of procs) if (p.alive && p.name === 'worker') p.child.kill('SIGTERM');
    await waitFor('the workers to stop', 10_000, () => procs.every((p) => p.name !== 'worker' || !p.alive)).catch(() => {
      for (const p of procs) if (p.alive && p.name === 'worker') p.child.kill('SIGKILL');
    });
    for (const p of procs) if (p.alive) p.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
