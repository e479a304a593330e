/**
 * Per-jet substructure observables: jet kinematics, energy correlation functions
 * e2, e3, C2, D2 and N-subjettiness tau_N, tau21, tau32, at any angular exponents.
 */
import type { RunOptions } from '../backend/control.js';
import { getKernel } from '../backend/dispatch.js';
import { JetlensInputError } from '../errors.js';
import { toJetBatch, type JetsLike } from '../jets/input.js';
import './kernels.js'; // registers the observables kernels (reference, native)
import { massiveKinematics } from './massive.js';
import { fillRows } from './reference.js';
import { AXES, assembleColumns, defaultColumns, planColumns, rowLength, type AxesKind } from './request.js';

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
