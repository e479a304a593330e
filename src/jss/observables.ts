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
import { checkBetaList, checkChoice, checkStringList } from '../util/validate.js';
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

/** Observables options as a front end receives them (JSON, flags): unchecked. */
export interface ObservablesOptionsInput {
  columns?: unknown;
  betas?: unknown;
  tauBeta?: unknown;
  axes?: unknown;
}

/** Checked observables options, defaults filled (columns stays absent for the default set). */
export interface CheckedObservablesOptions {
  columns?: string[];
  betas: number[];
  tauBeta: number[];
  axes: AxesKind;
}

/**
 * The one validator of the observables option family (library, CLI, queue and service all call it): betas and
 * tauBeta are angular exponents (a number > 0 or a list of them), columns a non-empty list of known column names,
 * axes one of AXES. Errors are JetlensInputErrors whose `field` is the option name; front ends re-label it
 * (--beta, options.betas). `maxList` bounds every list (the service's per-request limit).
 */
export function checkObservablesOptions(o: ObservablesOptionsInput, limits: { maxList?: number; maxColumns?: number } = {}): CheckedObservablesOptions {
  const betas = o.betas === undefined ? [1, 2] : checkBetaList(o.betas, 'betas', { max: limits.maxList });
  const tauBeta = o.tauBeta === undefined ? [1] : checkBetaList(o.tauBeta, 'tauBeta', { max: limits.maxList });
  const axes = o.axes === undefined ? 'kt' : checkChoice(o.axes, 'axes', AXES);
  if (o.columns === undefined) return { betas, tauBeta, axes };
  const columns = checkStringList(o.columns, 'columns', { max: limits.maxColumns ?? limits.maxList });
  try {
    planColumns(columns, axes); // every name must be a column
  } catch (e) {
    if (e instanceof JetlensInputError) throw new JetlensInputError(e.problem, { ...e.location, field: 'columns' });
    throw e;
  }
  return { columns, betas, tauBeta, axes };
}

function plan(opts: ObservablesOptions) {
  const o = checkObservablesOptions(opts);
  const columns = o.columns ?? defaultColumns(o.betas, o.tauBeta);
  return { columns, ...planColumns(columns, o.axes) };
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
