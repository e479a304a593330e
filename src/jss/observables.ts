/**
 * Per-jet substructure observables: jet kinematics, energy correlation functions
 * e2, e3, C2, D2 and N-subjettiness tau_N, tau21, tau32, at any angular exponents.
 */
import { chunked, withControl, type RunOptions } from '../backend/control.js';
import { getKernel, registerKernel } from '../backend/dispatch.js';
import { loadNative } from '../backend/native.js';
import { JetlensInputError } from '../errors.js';
import type { JetBatch } from '../jets/batch.js';
import { toJetBatch, type JetsLike } from '../jets/input.js';
import { massiveKinematics } from './massive.js';
import { fillRows } from './reference.js';
import { AXES, assembleColumns, defaultColumns, planColumns, rowLength, type AxesKind, type ObsRequest } from './request.js';

export interface ObservablesOptions extends RunOptions {
  /** Columns to compute (default: `defaultColumns(betas, tauBetas)`). */
  columns?: string[];
  /** ECF angular exponents for the default column set (default [1, 2]). */
  betas?: number[];
  /** N-subjettiness angular exponent(s) for the default column set (default 1). */
  tauBeta?: number | number[];
  /** N-subjettiness axes: exclusive kT (default), WTA kT, or one-pass optimised from kT. */
  axes?: AxesKind;
}

export interface ObservablesResult {
  columns: string[];
  values: Record<string, Float64Array>;
}

/** A kernel fills the base rows (N x rowLength) for the whole batch. */
export type ObservablesKernel = (batch: JetBatch, request: ObsRequest, run: RunOptions) => Promise<Float64Array>;

const referenceKernel: ObservablesKernel = async (batch, request, run) => {
  const out = new Float64Array(batch.length * rowLength(request));
  await chunked(batch.length, run, (s, e) => fillRows(batch, request, out, s, e), 64);
  return out;
};
registerKernel('observables', 'reference', referenceKernel);

const native = loadNative();
if (native?.jssObservables) {
  const nativeKernel: ObservablesKernel = (batch, r, run) => {
    const out = new Float64Array(batch.length * rowLength(r));
    return withControl(batch.length, run, async (control) => {
      const { offsets, pt, y, phi, mass } = batch;
      await native.jssObservables({
        offsets, pt, y, phi, mass, out, ecfBetas: Float64Array.from(r.ecfBetas),
        needE3: Uint8Array.from(r.needE3, (b) => (b ? 1 : 0)), tauBetas: Float64Array.from(r.tauBetas), nMax: r.nMax,
        axes: r.axes, threads: run.threads ?? 0, control,
      });
      return out;
    });
  };
  registerKernel('observables', 'native', nativeKernel);
}

function checkBetas(name: string, betas: number[]): number[] {
  if (!Array.isArray(betas) || betas.length === 0) throw new JetlensInputError(`${name}: expected a non-empty list of numbers`);
  for (const b of betas) if (!(Number.isFinite(b) && b > 0)) throw new JetlensInputError(`${name}: every beta must be finite and > 0 (got ${b})`);
  return betas;
}

function plan(opts: ObservablesOptions) {
  const betas = checkBetas('betas', opts.betas ?? [1, 2]);
  const tauBetas = checkBetas('tauBeta', opts.tauBeta === undefined ? [1] : ([] as number[]).concat(opts.tauBeta));
  const columns = opts.columns ?? defaultColumns(betas, tauBetas);
  if (columns.length === 0) throw new JetlensInputError('columns: expected at least one column');
  const axes = opts.axes ?? 'kt';
  if (!AXES.includes(axes)) throw new JetlensInputError(`axes must be one of ${AXES.join(', ')} (got '${axes}')`);
  return { columns, ...planColumns(columns, axes) };
}

/**
 * Observables per jet, in input order. With a mass column (JetBatch.mass) the jet 4-vector (pt, mass, rap, phi,
 * width's axis) and the E-scheme kT axes use massive constituents; without one, constituents are massless. Empty jets give 0 in every column; ratios with a zero denominator are 0
 * (C2 = D2 = 0 when e2 = 0, tau21 = 0 when tau1 = 0, ...); tau_N = 0 when the jet has M <= N constituents.
 */
export async function observables(jets: JetsLike, opts: ObservablesOptions = {}): Promise<ObservablesResult> {
  const batch = toJetBatch(jets);
  const { columns, request, parsed } = plan(opts);
  const { kernel } = getKernel('observables', opts.backend);
  const base = await kernel(batch, request, opts);
  massiveKinematics(batch, base, rowLength(request));
  return { columns, values: assembleColumns(base, batch.length, request, parsed) };
}

/** Synchronous reference (plain TypeScript), same options and result as `observables`. */
export function observablesReference(jets: JetsLike, opts: Omit<ObservablesOptions, keyof RunOptions> = {}): ObservablesResult {
  const batch = toJetBatch(jets);
  const { columns, request, parsed } = plan(opts);
  const base = new Float64Array(batch.length * rowLength(request));
  fillRows(batch, request, base, 0, batch.length);
  massiveKinematics(batch, base, rowLength(request));
  return { columns, values: assembleColumns(base, batch.length, request, parsed) };
}
