// #23.1: the Slurm recipe of docs/scale-out.md, run on a real one-node Slurm cluster (munged + slurmctld + slurmd on
// localhost, configured in a temporary directory). The job scripts and submit commands are copied from the docs when
// the test runs, so the docs cannot drift from what is tested. Opt-in: JETLENS_TEST_SLURM=1 (.ci/run sets it).
// A daemon that cannot be installed or started skips the test with the reason; a wrong merged result fails it.
import t, { type Test } from 'tap';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, hostname, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from './fixtures/net.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli', 'index.js');
// Daemon start-up, three array runs and merges: about a minute idle; allow for a loaded 2-core machine.
t.setTimeout(10 * 60 * 1000);
const INSTALL = "sudo apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge";

/** The fenced block that follows `<!-- slurm:NAME -->` in docs/scale-out.md, verbatim. */
function docBlock(name: string): string {
  const md = readFileSync(join(root, 'docs', 'scale-out.md'), 'utf8');
  const m = new RegExp(`<!-- ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``).exec(md);
  if (!m) throw new Error(`docs/scale-out.md has no block marked <!-- ${name} -->`);
  return m[1] + '\n';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The cluster, not jetlens, failed (a daemon died, the scheduler stalled): the test is skipped with the reason. */
class InfraError extends Error {}

/** Polls `cond` every `every` ms; rejects after `ms` naming what it waited for (nothing here can hang). */
async function waitFor<T>(what: string, ms: number, cond: () => T | undefined | false, every = 200): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = cond();
    if (v) return v;
    if (Date.now() > end) throw new InfraError(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(every);
  }
}

/** Why the test cannot run here (a string), or false. */
function whyNoSlurm(): string | false {
  if (process.env.JETLENS_TEST_SLURM !== '1') {
    return `Slurm test skipped: set JETLENS_TEST_SLURM=1 to run it (it needs slurmctld, slurmd and munged: '${INSTALL}', or JETLENS_INSTALL_TEST_DEPS=1 to let it install them)`;
  }
  if (!existsSync(cli)) return 'dist/ not built (run npm install)';
  const r = spawnSync('bash', [join(root, 'scripts', 'ensure-slurm.sh')], { stdio: 'pipe', timeout: 300_000 });
  const why = String(r.stderr).trim().split('\n').pop() || r.error?.message;
  if (r.status === 10) return `Slurm test skipped: ${why}`;
  if (r.status !== 0) return `Slurm test skipped: no Slurm, and scripts/ensure-slurm.sh could not install it (${why})`;
  if (totalmem() < 2.5 * 2 ** 30) return 'Slurm test skipped: the documented scripts ask for --mem=2G and this machine has less than 2.5 GB';
  return false;
}

const sbin = (p: string) => (existsSync(`/usr/sbin/${p}`) ? `/usr/sbin/${p}` : p);

/** A one-node cluster: the daemons this test started, and the environment its clients need. */
class Cluster {
  readonly procs: { name: string; child: ChildProcess; exited: boolean; out: string }[] = [];
  env: NodeJS.ProcessEnv = {};
  constructor(readonly dir: string) {}

  start(name: string, cmd: string, args: string[]): void {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: this.env });
    const p = { name, child, exited: false, out: '' };
    child.stdout!.on('data', (d) => (p.out += String(d)));
    child.stderr!.on('data', (d) => (p.out += String(d)));
    child.on('exit', () => (p.exited = true));
    child.on('error', (e) => ((p.out += String(e)), (p.exited = true)));
    this.procs.push(p);
  }

  /** The daemon that died, with the end of its log, or undefined while all run. */
  dead(): string | undefined {
    const p = this.procs.find((q) => q.exited);
    return p && `${p.name} exited: ${p.out.trim().split('\n').slice(-3).join(' | ')}`;
  }

  /** Runs a Slurm client (sbatch, squeue, scontrol, scancel) against this cluster. */
  client(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    const r = spawnSync(cmd, args, { cwd: opts.cwd, env: { ...this.env, ...opts.env }, stdio: 'pipe', timeout: 30_000 });
    return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  /** `bash -c SCRIPT` in `cwd` with the cluster's environment (how a user runs the documented blocks). */
  bash(script: string, cwd: string, env: NodeJS.ProcessEnv = {}) {
    return this.client('bash', ['-euo', 'pipefail', '-c', script], { cwd, env });
  }

  /** Every job (array tasks one per line) of job id `id`: JobId/ArrayTaskId/JobState/Reason fields. */
  jobs(id: string): Record<string, string>[] {
    const r = this.client('scontrol', ['-o', 'show', 'job', id]);
    if (r.status !== 0) return [];
    return r.stdout.trim().split('\n').filter(Boolean).map((line) => Object.fromEntries(line.split(/\s+/).map((kv) => kv.split('=')).map(([k, ...v]) => [k, v.join('=')])));
  }

  /** Cancels every job, stops every daemon this test started (TERM, then KILL after 5 s), removes the directory. */
  async stop(): Promise<void> {
    if (this.procs.some((p) => p.name === 'slurmctld' && !p.exited)) this.client('scancel', ['--user', 'root', '--full']);
    for (const p of [...this.procs].reverse()) if (!p.exited) p.child.kill('SIGTERM');
    await waitFor('the daemons to stop', 5000, () => this.procs.every((p) => p.exited)).catch(() => {
      for (const p of this.procs) if (!p.exited) p.child.kill('SIGKILL');
    });
    this.killLeftovers();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * Job steps orphaned by a daemon that died (slurmstepd and the job scripts under it): every process this cluster
   * started carries SLURM_CONF=<this temporary directory>/slurm.conf in its environment, and nothing else does.
   */
  killLeftovers(): void {
    if (!existsSync('/proc')) return;
    const mark = `SLURM_CONF=${join(this.dir, 'slurm.conf')}\0`;
    for (const pid of readdirSync('/proc').filter((f) => /^\d+$/.test(f) && Number(f) !== process.pid)) {
      try {
        if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(mark)) process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone, or not ours to read
      }
    }
  }
}

function slurmConf(d: string, node: string, ctld: number, slurmd: number): string {
  const mem = Math.floor((0.8 * totalmem()) / 2 ** 20);
  return `ClusterName=jetlenstest
SlurmctldHost=${node}(127.0.0.1)
SlurmctldPort=${ctld}
SlurmdPort=${slurmd}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${d}/munge/munge.socket
StateSaveLocation=${d}/state
SlurmdSpoolDir=${d}/spool
SlurmctldPidFile=${d}/slurmctld.pid
SlurmdPidFile=${d}/slurmd.pid
SlurmctldLogFile=${d}/log/slurmctld.log
SlurmdLogFile=${d}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SchedulerParameters=sched_interval=1
MinJobAge=600
KillWait=2
NodeName=${node} NodeAddr=127.0.0.1 CPUs=${availableParallelism()} RealMemory=${mem} State=UNKNOWN
PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP
`;
}

/** Starts munged, slurmctld and slurmd; returns the cluster, or why it could not (the caller skips). */
async function startCluster(): Promise<Cluster | string> {
  // munged insists on a socket directory that everyone can traverse: a 0755 directory, not mkdtemp's 0700.
  const d = mkdtempSync(join(tmpdir(), 'jetlens-slurm-'));
  chmodSync(d, 0o755);
  const c = new Cluster(d);
  for (const sub of ['munge', 'state', 'spool', 'log']) mkdirSync(join(d, sub), { mode: 0o755 });
  writeFileSync(join(d, 'munge', 'munge.key'), randomBytes(1024), { mode: 0o400 });
  const node = hostname().split('.')[0];
  writeFileSync(join(d, 'slurm.conf'), slurmConf(d, node, await freePort(), await freePort()));
  c.env = { ...process.env, SLURM_CONF: join(d, 'slurm.conf'), PATH: `${dirname(process.execPath)}:/usr/sbin:${process.env.PATH}` };
  try {
    c.start('munged', sbin('munged'), ['-F', `--key-file=${d}/munge/munge.key`, `--socket=${d}/munge/munge.socket`, `--log-file=${d}/log/munged.log`,
      `--pid-file=${d}/munge/munged.pid`, `--seed-file=${d}/munge/munged.seed`]);
    await waitFor('munged', 15_000, () => existsSync(join(d, 'munge', 'munge.socket')) || c.dead());
    c.start('slurmctld', sbin('slurmctld'), ['-D', '-i', '-f', join(d, 'slurm.conf')]);
    c.start('slurmd', sbin('slurmd'), ['-D', '-f', join(d, 'slurm.conf')]);
    await waitFor('the node to be idle', 30_000, () => /idle|mix|alloc/.test(c.client('sinfo', ['-h', '-o', '%T']).stdout) || c.dead(), 500);
    const dead = c.dead();
    if (dead) throw new Error(dead);
    return c;
  } catch (e) {
    const log = ['slurmctld.log', 'slurmd.log'].map((f) => join(d, 'log', f)).filter(existsSync).map((f) => readFileSync(f, 'utf8').trim().split('\n').pop());
    await c.stop();
    return `Slurm test skipped: a daemon did not start (${(e as Error).message}${log.length ? `; ${log.join(' | ')}` : ''})`;
  }
}

const run = (cwd: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args, '--quiet'], { cwd, stdio: 'pipe' });
  if (r.status !== 0) throw new Error(`jetlens ${args.join(' ')}: ${r.stderr}`);
};

let why = whyNoSlurm();
let cluster: Cluster | undefined;
if (!why) {
  const c = await startCluster();
  if (typeof c === 'string') why = c;
  else cluster = c;
}
t.teardown(() => cluster?.stop());
process.once('exit', () => {
  for (const p of cluster?.procs ?? []) if (!p.exited) p.child.kill('SIGKILL');
});

/** A work directory where `npx jetlens` finds this checkout's CLI (as in a project that installed jetlens). */
function workDir(c: Cluster): string {
  const w = join(c.dir, 'work');
  mkdirSync(join(w, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(join(w, 'node_modules', '.bin', 'jetlens'), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`, { mode: 0o755 });
  for (const f of ['efp.sh', 'knn.sh', 'merge.sh']) writeFileSync(join(w, f), docBlock(`slurm:${f}`));
  run(w, 'generate', '--signal', 'w', '--background', 'qcd', '--n', '200', '--seed', '23', '--out', 'jets.npz');
  run(w, 'efp', '--in', 'jets.npz', '--select', 'd<=5', '--threads', '1', '--out', 'whole-efp.npy');
  run(w, 'knn', '--in', 'jets.npz', '--k', '10', '--threads', '1', '--out', 'whole-nn.npz');
  return w;
}

/** The documented submit block for `script`/`out` (efp.sh/efp.npy as written; knn.sh/nn.npz swapped in). */
function submit(c: Cluster, w: string, script: string, out: string): { jid: string; merge: string } {
  const block = docBlock('slurm:submit').replaceAll('efp.sh', script).replaceAll('efp.npy', out);
  const r = c.bash(`${block}echo "$jid $merge"`, w, { N: '4' });
  alive(c);
  if (r.status !== 0) throw new Error(`submit block failed: ${r.stderr}`);
  const [jid, merge] = r.stdout.trim().split('\n').pop()!.split(' ');
  return { jid, merge };
}

/** Throws InfraError when a daemon has died. */
function alive(c: Cluster): void {
  const dead = c.dead();
  if (dead) throw new InfraError(dead);
}

/**
 * Waits until job `id` has finished and returns its final state, or 'NEVER' for a job whose dependency can no
 * longer be satisfied (a failed array task: a jetlens failure, not the cluster's).
 */
async function finished(c: Cluster, id: string, ms = 180_000): Promise<string> {
  return waitFor(`job ${id} to finish (${c.jobs(id).map((j) => `${j.JobState} ${j.Reason}`).join(', ')})`, ms, () => {
    alive(c);
    const j = c.jobs(id)[0];
    if (j?.Reason === 'DependencyNeverSatisfied') return 'NEVER';
    return j?.JobState && !/PENDING|RUNNING|CONFIGURING|COMPLETING|SUSPENDED/.test(j.JobState) ? j.JobState : undefined;
  }, 300);
}

/** The jobs' own output (slurm-*.out in the work directory), for failure messages. */
function jobLogs(w: string): string {
  return readdirSync(w).filter((f) => /^slurm-.*\.out$/.test(f)).map((f) => `${f}: ${readFileSync(join(w, f), 'utf8').trim().slice(-400)}`).filter((l) => !l.endsWith(': ')).join('\n');
}

t.test('Slurm: the documented efp and knn job arrays and merge job give the unsharded bytes', { skip: why, timeout: 540_000 }, async (t) => {
  const c = cluster!;
  const w = workDir(c);
  try {
    await arraysAndMerge(t, c, w);
    await killAndResubmit(t, c, w);
  } catch (e) {
    if (!(e instanceof InfraError)) throw e;
    t.skip(`Slurm test skipped midway: the cluster failed (${e.message})`, () => {});
  }
  const logs = jobLogs(w);
  if (logs) t.comment(logs);
});

async function arraysAndMerge(t: Test, c: Cluster, w: string): Promise<void> {
  for (const [script, out, whole] of [['efp.sh', 'efp.npy', 'whole-efp.npy'], ['knn.sh', 'nn.npz', 'whole-nn.npz']]) {
    const { jid, merge } = submit(c, w, script, out);
    t.match(jid, /^\d+$/, `${script}: array job ${jid} submitted`);
    t.equal(await finished(c, merge), 'COMPLETED', `${script}: merge job ${merge} ran after the array`);
    const tasks = c.jobs(jid);
    t.same(tasks.map((j) => j.ArrayTaskId).sort(), ['0', '1', '2', '3'], `${script}: 4 array tasks`);
    t.ok(tasks.every((j) => j.JobState === 'COMPLETED'), `${script}: every task completed`);
    t.ok(existsSync(join(w, out)) && readFileSync(join(w, out)).equals(readFileSync(join(w, whole))), `${script}: merged ${out} has the bytes of the unsharded run`);
  }
}

/** A task killed mid-run: the merge never starts; the docs' resubmit block repairs the run. */
async function killAndResubmit(t: Test, c: Cluster, w: string): Promise<void> {
  rmSync(join(w, 'parts'), { recursive: true, force: true });
  rmSync(join(w, 'efp.npy'), { force: true });
  const { jid, merge } = submit(c, w, 'efp.sh', 'efp.npy');
  const part2 = join(w, 'parts', 'efp.shard-2-of-4.npy.manifest.json');
  const state2 = await waitFor(`task ${jid}_2 to start`, 120_000, () => {
    alive(c);
    const s = c.jobs(`${jid}_2`)[0]?.JobState;
    return s && s !== 'PENDING' && s !== 'CONFIGURING' ? s : undefined;
  }, 50);
  if (state2 !== 'RUNNING') throw new InfraError(`task 2 finished (${state2}) before it could be killed`);
  const scancel = c.client('scancel', ['--signal=KILL', '--full', `${jid}_2`]);
  t.equal(scancel.status, 0, `scancel --signal=KILL ${jid}_2 ${scancel.stderr}`);
  if (existsSync(part2)) throw new InfraError('task 2 wrote its part before the kill arrived (the machine was too fast for this check)');
  t.not(await finished(c, `${jid}_2`), 'COMPLETED', 'task 2 was killed mid-run');
  for (const k of [0, 1, 3]) t.equal(await finished(c, `${jid}_${k}`), 'COMPLETED', `task ${k} completed`);
  t.equal(await finished(c, merge, 60_000), 'NEVER', 'the merge job waits for ever (DependencyNeverSatisfied), as the docs say');
  t.notOk(existsSync(join(w, 'efp.npy')), 'no merged output while a shard is missing');

  const r = c.bash(`${docBlock('slurm:resubmit')}echo "$merge"`, w, { N: '4', K: '2', merge });
  alive(c);
  t.equal(r.status, 0, `resubmit block ran ${r.stderr}`);
  const merge2 = r.stdout.trim().split('\n').pop()!;
  t.equal(await finished(c, merge2), 'COMPLETED', `new merge job ${merge2} ran after the resubmitted task`);
  t.equal(c.jobs(merge)[0]?.JobState, 'CANCELLED', 'the stuck merge job was cancelled');
  t.ok(existsSync(join(w, 'efp.npy')) && readFileSync(join(w, 'efp.npy')).equals(readFileSync(join(w, 'whole-efp.npy'))), 'after the resubmission: merged efp.npy has the bytes of the unsharded run');
}
