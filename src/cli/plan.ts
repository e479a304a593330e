import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from 'commander';
import { calibrate, gib, planRun, WALL_MARGIN, type Calibration, type Plan } from '../shard/plan.js';
import { parseSelection } from '../efp/select.js';
import { action, info, intOption, numberOption, UsageError } from './util.js';

/** 01:30:00, 90m, 2h, 45s or plain seconds -> seconds. */
export function parseWallTime(v: string): number {
  const s = v.trim();
  const hms = /^(?:(\d+)-)?(\d+):(\d{1,2})(?::(\d{1,2}))?$/.exec(s); // Slurm: [D-]HH:MM[:SS]
  const unit = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/.exec(s);
  const sec = hms
    ? Number(hms[1] ?? 0) * 86400 + Number(hms[2]) * 3600 + Number(hms[3]) * 60 + Number(hms[4] ?? 0)
    : unit ? Number(unit[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[unit[2] as '' | 's' | 'm' | 'h' | 'd'] : NaN;
  if (!(sec > 0)) throw new InvalidArgumentError(`--wall-time: expected HH:MM:SS, 90m, 2h or seconds, got '${v}'`);
  return sec;
}

const hours = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(2)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`);
const num = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });

function describe(c: Calibration, p: Plan, o: PlanFlags): string {
  const lines = [
    `jetlens efp --select '${c.selection}' on ${num(p.jets)} jets of ${c.multiplicity} particles (${c.columns} EFPs), one thread per shard, .npy input`,
    `calibrated here, now: ${num(c.calibrationJets)} jets computed in-process in ${c.calibrationCpu.toFixed(2)} s CPU (${num(1 / c.cpuPerJet)} jets per CPU-second);`,
    `  per-process start-up ${c.startupCpu.toFixed(2)} s CPU (${c.startupSource === 'measured' ? 'one small sharded process measured here' : 'recorded in bench/README.md: not measurable here'}); SHA-256 ${(1 / c.hashCpuPerByte / 2 ** 30).toFixed(2)} GiB per CPU-second`,
    '',
    `input files      ${num(p.files)} of ${num(p.jetsPerFile)} jets, each sharded and merged on its own`,
    `shards           ${num(p.shards)} of ${num(p.jetsPerShard)} jets (${o.shards ? '--shards' : `each within ${WALL_MARGIN} x --wall-time ${hours(o.wallTime)} and a ${o.maxMemory} GiB memory request`})`,
    `CPU              ${(p.coreHours).toFixed(p.coreHours < 10 ? 3 : 1)} core-hours in all; ${hours(p.shardCpuSeconds)} per shard; merge ${hours(p.mergeCpuSeconds)}`,
    `wall time        ${hours(p.wallSeconds)} on ${o.cores} cores (${Math.ceil(p.shards / o.cores)} round(s) of shards, then one file's merge)`,
    `memory           ${gib(p.memoryPerShardBytes)} per shard (request ${p.memoryRequestGiB} GiB: --mem=${p.memoryRequestGiB * 1024}M)`,
    `input            ${gib(p.inputBytes)} (.npy, float64 (N, ${c.multiplicity}, 4)); every shard hashes its whole file: ${(100 * p.hashShare).toFixed(1)}% of the CPU`,
    `output           ${gib(p.outputBytes)} (.npy, float64 (N, ${c.columns})); the parts take as much again until merged`,
  ];
  if (p.hashShare > 0.05) {
    lines.push(p.jetsPerFileForHash5 >= p.jetsPerShard
      ? `note: input files of at most ${num(p.jetsPerFileForHash5)} jets (--jets-per-file) bring hashing under 5%`
      : 'note: hashing the input costs more than 5% of a shard even with one file per shard: give shards more jets (a longer --wall-time)');
  }
  for (const n of p.notes) lines.push(`note: ${n}`);
  lines.push('Estimates: CPU from this machine\'s speed; a cluster core may be faster or slower (scale the core-hours by the ratio).');
  return lines.join('\n');
}

interface PlanFlags {
  jets: number;
  select: string;
  multiplicity: number;
  cores: number;
  wallTime: number;
  shards?: number;
  maxMemory: number;
  jetsPerFile?: number;
  json?: boolean;
}

export const register = (program: Command) =>
  program
    .command('plan')
    .description('cost model of a sharded efp run: core-hours, memory per shard, output size, shard count for a wall time (calibrated on this machine)')
    .requiredOption('--jets <N>', 'number of jets (1e9 is accepted)', intOption('jets', 1))
    .option('--select <sel>', "EFP selection, as for jetlens efp", 'd<=5')
    .option('--multiplicity <M>', 'particles per jet (the padded M of the input)', intOption('multiplicity', 1), 50)
    .option('--cores <C>', 'cores running shards at once (scheduler slots)', intOption('cores', 1), availableParallelism())
    .option('--wall-time <T>', 'target wall time of one shard: HH:MM:SS, 90m, 2h or seconds', parseWallTime, 3600)
    .option('--max-memory <GiB>', 'largest memory request of one shard (caps the jets per shard)', numberOption('max-memory', 0.5), 4)
    .option('--jets-per-file <F>', 'jets per input file (default: one file); each file is sharded and merged on its own', intOption('jets-per-file', 1))
    .option('--shards <S>', 'use this many shards in all instead of deriving them from --wall-time and --max-memory', intOption('shards', 1))
    .option('--json', 'print the calibration and the plan as JSON')
    .action(action(async (o: PlanFlags) => {
      try {
        parseSelection(o.select);
      } catch (e) {
        throw new UsageError(`--select: ${(e as Error).message}`);
      }
      if (o.multiplicity > 1000) throw new UsageError(`--multiplicity: at most 1000 (the calibration computes jets of this size), got ${o.multiplicity}`);
      info('plan: measuring this build on this machine (a few seconds)...');
      const c = await calibrate(o.select, o.multiplicity, { cli: process.argv[1] });
      const p = planRun(c, { jets: o.jets, wallTime: o.wallTime, cores: o.cores, shards: o.shards, maxMemoryGiB: o.maxMemory, jetsPerFile: o.jetsPerFile });
      process.stdout.write(o.json ? `${JSON.stringify({ calibration: c, plan: p }, null, 1)}\n` : `${describe(c, p, o)}\n`);
    }));
