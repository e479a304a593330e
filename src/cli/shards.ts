import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { JetlensInputError } from '../errors.js';
import { mergeParts } from '../shard/merge.js';
import { action, info, intOption } from './util.js';

/** Part file of shard k: OUT.npy -> OUT.shard-2-of-4.npy */
export const partPath = (out: string, k: number, n: number) => {
  const e = extname(out);
  return `${out.slice(0, out.length - e.length)}.shard-${k}-of-${n}${e}`;
};

/** Removes merged parts: each part, its manifest and an efp sidecar (PART.json) when there is one. */
async function removeParts(parts: string[]): Promise<void> {
  const sidecar = (f: string) => `${f.slice(0, f.length - extname(f).length)}.json`;
  const files = parts.flatMap((f) => [f, `${f}.manifest.json`, ...(extname(f) === '.json' ? [] : [sidecar(f)])]);
  await Promise.all(files.map((f) => rm(f, { force: true })));
}

/** Runs `jetlens <args> --shard k/n --out part` as a child process. */
function runShard(args: string[], out: string, k: number, n: number, quiet: boolean): Promise<void> {
  const cli = process.argv[1];
  const child = spawn(process.execPath, [cli, ...args, '--shard', `${k}/${n}`, '--out', partPath(out, k, n), ...(quiet ? ['--quiet'] : [])], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`shard ${k}/${n} failed (exit ${code}): jetlens ${args.join(' ')}`))));
  });
}

export const register = (program: Command) => {
  program
    .command('merge')
    .description('merge the parts written with --shard K/N into the file an unsharded run writes (checks manifests)')
    .argument('<parts...>', 'part files (each with its .manifest.json)')
    .requiredOption('--out <file>', 'merged output')
    .action(action(async (parts: string[], o: { out: string }) => {
      const ms = await mergeParts(parts, o.out);
      info(`merged ${ms.length} parts (${ms[0].input.jets} jets of ${ms[0].input.file}) into ${o.out}`);
    }));

  program
    .command('run-shards')
    .description('run a batch command as N shards in J local processes, then merge (what a laptop or CI does)')
    .requiredOption('--shards <n>', 'number of shards', intOption('shards', 1))
    .option('--jobs <j>', 'processes at a time', intOption('jobs', 1), 2)
    .requiredOption('--out <file>', 'merged output (parts are written next to it and removed after the merge)')
    .option('--keep-parts', 'keep the part files and their manifests after merging')
    .argument('<command...>', "the command and its options, after '--' (e.g. -- efp --in t.npz --select 'd<=5')")
    .action(action(async (command: string[], o: { shards: number; jobs: number; out: string; keepParts?: boolean }) => {
      if (command.some((a) => a === '--shard' || a === '--out')) throw new JetlensInputError('run-shards sets --shard and --out itself: remove them from the command');
      const quiet = Boolean(program.opts().quiet);
      const queue = Array.from({ length: o.shards }, (_, k) => k);
      const worker = async () => {
        for (let k = queue.shift(); k !== undefined; k = queue.shift()) await runShard(command, o.out, k, o.shards, quiet);
      };
      await Promise.all(Array.from({ length: Math.min(o.jobs, o.shards) }, worker));
      const parts = Array.from({ length: o.shards }, (_, k) => partPath(o.out, k, o.shards));
      await mergeParts(parts, o.out);
      if (!o.keepParts) await removeParts(parts);
      info(`${o.shards} shards merged into ${o.out}${o.keepParts ? ' (parts kept)' : ''}`);
    }));
};
