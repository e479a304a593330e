// #23.2: the HTCondor submit file and the Kubernetes Indexed Job of docs/scale-out.md, as far as they can be checked
// without those schedulers (neither installs here; the docs say they are not run in CI): both parse, use documented
// fields with valid values, their index variable matches --shard K/N and the part names, and their command, run here
// for the first and the last index, writes the part whose manifest names that shard.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli', 'index.js');
const md = readFileSync(join(root, 'docs', 'scale-out.md'), 'utf8');

/** The fenced block that follows `<!-- NAME -->` in docs/scale-out.md, verbatim. */
function docBlock(name: string): string {
  const marker = `<!-- ${name} -->\n`;
  const at = md.indexOf(marker);
  if (at < 0) throw new Error(`docs/scale-out.md has no block marked <!-- ${name} -->`);
  const m = /^```\w*\n([\s\S]*?)\n```/.exec(md.slice(at + marker.length));
  if (!m) throw new Error(`<!-- ${name} --> is not followed by a fenced block`);
  return m[1] + '\n';
}

// HTCondor submit commands used by such recipes (HTCondor manual, condor_submit: "Submit Description File Commands").
const CONDOR_COMMANDS = new Set(['universe', 'executable', 'arguments', 'environment', 'getenv', 'input', 'output', 'error', 'log',
  'initialdir', 'should_transfer_files', 'when_to_transfer_output', 'transfer_input_files', 'transfer_output_files', 'request_cpus',
  'request_memory', 'request_disk', 'request_gpus', 'requirements', 'rank', 'notification', 'max_retries', 'priority',
  'accounting_group', 'job_max_vacate_time', 'on_exit_remove', 'periodic_release', 'container_image', 'batch_name']);

/** A submit file: `key = value` commands (keys case-insensitive), comments, and one final `queue N`. */
function parseSubmit(text: string): { cmds: Map<string, string>; queue: number } {
  const cmds = new Map<string, string>();
  let queue = NaN;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (!Number.isNaN(queue)) throw new Error(`line ${i + 1}: after queue`);
    const q = /^queue(?:\s+(\d+))?$/i.exec(line);
    if (q) {
      queue = Number(q[1] ?? 1);
      continue;
    }
    const kv = /^([A-Za-z_+][\w.]*)\s*=\s*(.*)$/.exec(line);
    if (!kv) throw new Error(`line ${i + 1}: not 'command = value': ${line}`);
    const key = kv[1].toLowerCase();
    if (cmds.has(key)) throw new Error(`line ${i + 1}: ${key} given twice`);
    cmds.set(key, kv[2]);
  }
  if (Number.isNaN(queue)) throw new Error('no queue statement');
  return { cmds, queue };
}

/** Job, PodSpec and Container fields (Kubernetes API reference, batch/v1 Job and core/v1 Pod). */
const K8S_FIELDS = {
  job: ['apiVersion', 'kind', 'metadata', 'spec'],
  jobSpec: ['activeDeadlineSeconds', 'backoffLimit', 'backoffLimitPerIndex', 'completionMode', 'completions', 'managedBy', 'manualSelector',
    'maxFailedIndexes', 'parallelism', 'podFailurePolicy', 'podReplacementPolicy', 'selector', 'successPolicy', 'suspend', 'template', 'ttlSecondsAfterFinished'],
  podSpec: ['affinity', 'containers', 'imagePullSecrets', 'initContainers', 'nodeSelector', 'priorityClassName', 'restartPolicy', 'securityContext',
    'serviceAccountName', 'terminationGracePeriodSeconds', 'tolerations', 'volumes'],
  container: ['args', 'command', 'env', 'envFrom', 'image', 'imagePullPolicy', 'name', 'resources', 'securityContext', 'volumeMounts', 'workingDir'],
};
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const QUANTITY = /^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;

/** The project directory a job runs in: `npx jetlens` finds this checkout's CLI, as after `npm install jetlens`. */
function project(dir: string): string {
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', '.bin', 'jetlens'), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`, { mode: 0o755 });
  return dir;
}

const env = () => ({ ...process.env, PATH: `${join(process.execPath, '..')}:${process.env.PATH}` });
const manifest = (f: string) => JSON.parse(readFileSync(`${f}.manifest.json`, 'utf8')) as { shard: { k: number; n: number }; rows: [number, number] };
const skip = existsSync(cli) ? false : 'dist/ not built (run npm install)';

let dir = '';
t.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'jetlens-recipes-'));
  if (skip) return;
  const r = spawnSync(process.execPath, [cli, 'generate', '--signal', 'w', '--background', 'qcd', '--n', '100', '--seed', '2', '--out', join(dir, 'jets.npz'), '--quiet']);
  if (r.status !== 0) throw new Error(String(r.stderr));
});
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

t.test('HTCondor submit file: documented commands, $(Process) matches --shard and the parts, runs for the first and last index', { skip }, async (t) => {
  const { cmds, queue } = parseSubmit(docBlock('htcondor:efp.sub'));
  for (const k of cmds.keys()) t.ok(CONDOR_COMMANDS.has(k) || k.startsWith('+'), `${k} is a documented submit command`);
  t.equal(cmds.get('universe'), 'vanilla');
  t.match(cmds.get('request_memory') ?? '', /^\d+(\.\d+)?\s*(K|KB|M|MB|G|GB|T|TB)?$/i, 'request_memory: a size');
  t.match(cmds.get('request_cpus') ?? '', /^\d+$/, 'request_cpus: an integer');
  t.match(cmds.get('should_transfer_files') ?? 'IF_NEEDED', /^(YES|NO|IF_NEEDED)$/i);
  const args = cmds.get('arguments') ?? '';
  t.notMatch(args, /^"/, 'old argument syntax (whitespace-separated, no quoting): every word reaches the program as written');
  t.match(args, new RegExp(`--shard \\$\\(Process\\)/${queue} `), `--shard $(Process)/${queue}: N is the queue count`);
  t.match(args, new RegExp(`-of-${queue}\\.npy`), 'part names carry the same N');
  t.match(md, new RegExp(`merge parts/efp\\.shard-\\*-of-${queue}\\.npy`), 'the documented merge globs those parts');

  const cwd = project(join(dir, 'condor'));
  writeFileSync(join(cwd, 'jets.npz'), readFileSync(join(dir, 'jets.npz')));
  mkdirSync(join(cwd, 'parts'));
  for (const k of [0, queue - 1]) {
    const expanded = args.replace(/\$\((Process|ProcId)\)/g, String(k));
    t.notMatch(expanded, /\$\(/, 'no macro left unexpanded');
    const r = spawnSync(cmds.get('executable')!, expanded.split(/\s+/), { cwd, env: env(), stdio: 'pipe' });
    t.equal(r.status, 0, `Process ${k} ran ${r.stderr}`);
    const part = join(cwd, 'parts', `efp.shard-${k}-of-${queue}.npy`);
    t.same(manifest(part).shard, { k, n: queue }, `Process ${k} wrote shard ${k}/${queue}`);
  }
  t.same(manifest(join(cwd, 'parts', `efp.shard-${queue - 1}-of-${queue}.npy`)).rows[1], 200, 'the last index ends at the last jet');
});

t.test('Kubernetes Indexed Job: parses, documented fields, JOB_COMPLETION_INDEX matches --shard, runs for the first and last index', { skip }, async (t) => {
  const doc = parseDocument(docBlock('k8s:job.yaml'), { uniqueKeys: true, prettyErrors: true });
  t.same(doc.errors.map(String), [], 'valid YAML');
  const job = doc.toJS();
  const fields = (o: object, allowed: string[], what: string) => {
    for (const k of Object.keys(o)) t.ok(allowed.includes(k), `${what}.${k} is a documented field`);
  };
  fields(job, K8S_FIELDS.job, 'Job');
  t.equal(job.apiVersion, 'batch/v1');
  t.equal(job.kind, 'Job');
  t.match(job.metadata.name, DNS_LABEL, 'metadata.name: a DNS-1123 label');
  const spec = job.spec;
  fields(spec, K8S_FIELDS.jobSpec, 'spec');
  t.equal(spec.completionMode, 'Indexed', 'Indexed: JOB_COMPLETION_INDEX is set');
  const n: number = spec.completions;
  t.ok(Number.isInteger(n) && n >= 1 && Number.isInteger(spec.parallelism) && spec.parallelism <= n, 'completions and parallelism: integers, parallelism <= completions');
  if (spec.backoffLimitPerIndex !== undefined) t.ok(Number.isInteger(spec.backoffLimitPerIndex) && spec.backoffLimitPerIndex >= 0, 'backoffLimitPerIndex >= 0');
  const pod = spec.template.spec;
  fields(pod, K8S_FIELDS.podSpec, 'template.spec');
  t.equal(pod.restartPolicy, 'Never', 'restartPolicy Never (required by backoffLimitPerIndex)');
  t.equal(pod.containers.length, 1);
  const c = pod.containers[0];
  fields(c, K8S_FIELDS.container, 'containers[0]');
  t.match(c.name, DNS_LABEL);
  for (const [k, v] of Object.entries(c.resources.requests)) t.ok(['cpu', 'memory'].includes(k) && QUANTITY.test(String(v)), `resources.requests.${k}: ${v} is a quantity`);
  const volumes = new Set(pod.volumes.map((v: { name: string }) => v.name));
  for (const m of c.volumeMounts) t.ok(volumes.has(m.name) && m.mountPath.startsWith('/'), `volumeMount ${m.name} names a volume`);
  t.same(c.command, ['sh', '-c']);
  t.equal(c.args.length, 1, 'one shell command');
  const script: string = c.args[0];
  t.match(script, new RegExp(`--shard "\\$\\{JOB_COMPLETION_INDEX\\}/${n}"`), `--shard INDEX/${n}: N is completions`);
  t.match(script, new RegExp(`-of-${n}\\.npy`), 'part names carry the same N');
  t.match(md, new RegExp(`merge /data/parts/efp\\.shard-\\*-of-${n}\\.npy`), 'the documented merge globs those parts');

  // /data (the volume) and the working directory mapped to temporary directories; nothing else changed.
  const data = join(dir, 'k8s-data');
  mkdirSync(data);
  writeFileSync(join(data, 'jets.npz'), readFileSync(join(dir, 'jets.npz')));
  const cwd = project(join(dir, 'k8s-app'));
  t.equal(c.workingDir, '/app');
  const local = script.replaceAll('/data/', `${data}/`);
  for (const k of [0, n - 1]) {
    const r = spawnSync(c.command[0], [c.command[1], local], { cwd, env: { ...env(), JOB_COMPLETION_INDEX: String(k) }, stdio: 'pipe' });
    t.equal(r.status, 0, `index ${k} ran ${r.stderr}`);
    t.same(manifest(join(data, 'parts', `efp.shard-${k}-of-${n}.npy`)).shard, { k, n }, `index ${k} wrote shard ${k}/${n}`);
  }
});
