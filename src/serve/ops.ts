import { JetlensInputError } from '../errors.js';
import { observables } from '../jss/observables.js';
import type { ServeOp } from './server.js';

/** Reads an optional list of numbers from request options, with a 400-style error naming the field. */
export function numbers(o: Record<string, unknown>, key: string): number[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  const list = Array.isArray(v) ? v : [v];
  if (!list.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new JetlensInputError(`options.${key} must be a number or a list of numbers`);
  return list as number[];
}

export function strings(o: Record<string, unknown>, key: string): string[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new JetlensInputError(`options.${key} must be a list of strings`);
  return v as string[];
}

/** POST /v1/observables {jets, options: {columns?, betas?, tauBeta?}} -> {columns, values: {name: [per jet]}} */
const observablesOp: ServeOp = async (jets, o, signal) => {
  const r = await observables(jets, { columns: strings(o, 'columns'), betas: numbers(o, 'betas'), tauBeta: numbers(o, 'tauBeta'), threads: 1, signal });
  return { jets: jets.length, columns: r.columns, values: r.values };
};

export const defaultOps: Record<string, ServeOp> = { observables: observablesOp };
