import t from 'tap';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Job, QueueEvents } from 'bullmq';
import { EFPSet } from '../src/efp/efpset.js';
import { readArray, readTable, writeJets } from '../src/io/index.js';
import { generateMixture } from '../src/jets/generator/generate.js';
import { observables } from '../src/jss/observables.js';
import { mergeParts } from '../src/shard/merge.js';
import { JobQueue } from '../src/queue/client.js';
import { redisConnection } from '../src/queue/connection.js';
import { validateJob, type EfpJobOptions, type JetlensJob, type ObservablesJobOptions } from '../src/queue/job.js';
import { expectClose, tolerance } from './fixtures/backends.js';
import { freePort } from './fixtures/net.js';

/** A worker's output vs the same computation in this process: |a - b| <= 1e-12 max(1, |a|, |b|). */
const SAME = tolerance(1e-12);

// A real redis-server and two `jetlens worker` processes (the compiled CLI), as a cluster would run them.
const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli', 'index.js');

function whyNoRedis(): string | false {
  if (!existsSync(cli)) return 'dist/ not built (run npm install)';
  const r = spawnSync('bash', [join(root, 'scripts', 'ensure-redis.sh')], { stdio: 'pipe', timeout: 240_000 });
  const why = String(r.stderr).trim().split('\n').pop() || r.error?.message;
  if (r.status === 10) return `live queue test skipped: ${why}`;
  if (r.status !== 0) return `no redis-server, and scripts/ensure-redis.sh could not install one (${why})`;
  return false;
}

/** Polls `cond` every 20 ms; rejects after `ms` naming what it waited for (no test can hang). */
async function waitFor<T>(what: string, ms: number, cond: () => T | undefined | false): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Line {
  event?: string;
  id?: string;
  ready?: boolean;
  cached?: boolean;
  dead?: boolean;
}

/** A child process whose stdout JSON lines are collected; `onLine` sees each one as it arrives. */
class Proc {
  readonly lines: Line[] = [];
  stdout = '';
  stderr = '';
  code: number | null | undefined = undefined;
  onLine?: (l: Line) => void;
  readonly child: ChildProcess;
  constructor(cmd: string, args: string[]) {
    this.child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout! }).on('line', (s) => {
      this.stdout += s + '\n';
      try {
        const l = JSON.parse(s) as Line;
        this.lines.push(l);
        this.onLine?.(l);
      } catch {
        // not JSON (redis-server's log)
      }
    });
    this.child.stderr!.on('data', (d) => (this.stderr += String(d)));
    this.child.on('exit', (code, signal) => (this.code = code ?? (signal ? -1 : null)));
  }
  completed = (id: string) => this.lines.filter((l) => l.event === 'completed' && l.id === id).length;
}

/** One input file per poison kind (#24): bytes of each are kept to check nothing wrote over them. */
function poisonInputs(dir: string) {
  const garbage = join(dir, 'garbage.npz');
  writeFileSync(garbage, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)));
  const truncated = join(dir, 'truncated.npz');
  const good = readFileSync(join(dir, 'jets.npz'));
  writeFileSync(truncated, good.subarray(0, good.length >> 1));
  const huge = join(dir, 'huge.npy'); // a valid header that declares 4e8 jets of 30 particles, and 64 bytes of data
  const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (400000000, 30, 4), }";
  const pad = 64 - ((10 + header.length + 1) % 64);
  const h = Buffer.from(header + ' '.repeat(pad) + '\n');
  const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length & 0xff, h.length >> 8]);
  writeFileSync(huge, Buffer.concat([pre, h, Buffer.alloc(64)]));
  const npy = join(dir, 'jets.npy'); // written by the test (valid jets)
  const bytes = new Map([garbage, truncated, huge, npy].map((f) => [f, readFileSync(f)]));
  return { garbage, truncated, huge, npy, bytes };
}

t.test('validateJob: defaults filled, every malformed job rejected with the reason (no Redis needed)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jetlens-queue-v-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const input = join(dir, 'j.npz');
  writeFileSync(input, 'x');
  const out = join(dir, 'o.npy');
  t.same(validateJob({ command: 'efp', input, output: out }), {
    command: 'efp', input, dataset: 'X', output: out, options: { selection: 'd<=5', measure: 'hadr', kappa: 1, beta: 1, normed: true },
  });
  t.same(validateJob({ command: 'observables', input, output: join(dir, 'o.csv'), shard: '1/4' }).shard, { k: 1, n: 4 });
  const bad: [unknown, RegExp][] = [
    [null, /expected a JSON object/],
    [{ command: 'efp', input, output: out, extra: 1 }, /unknown field\(s\) extra/],
    [{ command: 'semd', input, output: out }, /command: expected 'efp' or 'observables'/],
    [{ command: 'efp', input: 'rel.npz', output: out }, /input: expected an absolute path/],
    [{ command: 'efp', input: join(dir, 'none.npz'), output: out }, /input: no such file/],
    [{ command: 'efp', input, output: join(dir, 'o.csv') }, /output: efp writes \.npy/],
    [{ command: 'observables', input, output: out }, /output: observables writes \.csv or \.npz/],
    [{ command: 'efp', input, output: out, options: { select: 'd<=3', graphs: [[[0, 1]]] } }, /select or graphs, not both/],
    [{ command: 'efp', input, output: out, options: { select: 'q<=3' } }, /options: /],
    [{ command: 'efp', input, output: out, options: { measure: 'nope' } }, /options.measure/],
    [{ command: 'efp', input, output: out, options: { beta: 0 } }, /options.beta/],
    [{ command: 'efp', input, output: out, options: { kappa: 'x' } }, /options.kappa/],
    [{ command: 'observables', input, output: join(dir, 'o.csv'), options: { columns: [] } }, /options.columns/],
    [{ command: 'observables', input, output: join(dir, 'o.csv'), options: { axes: 'anti-kt' } }, /options.axes/],
    [{ command: 'observables', input, output: join(dir, 'o.csv'), options: { kappa: 1 } }, /unknown field\(s\) kappa/],
    [{ command: 'efp', input, output: out, shard: '4/4' }, /shard: expected K\/N/],
  ];
  for (const [job, re] of bad) t.throws(() => validateJob(job), { name: 'JobValidationError', message: re }, JSON.stringify(job)?.slice(0, 80) ?? 'null');
});

const why = whyNoRedis();
t.test('jetlens worker: two workers, one SIGKILLed mid-job; every job completes once, correctly', { skip: why, timeout: 90_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jetlens-queue-'));
  const procs: Proc[] = [];
  let queue: JobQueue | undefined;
  let events: QueueEvents | undefined;
  t.teardown(async () => {
    for (const p of procs) if (p.code === undefined) p.child.kill('SIGKILL');
    await events?.close().catch(() => {});
    await queue?.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  const port = await freePort();
  const redis = new Proc('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  procs.push(redis);
  await waitFor('redis-server to accept connections', 10_000, () => redis.stdout.includes('Ready to accept connections') || redis.code !== undefined);
  t.equal(redis.code, undefined, `redis-server runs on 127.0.0.1:${port}`);
  const url = `redis://127.0.0.1:${port}`;
  const connection = redisConnection(url);

  const input = join(dir, 'jets.npz');
  const jets = generateMixture({ signal: 'w', background: 'qcd', n: 300, seed: 11 });
  await writeJets(input, jets);

  // Short locks so a killed worker's job is found stalled within ~3.5 s (long enough that a busy machine's
  // event-loop pauses don't look like a dead worker).
  const worker = () => {
    const p = new Proc(process.execPath, [cli, 'worker', '--redis', url, '--threads', '1', '--lock-duration', '3000', '--stalled-interval', '500', '--max-stalled', '3']);
    procs.push(p);
    return p;
  };
  const [a, b] = [worker(), worker()];
  await waitFor('both workers ready', 20_000, () => a.lines.some((l) => l.ready) && b.lines.some((l) => l.ready));

  queue = new JobQueue(connection);
  events = new QueueEvents('jetlens', { connection });
  await events.waitUntilReady();
  const completedEvents = new Map<string, number>();
  const stalled = new Set<string>();
  events.on('completed', ({ jobId }) => completedEvents.set(jobId, (completedEvents.get(jobId) ?? 0) + 1));
  events.on('stalled', ({ jobId }) => stalled.add(jobId));

  // Worker A is killed (SIGKILL, no cleanup) the moment it starts its first job; the heavy jobs come first.
  let killed: string | undefined;
  a.onLine = (l) => {
    if (l.event === 'active' && !killed) {
      killed = l.id;
      a.child.kill('SIGKILL');
    }
  };

  const efp: EfpJobOptions[] = [
    { select: 'd<=7' }, { select: 'd<=7', kappa: 2, beta: 0.5 }, { select: 'd<=6', measure: 'hadrdot', beta: 2 }, { select: 'd<=7', normed: false, kappa: 0.5 },
    { select: 'd<=4' }, { graphs: [[[0, 1], [1, 2]], [[0, 1], [0, 1], [1, 2], [2, 0]]] }, { select: 'd<=5 and c<=2', kappa: 'pf', normed: false, measure: 'hadrdot' },
  ];
  const obs: [string, ObservablesJobOptions][] = [
    ['csv', {}], ['npz', { betas: [0.5, 1] }], ['csv', { columns: ['mass', 'c2_b1', 'd2_b2', 'tau21_b1'] }], ['npz', { tauBeta: [1, 2], axes: 'wta' }], ['csv', { axes: 'onepass', columns: ['tau1_b1', 'tau32_b2'] }],
  ];
  const jobs: JetlensJob[] = [
    ...efp.map((options, i): JetlensJob => ({ command: 'efp', input, output: join(dir, 'out', `efp${i}.npy`), options })),
    ...obs.map(([ext, options], i): JetlensJob => ({ command: 'observables', input, output: join(dir, 'out', `obs${i}.${ext}`), options })),
  ];
  const ids = await Promise.all(jobs.map((j) => queue!.submit(j, { backoffMs: 200 })));
  t.equal(new Set(ids).size, 12, '12 jobs submitted');
  const results = await Promise.all(ids.map((id) => queue!.wait(id, { timeoutMs: 40_000 })));

  await waitFor('worker A to die', 5_000, () => a.code !== undefined);
  t.ok(killed && ids.includes(killed), `worker A was SIGKILLed while running job ${killed}`);
  t.equal(a.completed(killed!), 0, 'worker A never completed that job');
  await waitFor('the completed events', 5_000, () => completedEvents.size === 12);
  t.ok(stalled.has(killed!), 'the killed job was found stalled and re-queued');
  const killedJob = await Job.fromId(queue.queue, killed!);
  t.ok((killedJob?.stalledCounter ?? 0) >= 1, 'its stalledCounter records the stall');

  // Exactly once: one completed event per job, across both workers' logs as well. A worker's 'completed' line can
  // come through its pipe after Redis reported the completion (seen under load): wait up to 5 s for the lines.
  const logged = () => a.lines.filter((l) => l.event === 'completed').length + b.lines.filter((l) => l.event === 'completed').length;
  await waitFor("the workers' completed lines", 5_000, () => logged() >= 12).catch(() => undefined);
  t.equal(b.completed(killed!), 1, 'worker B completed it');
  t.same([...completedEvents.values()].filter((n) => n !== 1), [], 'each job completed exactly once (queue events)');
  t.same(ids.filter((id) => a.completed(id) + b.completed(id) !== 1), [], 'each job completed exactly once (worker logs)');
  t.equal(logged(), 12, '12 completions in all');

  // Correct results: every output equals the same computation done here, and its stamp names the job.
  for (const [i, j] of jobs.entries()) {
    const r = results[i];
    t.equal(r.output, j.output);
    t.equal(r.rows, jets.length);
    t.equal(JSON.parse(readFileSync(`${j.output}.job.json`, 'utf8')).jobId, ids[i], `${j.output}: stamp names job ${ids[i]}`);
    if (j.command === 'efp') {
      const o = j.options as EfpJobOptions;
      const set = new EFPSet(o.graphs ?? o.select ?? 'd<=5', { measure: o.measure ?? 'hadr', kappa: o.kappa ?? 1, beta: o.beta ?? 1, normed: o.normed ?? true });
      const want = await set.batchCompute(jets, { threads: 1 });
      const got = await readArray(j.output);
      t.same(got.shape, [jets.length, set.length]);
      t.same(r.columns, set.columns.map((c) => c.id));
      expectClose(t, got.data as Float64Array, want, SAME, `efp${i}: equals the in-process computation`);
    } else {
      const o = j.options as ObservablesJobOptions;
      const want = await observables(jets, { ...o, threads: 1 });
      const got = await readTable(j.output);
      t.same(r.columns, want.columns);
      for (const c of want.columns) expectClose(t, got[c], want.values[c], SAME, `${j.output.slice(dir.length)} ${c}: equals the in-process computation`);
    }
  }

  // Idempotent: the same job again is a no-op (output untouched, result recorded).
  const before = statSync(jobs[0].output).mtimeMs;
  const again = await queue.wait(await queue.submit(jobs[0]), { timeoutMs: 20_000 });
  t.equal(again.cached, true, 'resubmitted job: cached, nothing recomputed');
  t.equal(statSync(jobs[0].output).mtimeMs, before, 'output not rewritten');
  t.same(again.columns, results[0].columns);

  // Shard jobs write manifests, so `jetlens merge` joins their parts into the unsharded bytes.
  const parts = [0, 1, 2].map((k) => join(dir, 'out', `part${k}.csv`));
  const partIds = await Promise.all(parts.map((output, k) => queue!.submit({ command: 'observables', input, output, shard: `${k}/3` })));
  const partResults = await Promise.all(partIds.map((id) => queue!.wait(id, { timeoutMs: 20_000 })));
  t.same(partResults.map((r) => r.rows), [200, 200, 200], 'each shard job processed its slice');
  await mergeParts(parts, join(dir, 'out', 'merged.csv'));
  t.same(readFileSync(join(dir, 'out', 'merged.csv')), readFileSync(jobs[7].output), 'merged shard outputs = the unsharded job output (bytes)');

  // Poison jobs (#24 item 9), one of each kind: invalid jobs and jobs whose input is bad go to the dead-letter list
  // with their located error, after one attempt; the workers survive them (checked below); other failures are retried.
  await writeJets(join(dir, 'jets.npy'), jets);
  const poison = poisonInputs(dir);
  const bad: [unknown, RegExp][] = [
    [{ command: 'bogus', input, output: join(dir, 'x.npy') }, /command: expected 'efp' or 'observables', got 'bogus'/],
    [{ command: 'efp', input: join(dir, 'missing.npz'), output: join(dir, 'x.npy') }, /input: no such file/],
    [{ command: 'observables', input, output: join(dir, 'x.csv'), options: { betas: [-1] } }, /options.betas: betas must be a number > 0/],
    [{ command: 'efp', input: poison.garbage, output: join(dir, 'g.npy') }, /garbage\.npz/], // bad input file
    [{ command: 'observables', input: poison.truncated, output: join(dir, 't.csv') }, /truncated\.npz/], // truncated file
    [{ command: 'efp', input: poison.huge, output: join(dir, 'h.npy') }, /huge\.npy/], // header declares 4e8 jets
    [{ command: 'efp', input: poison.npy, output: poison.npy }, /refusing to write over the input/], // output over an input
    [{ command: 'observables', input, output: join(dir, 'x.npz'), options: { columns: Array.from({ length: 100000 }, (_, i) => `tau1_b${i + 1}`) } }, /job: \d+ bytes of JSON, at most 1048576/], // oversized
  ];
  const badIds = await Promise.all(bad.map(([j]) => queue!.submit(j as JetlensJob, { attempts: 3, backoffMs: 100 })));
  for (const [k, id] of badIds.entries()) await t.rejects(queue.wait(id, { timeoutMs: 10_000 }), bad[k][1], `malformed job ${k} fails with a clear error`);
  for (const f of [poison.garbage, poison.truncated, poison.huge, poison.npy]) t.same(readFileSync(f), poison.bytes.get(f), `${f}: untouched`);
  const dead = await queue.deadLetters();
  for (const [k, id] of badIds.entries()) {
    const d = dead.filter((x) => x.id === id);
    t.equal(d.length, 1, `malformed job ${id} is in jetlens:dead once`);
    t.match(d[0]?.error, bad[k][1]);
    t.equal((await Job.fromId(queue.queue, id))?.attemptsMade, 1, 'and was not retried');
  }
  t.equal(b.code, undefined, 'worker B survived every poison job');
  const after = await queue.wait(await queue.submit({ command: 'efp', input, output: join(dir, 'out', 'after.npy'), options: { select: 'd<=2' } }), { timeoutMs: 20_000 });
  t.equal(after.rows, jets.length, 'and still completes a good job');
  writeFileSync(join(dir, 'afile'), 'x');
  const retryId = await queue.submit({ command: 'efp', input, output: join(dir, 'afile', 'e.npy'), options: { select: 'd<=2' } }, { attempts: 2, backoffMs: 100 });
  await t.rejects(queue.wait(retryId, { timeoutMs: 10_000 }), /EEXIST|ENOTDIR/, 'an I/O failure (output under a regular file) fails the job');
  t.equal((await Job.fromId(queue.queue, retryId))?.attemptsMade, 2, 'after being retried (attempts: 2)');
  t.notOk((await queue.deadLetters()).some((x) => x.id === retryId), 'and is not a dead letter');

  // Graceful shutdown: SIGTERM while B runs a job; B finishes it, then exits 0.
  const lastJob: JetlensJob = { command: 'efp', input, output: join(dir, 'out', 'last.npy'), options: { select: 'd<=7', beta: 3 } };
  const lastId = await queue.submit(lastJob);
  await waitFor('worker B to start the last job', 10_000, () => b.lines.some((l) => l.event === 'active' && l.id === lastId));
  b.child.kill('SIGTERM');
  await waitFor('worker B to exit after SIGTERM', 20_000, () => b.code !== undefined);
  t.equal(b.code, 0, 'worker B exits 0 after SIGTERM');
  t.equal(b.completed(lastId), 1, 'having finished its running job first');
  t.equal(await queue.queue.getJobState(lastId), 'completed');
});
