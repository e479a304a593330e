import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import { refuseOverwrite } from '../io/paths.js';
import { manifestPath } from '../shard/shard.js';
import { JetlensInputError } from '../errors.js';
import { EFPSet, type EFPOptions } from '../efp/efpset.js';
import { resolveMeasure, type Measure, type MeasureName, type MeasureOptions } from '../efp/measure.js';
import { checkKnownKeys, relabel } from '../util/validate.js';
import { parseShard, type Shard } from '../shard/shard.js';
import { checkObservablesOptions, type CheckedObservablesOptions } from '../jss/observables.js';

/**
 * What a producer puts on the queue. Paths are local to the worker (a shared filesystem in a cluster);
 * `options` mirrors the CLI flags of the same command.
 */
export interface JetlensJob {
  command: 'efp' | 'observables';
  /** Jets file (.npz, .npy, .h5, .csv, .jsonl). */
  input: string;
  /** Array/dataset holding the particles (default 'X'). */
  dataset?: string;
  /** efp: .npy (plus a .json column sidecar); observables: .csv or .npz. */
  output: string;
  /** Optional 'K/N': process only that contiguous slice; a shard manifest is written for `jetlens merge`. */
  shard?: string;
  options?: EfpJobOptions | ObservablesJobOptions;
}

export interface EfpJobOptions {
  /** Catalogue selection (default 'd<=5'), or explicit graphs as edge lists. */
  select?: string;
  graphs?: [number, number][][];
  measure?: MeasureName;
  kappa?: number | 'pf';
  beta?: number;
  normed?: boolean;
}

export interface ObservablesJobOptions {
  columns?: string[];
  betas?: number[];
  tauBeta?: number[];
  axes?: 'kt' | 'wta' | 'onepass';
}

/** A job that passed validation: defaults filled, so that equal settings compare equal. */
export interface ValidEfpOptions extends EFPOptions {
  selection: string | [number, number][][];
  measure: MeasureName;
  kappa: number | 'pf';
  beta: number;
  normed: boolean;
}
export type ValidObservablesOptions = CheckedObservablesOptions;
interface ValidCommon {
  input: string;
  dataset: string;
  output: string;
  shard?: Shard;
}
export type ValidJob = (ValidCommon & { command: 'efp'; options: ValidEfpOptions }) | (ValidCommon & { command: 'observables'; options: ValidObservablesOptions });

/** A job that can never succeed as written: it goes to the dead-letter list and is not retried. */
export class JobValidationError extends JetlensInputError {
  constructor(problem: string) {
    super(`invalid job: ${problem}`);
    this.name = 'JobValidationError';
  }
}

/** Largest job (its JSON): a job names files and options, so anything larger is a mistake or an attack. */
export const MAX_JOB_BYTES = 1 << 20;

const EFP_KEYS = ['select', 'graphs', 'measure', 'kappa', 'beta', 'normed'];
const OBS_KEYS = ['columns', 'betas', 'tauBeta', 'axes'];
const JOB_KEYS = ['command', 'input', 'dataset', 'output', 'shard', 'options'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Runs a library validator; its JetlensInputError becomes a JobValidationError naming the job field
 * (`options.betas: ...`, `options: unknown field(s) ...`). The queue has no validation of its own for options.
 */
function library<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (!(e instanceof JetlensInputError)) throw e;
    throw new JobValidationError((relabel(e, (f) => (f === 'options' || f === 'job' ? f : `options.${f}`)) as Error).message);
  }
}

function unknownKeys(o: Record<string, unknown>, allowed: string[], what: string): void {
  library(() => checkKnownKeys(o, allowed, what));
}

function path(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '') throw new JobValidationError(`${what}: expected a non-empty file path`);
  if (!isAbsolute(v)) throw new JobValidationError(`${what}: expected an absolute path (workers may run elsewhere), got '${v}'`);
  return v;
}

function efpOptions(o: Record<string, unknown>): ValidEfpOptions {
  unknownKeys(o, EFP_KEYS, 'options');
  if (o.select !== undefined && o.graphs !== undefined) throw new JobValidationError('options: give select or graphs, not both');
  if (o.select !== undefined && typeof o.select !== 'string') throw new JobValidationError('options.select: expected a string such as "d<=5"');
  if (o.graphs !== undefined && !(Array.isArray(o.graphs) && o.graphs.length > 0 && o.graphs.every((g) => Array.isArray(g) && g.every((e) => Array.isArray(e) && e.length === 2)))) {
    throw new JobValidationError('options.graphs: expected a non-empty list of edge lists [[[0,1],[1,2]], ...]');
  }
  const selection = (o.graphs ?? o.select ?? 'd<=5') as string | [number, number][][];
  const opts: Measure = library(() => resolveMeasure({ measure: o.measure, kappa: o.kappa, beta: o.beta, normed: o.normed } as MeasureOptions));
  try {
    new EFPSet(selection, opts); // the selection and measure combination must make sense (cheap: the catalogue is cached)
  } catch (e) {
    throw new JobValidationError(`options: ${(e as Error).message}`);
  }
  return { selection, ...opts };
}

function observablesOptions(o: Record<string, unknown>): ValidObservablesOptions {
  unknownKeys(o, OBS_KEYS, 'options');
  return library(() => checkObservablesOptions(o));
}

/** The nearest existing ancestor of `p`, resolved (symlinks included), plus the part below it. */
function resolveForWrite(p: string): string {
  let dir = resolve(p);
  const rest: string[] = [];
  for (;;) {
    try {
      return resolve(realpathSync(dir), ...rest);
    } catch {
      const up = dirname(dir);
      if (up === dir) return resolve(p);
      rest.unshift(dir.slice(up.length).replace(/^[\\/]/, ''));
      dir = up;
    }
  }
}

/** The output (symlinks and '..' resolved) must lie inside `root`. */
function confine(output: string, root: string): void {
  const r = resolveForWrite(root);
  const rel = relative(r, resolveForWrite(output));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new JobValidationError(`output: '${output}' is outside the worker's output root '${root}'`);
}

export interface ValidateOptions {
  /** Outputs must resolve inside this directory. */
  outputRoot?: string;
}

/** Checks a job's shape, options and input file; throws JobValidationError with the reason. */
export function validateJob(data: unknown, vo: ValidateOptions = {}): ValidJob {
  if (!isObject(data)) throw new JobValidationError('expected a JSON object {command, input, output, options}');
  const bytes = Buffer.byteLength(JSON.stringify(data));
  if (bytes > MAX_JOB_BYTES) throw new JobValidationError(`job: ${bytes} bytes of JSON, at most ${MAX_JOB_BYTES} (jobs name files; they do not carry data)`);
  unknownKeys(data, JOB_KEYS, 'job');
  const { command } = data;
  if (command !== 'efp' && command !== 'observables') throw new JobValidationError(`command: expected 'efp' or 'observables', got '${String(command)}'`);
  const input = path(data.input, 'input');
  if (!existsSync(input) || !statSync(input).isFile()) throw new JobValidationError(`input: no such file '${input}'`);
  const output = path(data.output, 'output');
  const ext = extname(output).toLowerCase();
  const exts = command === 'efp' ? ['.npy'] : ['.csv', '.npz'];
  if (!exts.includes(ext)) throw new JobValidationError(`output: ${command} writes ${exts.join(' or ')}, got '${output}'`);
  if (vo.outputRoot) confine(output, vo.outputRoot);
  const written = [output, `${output}.job.json`, command === 'efp' ? output.replace(/\.npy$/i, '.json') : undefined, data.shard !== undefined ? manifestPath(output) : undefined];
  try {
    refuseOverwrite([input], written);
  } catch (e) {
    throw new JobValidationError((e as Error).message);
  }
  const dataset = data.dataset ?? 'X';
  if (typeof dataset !== 'string' || dataset === '') throw new JobValidationError('dataset: expected a non-empty string');
  let shard: Shard | undefined;
  if (data.shard !== undefined) {
    try {
      shard = parseShard(String(data.shard));
    } catch (e) {
      throw new JobValidationError((e as Error).message.replace('--shard', 'shard'));
    }
  }
  const raw = data.options ?? {};
  if (!isObject(raw)) throw new JobValidationError('options: expected an object');
  const options = command === 'efp' ? efpOptions(raw) : observablesOptions(raw);
  return { command, input, dataset, output, ...(shard ? { shard } : {}), options } as ValidJob;
}
