import { JetlensInputError } from '../errors.js';
import { defaultCatalog, EFPSet, parseSelection } from '../efp/index.js';
import { SMALL_DMAX } from '../efp/catalog.js';
import { observables } from '../jss/observables.js';
import { rows } from './parse.js';
import type { ServeOp } from './server.js';

/** Longest list any option may hold (1000 tauBeta values once froze the service for 27 s). */
export const MAX_OPTION_LIST = 16;
/** Longest columns list of /v1/observables. */
export const MAX_COLUMNS = 64;

/** Unknown option keys are a 400, as the CLI and the queue refuse unknown flags and fields. */
export function knownKeys(o: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length) throw new JetlensInputError(`unknown option(s) ${extra.join(', ')} (allowed: ${allowed.join(', ')})`);
}

/** Reads an optional list of numbers from request options, with a 400-style error naming the field. */
export function numbers(o: Record<string, unknown>, key: string, max = MAX_OPTION_LIST): number[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  const list = Array.isArray(v) ? v : [v];
  if (!list.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new JetlensInputError(`options.${key} must be a number or a list of numbers`);
  if (list.length > max) throw new JetlensInputError(`options.${key} has ${list.length} values, at most ${max} per request`);
  return list as number[];
}

export function strings(o: Record<string, unknown>, key: string, max = MAX_OPTION_LIST): string[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new JetlensInputError(`options.${key} must be a list of strings`);
  if (v.length > max) throw new JetlensInputError(`options.${key} has ${v.length} entries, at most ${max} per request`);
  return v as string[];
}

const OBS_KEYS = ['columns', 'betas', 'tauBeta'] as const;
const EFP_KEYS = ['select', 'measure', 'kappa', 'beta', 'normed'] as const;

/** POST /v1/observables {jets, options: {columns?, betas?, tauBeta?}} -> {columns, values: {name: [per jet]}} */
const observablesOp: ServeOp = async (jets, o, signal) => {
  knownKeys(o, OBS_KEYS);
  const r = await observables(jets, { columns: strings(o, 'columns', MAX_COLUMNS), betas: numbers(o, 'betas'), tauBeta: numbers(o, 'tauBeta'), threads: 1, signal });
  return { jets: jets.length, columns: r.columns, values: r.values };
};

const MAX_EFP_COLUMNS = 1000;
const efpSets = new Map<string, EFPSet>();

/** POST /v1/efp {jets, options: {select?: 'd<=5', measure?, kappa?, beta?, normed?}} -> {columns: [{edges, spec}], values: [[per EFP] per jet]} */
const efpOp: ServeOp = async (jets, o, signal) => {
  knownKeys(o, EFP_KEYS);
  const select = o.select ?? 'd<=3';
  if (typeof select === 'string' && select.length > 200) throw new JetlensInputError('options.select: at most 200 characters');
  for (const k of ['kappa', 'beta'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'number' && !(k === 'kappa' && o[k] === 'pf')) throw new JetlensInputError(`options.${k} must be a number${k === 'kappa' ? " or 'pf'" : ''}`);
  }
  if (typeof select !== 'string') throw new JetlensInputError('options.select must be a selection string such as "d<=5"');
  const key = JSON.stringify([select, o.measure, o.kappa, o.beta, o.normed]);
  let set = efpSets.get(key);
  if (!set) {
    // Count before building: planning thousands of graphs would hold the event loop.
    const sel = parseSelection(select);
    // Only the catalogue prefix the selection can reach: a d<=7 selection never reads the d<=10 file (~0.4 s).
    const n = sel.kind === 'catalog' ? defaultCatalog(sel.dmax).graphs.filter((g) => sel.predicate(g.spec)).length : sel.graphs.length;
    if (n > MAX_EFP_COLUMNS) throw new JetlensInputError(`options.select gives ${n} EFPs; at most ${MAX_EFP_COLUMNS} per request`);
    set = new EFPSet(select, { measure: o.measure as never, kappa: o.kappa as never, beta: o.beta as never, normed: o.normed as never });
    if (efpSets.size > 64) efpSets.clear(); // bounded cache
    efpSets.set(key, set);
  }
  const flat = await set.batchCompute(jets, { threads: 1, signal });
  const K = set.length;
  return {
    jets: jets.length,
    columns: set.columns.map((c) => ({ edges: c.edges, ...c.spec })),
    values: rows(flat, K), // [[per EFP] per jet], written as JSON in the parse worker
  };
};

/**
 * Loads, before the first request, the small d <= 7 catalogue prefix that almost every selection needs (~2 ms).
 * The full d <= 10 catalogue is read only by the first request whose selection reaches past d = 7, then cached.
 */
export function warmUp(): void {
  defaultCatalog(SMALL_DMAX);
}

/** The service's ops (a null-prototype table: only these names route). */
export const defaultOps: Record<string, ServeOp> = Object.assign(Object.create(null) as Record<string, ServeOp>, { observables: observablesOp, efp: efpOp });
