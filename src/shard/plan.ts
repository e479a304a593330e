import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EFPSet } from '../efp/efpset.js';
import { formatNpy } from '../io/npy.js';
import { JetBatch } from '../jets/batch.js';
import { crypto } from '../util/builtins.js';
import { Rng } from '../util/rng.js';

/**
 * Cost model of a sharded `jetlens efp` run (`jetlens plan`): CPU, memory, disk and shard count for N jets of M
 * particles, calibrated by measuring this build on this machine (the kernel in-process, a process start-up as a child,
 * SHA-256 throughput). A shard costs start-up + hashing the whole input (its manifest records the input's SHA-256) +
 * reading, converting, computing and writing its own rows; the merge reads and re-hashes every part once.
 */
export interface Calibration {
  /** CPU seconds per jet: padded rows -> CSR, EFPs on one thread, .npy bytes (measured in-process). */
  cpuPerJet: number;
  /** Jets the kernel measurement ran, and its CPU seconds. */
  calibrationJets: number;
  calibrationCpu: number;
  /** CPU seconds of one `jetlens efp` process on a few jets (start-up, catalogue, addon, manifest). */
  startupCpu: number;
  /** How startupCpu was obtained: a child process measured here, or the recorded bench figure. */
  startupSource: 'measured' | 'recorded';
  /** CPU seconds per byte of SHA-256 (measured in-process). */
  hashCpuPerByte: number;
  /** Resident memory of a process with the addon and the EFP set loaded (bytes, measured here). */
  baseRss: number;
  /** EFP columns of the selection. */
  columns: number;
  multiplicity: number;
  selection: string;
}

export interface PlanRequest {
  jets: number;
  /** Target wall time of one shard, seconds (used unless `shards` is given). */
  wallTime: number;
  /** Cores that run shards at once (scheduler slots); one shard uses one core. */
  cores: number;
  /** Total shards (instead of deriving them from wallTime and maxMemoryGiB). */
  shards?: number;
  /** Largest memory request of a shard, GiB (default 4): caps the jets per shard. */
  maxMemoryGiB?: number;
  /** Jets per input file (default: one file): each file is sharded and merged on its own. */
  jetsPerFile?: number;
}

export interface Plan {
  jets: number;
  files: number;
  jetsPerFile: number;
  shards: number;
  jetsPerShard: number;
  /** CPU seconds: the whole run (all shards + merge), one shard (the largest), the merge. */
  cpuSeconds: number;
  shardCpuSeconds: number;
  mergeCpuSeconds: number;
  coreHours: number;
  /** Wall time with `cores` shards at a time: ceil(shards / cores) rounds of one shard, then one file's merge. */
  wallSeconds: number;
  memoryPerShardBytes: number;
  /** Suggested request (Slurm --mem, Kubernetes memory): 1.5x the estimate, rounded up to 0.5 GiB. */
  memoryRequestGiB: number;
  inputBytes: number;
  outputBytes: number;
  /** Share of the CPU spent hashing the input (every shard hashes all of it). */
  hashShare: number;
  /** Largest input file (jets) that keeps hashing under 5% of a shard's CPU at this shard size. */
  jetsPerFileForHash5: number;
  notes: string[];
}

/** Recorded start-up CPU of `jetlens efp` on 10 jets, user + sys (bench/README.md, start-up table): the fallback. */
export const RECORDED_STARTUP_CPU = 0.26;
/** Fraction of the target wall time a shard is planned to use (shared nodes, stragglers, a slower input disk). */
export const WALL_MARGIN = 0.7;
const COLUMNS_IN = 4; // pt, y, phi, pid: the EnergyFlow layout jetlens generate writes
const NPY_HEADER = 128;

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** N jets of exactly M particles, padded (N, M, 4) float64: what a shard reads from a .npy input. */
function randomPadded(n: number, m: number, rng: Rng): Float64Array {
  const x = new Float64Array(n * m * COLUMNS_IN);
  for (let i = 0; i < n * m; i++) {
    x[4 * i] = 1 + 50 * rng.uniform();
    x[4 * i + 1] = 0.4 * (rng.uniform() - 0.5);
    x[4 * i + 2] = 0.4 * (rng.uniform() - 0.5);
    x[4 * i + 3] = 211;
  }
  return x;
}

/** CPU seconds of one pass of the per-jet pipeline on n jets (conversion, one-thread EFPs, .npy bytes). */
async function pipelineCpu(set: EFPSet, padded: Float64Array, n: number, m: number): Promise<number> {
  const c0 = cpuNow();
  const jets = JetBatch.fromPadded(padded, [n, m, COLUMNS_IN]);
  const values = await set.batchCompute(jets, { threads: 1 });
  formatNpy({ data: values, shape: [n, set.length] });
  return cpuNow() - c0;
}

/** CPU seconds of the finished children of this process (Linux /proc), or null. */
function childrenCpu(): number | null {
  if (!existsSync('/proc/self/stat')) return null;
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[13]) + Number(f[14])) / 100; // cutime + cstime, in USER_HZ = 100 ticks
}

/** One sharded `jetlens efp` process on 8 jets, as a child: its CPU is the per-shard overhead (null if not measurable). */
function measureStartup(cli: string | undefined, selection: string, m: number): number | null {
  if (!cli || !existsSync(cli) || childrenCpu() === null) return null;
  const dir = mkdtempSync(join(tmpdir(), 'jetlens-plan-'));
  try {
    writeFileSync(join(dir, 'j.npy'), formatNpy({ data: randomPadded(8, m, new Rng(2)), shape: [8, m, COLUMNS_IN] }));
    const c0 = childrenCpu()!;
    const r = spawnSync(process.execPath, [cli, 'efp', '--in', 'j.npy', '--out', 'o.npy', '--select', selection, '--threads', '1', '--shard', '0/1', '--quiet'], { cwd: dir, stdio: 'ignore', timeout: 60_000 });
    return r.status === 0 ? childrenCpu()! - c0 : null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Measures this build on this machine: the per-jet pipeline until it has run at least `minCpu` seconds, SHA-256 on
 * 32 MiB, and (given the CLI's path) the CPU of one small sharded process.
 */
export async function calibrate(selection: string, multiplicity: number, opts: { cli?: string; minCpu?: number } = {}): Promise<Calibration> {
  const set = new EFPSet(selection);
  const rng = new Rng(1);
  const m = multiplicity;
  await pipelineCpu(set, randomPadded(8, m, rng), 8, m); // warm-up: addon load, thread pool, JIT
  let n = 16;
  let cpu = 0;
  for (;;) {
    cpu = await pipelineCpu(set, randomPadded(n, m, rng), n, m);
    if (cpu >= (opts.minCpu ?? 0.3) || n >= 1 << 20) break;
    n *= Math.min(8, Math.max(2, Math.ceil((opts.minCpu ?? 0.3) / Math.max(cpu, 1e-3))));
  }
  const buf = Buffer.alloc(32 << 20, 7);
  const h0 = cpuNow();
  crypto().createHash('sha256').update(buf).digest();
  const hashCpuPerByte = (cpuNow() - h0) / buf.length;
  const startup = measureStartup(opts.cli, selection, m);
  return {
    cpuPerJet: cpu / n, calibrationJets: n, calibrationCpu: cpu,
    startupCpu: startup ?? RECORDED_STARTUP_CPU, startupSource: startup === null ? 'recorded' : 'measured',
    hashCpuPerByte, baseRss: process.memoryUsage().rss, columns: set.length, multiplicity: m, selection,
  };
}

/** The plan for a request, from a calibration (pure arithmetic: the test checks it against a measured run). */
export function planRun(c: Calibration, r: PlanRequest): Plan {
  const inBytesPerJet = c.multiplicity * COLUMNS_IN * 8;
  const outBytesPerJet = c.columns * 8;
  // Per shard in memory: its padded rows, their CSR copy (pt, y, phi, pid), the values and their .npy bytes.
  const memPerJet = inBytesPerJet + c.multiplicity * 4 * 8 + 2 * outBytesPerJet;
  const perFile = Math.min(r.jetsPerFile ?? r.jets, r.jets);
  const files = Math.ceil(r.jets / perFile);
  const fileBytes = NPY_HEADER + perFile * inBytesPerJet;
  const overhead = c.startupCpu + fileBytes * c.hashCpuPerByte; // every shard hashes its whole input file
  const notes: string[] = [];
  let shardsPerFile: number;
  if (r.shards !== undefined) {
    shardsPerFile = Math.ceil(r.shards / files);
  } else {
    const byWall = Math.floor((WALL_MARGIN * r.wallTime - overhead) / c.cpuPerJet);
    const byMemory = Math.floor(((r.maxMemoryGiB ?? 4) * 2 ** 30 / 1.5 - c.baseRss) / memPerJet);
    if (byWall < 1) notes.push(`a shard's fixed cost (${overhead.toFixed(0)} s: start-up and hashing its ${gib(fileBytes)} input file) does not fit ${WALL_MARGIN} x the wall time: use smaller input files (--jets-per-file)`);
    if (byMemory < 1) notes.push('not even one jet fits the memory limit (--max-memory)');
    shardsPerFile = Math.ceil(perFile / Math.max(1, Math.min(byWall, byMemory)));
  }
  shardsPerFile = Math.max(1, Math.min(shardsPerFile, perFile));
  const shards = files * shardsPerFile;
  const jetsPerShard = Math.ceil(perFile / shardsPerFile);
  const shardCpu = overhead + jetsPerShard * c.cpuPerJet;
  const outputBytes = files * NPY_HEADER + r.jets * outBytesPerJet;
  const mergeCpu = files * c.startupCpu + 2 * outputBytes * c.hashCpuPerByte; // read + re-hash every part
  const cpu = shards * overhead + r.jets * c.cpuPerJet + mergeCpu;
  const memory = c.baseRss + jetsPerShard * memPerJet;
  const perJetShard = jetsPerShard * c.cpuPerJet + c.startupCpu;
  return {
    jets: r.jets, files, jetsPerFile: perFile, shards, jetsPerShard,
    cpuSeconds: cpu, shardCpuSeconds: shardCpu, mergeCpuSeconds: mergeCpu, coreHours: cpu / 3600,
    wallSeconds: Math.ceil(shards / r.cores) * shardCpu + mergeCpu / files,
    memoryPerShardBytes: memory, memoryRequestGiB: Math.ceil((1.5 * memory) / 2 ** 29) / 2,
    inputBytes: files * NPY_HEADER + r.jets * inBytesPerJet, outputBytes, hashShare: (shards * fileBytes * c.hashCpuPerByte) / cpu,
    jetsPerFileForHash5: Math.floor((0.05 * perJetShard) / (0.95 * inBytesPerJet * c.hashCpuPerByte)),
    notes,
  };
}

export const gib = (b: number) => (b >= 2 ** 40 ? `${(b / 2 ** 40).toFixed(2)} TiB` : b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);
