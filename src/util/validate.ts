/**
 * Validation helpers shared by the library's option checks. The library validates (one validator per option
 * family, throwing JetlensInputError with the offending `field`); the CLI, the queue and the service only translate
 * the error into their own naming (--beta, options.beta) with `relabel`.
 */
import { JetlensInputError } from '../errors.js';

/** An angular exponent: finite and > 0 (EFPs, ECFs, N-subjettiness, SEMD). */
export function checkBeta(beta: unknown, field = 'beta'): number {
  if (!(typeof beta === 'number' && Number.isFinite(beta) && beta > 0)) throw new JetlensInputError(`${field} must be a number > 0, got ${String(beta)}`, { field });
  return beta;
}

/** A number parsed from text (a flag, a query string): finite, >= min, and an integer when asked. */
export function parseNumber(text: string, field: string, opts: { min?: number; integer?: boolean } = {}): number {
  const x = Number(text);
  const min = opts.min ?? -Infinity;
  const kind = opts.integer ? 'an integer' : 'a number';
  if (text.trim() === '' || !Number.isFinite(x) || x < min || (opts.integer && !Number.isInteger(x))) {
    throw new JetlensInputError(`expected ${kind}${min > -Infinity ? ` >= ${min}` : ''}, got '${text}'`, { field });
  }
  return x;
}

/** One of a fixed set of strings (the same strings the TypeScript API uses). */
export function checkChoice<T extends string>(value: unknown, field: string, values: readonly T[]): T {
  if (!values.includes(value as T)) throw new JetlensInputError(`expected one of ${values.join(', ')}, got '${String(value)}'`, { field });
  return value as T;
}

/**
 * A library error re-labelled for a front end: `${label(field)}: ${problem}` (e.g. `--beta: beta must be ...`).
 * Errors without a field, and other errors, pass through unchanged.
 */
export function relabel(e: unknown, label: (field: string) => string): unknown {
  if (!(e instanceof JetlensInputError) || e.location.field === undefined) return e;
  const { field, ...rest } = e.location;
  return new JetlensInputError(`${label(field)}: ${e.problem}`, rest);
}
