import type cliProgressType from 'cli-progress';
import { createRequire } from 'node:module';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { JetlensInputError } from '../errors.js';
import { checkChoice, parseNumber, relabel } from '../util/validate.js';

/** Global CLI state set from the root options. */
export const cliState = { quiet: false };

/** A mistake in how the command was called (a flag's value, a combination, an --out extension): exit code 2. */
export class UsageError extends JetlensInputError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit codes: 0 ok (help, version), 2 usage errors (commander's own, UsageError), 1 everything else. */
export function exitCodeOf(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
  return e instanceof UsageError ? 2 : 1;
}

/**
 * The flag whose value names the file an input error is about (`--labels t.npz:y` for an error in t.npz), so the
 * message says which option to fix.
 */
function flagFor(err: JetlensInputError, cmd: unknown): string | undefined {
  const file = err.location.file;
  if (!file || !(cmd instanceof Command) || /^--[a-z]/.test(err.message)) return undefined;
  for (const opt of cmd.options) {
    const v = cmd.getOptionValue(opt.attributeName());
    if (typeof v === 'string' && (v === file || v.startsWith(`${file}:`)) && opt.long) return opt.long;
  }
  return undefined;
}

/**
 * Wraps a command action: any error becomes one line on stderr (input errors prefixed with the flag they came
 * from) and exit code 1, or 2 for a usage error; no stack trace unless JETLENS_DEBUG=1.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function action<A extends any[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      const err = e as Error;
      const flag = err instanceof JetlensInputError ? flagFor(err, args[args.length - 1]) : undefined;
      process.stderr.write(`jetlens: error: ${flag ? `${flag} ` : ''}${err.message}\n`);
      if (process.env.JETLENS_DEBUG === '1') process.stderr.write(`${err.stack}\n`);
      process.exitCode = exitCodeOf(e);
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
  // loaded only when a bar is shown: its ~20 files cost every quiet or piped run ~10-25 ms of start-up (#20.3)
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof cliProgressType;
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
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`--${name}: expected an integer >= ${min}, got '${v}'`);
    return n;
  };
}

/** A number flag (finite, >= min), checked by the library's parseNumber; the error names the flag. */
export function numberOption(name: string, min = -Infinity): (v: string) => number {
  return (v: string) => {
    try {
      return parseNumber(v, name, { min });
    } catch (e) {
      throw new InvalidArgumentError((relabel(e, (f) => `--${f}`) as Error).message);
    }
  };
}

/** One of a fixed set of strings (kept here, not in train.ts, so that light commands do not load training code). */
export function choice<T extends string>(name: string, values: readonly T[]): (v: string) => T {
  return (v: string) => {
    try {
      return checkChoice(v, name, values);
    } catch (e) {
      throw new InvalidArgumentError((relabel(e, (f) => `--${f}`) as Error).message);
    }
  };
}

/** Parses a comma-separated list of numbers ("1,2" -> [1, 2]). */
export function numberList(name: string): (v: string) => number[] {
  return (v: string) =>
    v.split(',').map((s) => {
      const n = Number(s.trim());
      if (s.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`--${name}: '${s}' is not a number`);
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
