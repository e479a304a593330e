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

/** A short rendering of a bad value for a message (long lists and strings are cut). */
function show(v: unknown): string {
  const text = typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Refuses lists longer than `max` (front ends bound every list option per request). */
function checkLength(list: unknown[], field: string, max: number | undefined): void {
  if (max !== undefined && list.length > max) throw new JetlensInputError(`${field} has ${list.length} values, at most ${max} allowed`, { field });
}

/**
 * Angular exponents given as one number or a list (ECF betas, N-subjettiness tauBeta): a non-empty list of finite
 * numbers > 0, at most `max` long.
 */
export function checkBetaList(v: unknown, field: string, opts: { max?: number } = {}): number[] {
  const list = Array.isArray(v) ? v : [v];
  checkLength(list, field, opts.max);
  if (list.length === 0 || !list.every((b) => typeof b === 'number' && Number.isFinite(b) && b > 0)) {
    throw new JetlensInputError(`${field} must be a number > 0 or a non-empty list of them, got ${show(v)}`, { field });
  }
  return list as number[];
}

/** A non-empty list of non-empty strings (column names), at most `max` long. */
export function checkStringList(v: unknown, field: string, opts: { max?: number } = {}): string[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string' && x !== '')) {
    throw new JetlensInputError(`${field} must be a non-empty list of names, got ${show(v)}`, { field });
  }
  checkLength(v, field, opts.max);
  return v as string[];
}

/** An options object from JSON (a request, a job): only the `allowed` keys. `field` names the object. */
export function checkKnownKeys(o: unknown, allowed: readonly string[], field = 'options'): Record<string, unknown> {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new JetlensInputError(`${field} must be an object, got ${show(o)}`, { field });
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length) throw new JetlensInputError(`unknown field(s) ${extra.join(', ')} (allowed: ${allowed.join(', ')})`, { field });
  return o as Record<string, unknown>;
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
  if (!values.includes(value as T)) throw new JetlensInputError(`expected one of ${values.join(', ')}, got ${show(value)}`, { field });
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
