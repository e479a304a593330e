import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { checkChoice, parseNumber, relabel } from '../util/validate.js';

/** Global CLI state set from the root options. */
export const cliState = { quiet: false };

/**
 * Wraps a command action: any error becomes one line on stderr and exit code 1 (no stack trace for input
 * errors; set JETLENS_DEBUG=1 for the stack).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function action<A extends any[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      const err = e as Error;
      process.stderr.write(`jetlens: error: ${err.message}\n`);
      if (process.env.JETLENS_DEBUG === '1') process.stderr.write(`${err.stack}\n`);
      process.exitCode = 1;
    }
  };
}

/** A progress bar on stderr (silent with --quiet or when stderr is not a terminal and JETLENS_PROGRESS != 1). */
export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

export function progress(label: string, total: number): Progress {
  const show = !cliState.quiet && (process.stderr.isTTY || process.env.JETLENS_PROGRESS === '1');
  if (!show) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label.padEnd(14)} [{bar}] {percentage}% | {value}/{total} | eta {eta_formatted}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update: (done, t) => {
      if (t !== undefined && t !== bar.getTotal()) bar.setTotal(t);
      bar.update(done);
    },
    stop: () => bar.stop(),
  };
}

/** Informational message on stderr (silent with --quiet). */
export function info(msg: string): void {
  if (!cliState.quiet) process.stderr.write(`${msg}\n`);
}

/** Parses a positive integer option with a clear error. */
export function intOption(name: string, min = 0): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected an integer >= ${min}, got '${v}'`);
    return n;
  };
}

/** A number flag (finite, >= min), checked by the library's parseNumber; the error names the flag. */
export function numberOption(name: string, min = -Infinity): (v: string) => number {
  return (v: string) => {
    try {
      return parseNumber(v, name, { min });
    } catch (e) {
      throw relabel(e, (f) => `--${f}`);
    }
  };
}

/** One of a fixed set of strings (kept here, not in train.ts, so that light commands do not load training code). */
export function choice<T extends string>(name: string, values: readonly T[]): (v: string) => T {
  return (v: string) => {
    try {
      return checkChoice(v, name, values);
    } catch (e) {
      throw relabel(e, (f) => `--${f}`);
    }
  };
}

/** Parses a comma-separated list of numbers ("1,2" -> [1, 2]). */
export function numberList(name: string): (v: string) => number[] {
  return (v: string) =>
    v.split(',').map((s) => {
      const n = Number(s.trim());
      if (s.trim() === '' || !Number.isFinite(n)) throw new Error(`--${name}: '${s}' is not a number`);
      return n;
    });
}

export type Register = (program: Command) => void;

/**
 * --shard K/N and --force for a command that maps rows to rows; `rows` says what is sliced (the jets, the query
 * jets of knn, the rows of predict).
 */
export function shardOptions(cmd: Command, rows = 'the jets'): Command {
  return cmd
    .option('--shard <K/N>', `process only the K-th of N contiguous slices of ${rows} (0-based); writes a manifest for \`jetlens merge\``)
    .option('--force', 'redo a shard whose output already exists');
}
