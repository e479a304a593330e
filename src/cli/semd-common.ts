// Options and plumbing shared by the SEMD commands (semd, knn, smear, nn-scaling).
import { Option, type Command, InvalidArgumentError } from 'commander';
import { info, intOption, progress } from './util.js';
import { writeFileAtomic } from '../util/atomic.js';

export interface SemdCliOptions {
  energy: 'norm' | 'raw';
  beta: number;
  scale: number;
  threads: number;
  backend: string;
  cells?: number;
}

const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`--${name}: expected a number > 0, got '${v}'`);
  return n;
};

/** --energy, --beta, --scale, --threads, --backend (and --cells for the searches). */
export function semdOptions(cmd: Command, cells = false): Command {
  cmd
    .addOption(new Option('--energy <mode>', "particle weights: 'norm' (pt / sum pt) or 'raw' (pt in GeV)").choices(['norm', 'raw']).default('norm'))
    .option('--beta <b>', 'angular exponent: omega = DeltaR^beta', positive('beta'), 1)
    .option('--scale <E>', 'multiply every distance by E (e.g. a jet pT in GeV); eps values are in these units', positive('scale'), 1)
    .option('--threads <n>', 'worker threads for native kernels (0 = all cores)', intOption('threads', 0), 0)
    .option('--backend <name>', "kernel backend: auto, native, reference", 'auto');
  if (cells) cmd.option('--cells <K>', 'cells of the embedding used for pruning (does not change results)', intOption('cells', 1), 64);
  return cmd;
}

/** Ctrl-C aborts the run cleanly through an AbortSignal (a second Ctrl-C exits at once). */
export function interruptible(): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const onInt = () => {
    info('\ninterrupted: stopping (Ctrl-C again to exit at once)');
    ac.abort();
  };
  process.once('SIGINT', onInt);
  return { signal: ac.signal, dispose: () => process.off('SIGINT', onInt) };
}

/** Runs fn with a progress bar and Ctrl-C handling. */
export async function withProgress<T>(label: string, fn: (run: { signal: AbortSignal; onProgress: (d: number, n: number) => void }) => Promise<T>): Promise<T> {
  const bar = progress(label, 1);
  const { signal, dispose } = interruptible();
  try {
    return await fn({ signal, onProgress: (d, n) => bar.update(d, n) });
  } finally {
    bar.stop();
    dispose();
  }
}

/** Writes JSON through a temporary file and a rename (never a half-written output). */
export async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
}

/** Writes report sections to DIR/report.json and renders them (the report module loads vega: only when asked). */
export async function writeFigures(dir: string, sections: import('../report/schema.js').Section[], title: string): Promise<void> {
  const { writeReportJson, renderReport } = await import('../report/index.js');
  await writeReportJson(dir, sections, { title: `jetlens ${title}` });
  const r = await renderReport(dir);
  info(`figures: ${r.index} (${r.figures.length} files)`);
}
