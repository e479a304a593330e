import { JetlensInputError } from '../errors.js';
import { defaultCatalog, EFPSet, parseSelection } from '../efp/index.js';
import { SMALL_DMAX } from '../efp/catalog.js';
import { resolveMeasure, type MeasureOptions } from '../efp/measure.js';
import { checkObservablesOptions, observables } from '../jss/observables.js';
import { checkKnownKeys, relabel } from '../util/validate.js';
import { rows } from './parse.js';
import { OPS_MODULE } from './pool.js';
import type { ServeOp } from './server.js';

/** Longest list any option may hold (1000 tauBeta values once froze the service for 27 s). */
export const MAX_OPTION_LIST = 16;
/** Longest columns list of /v1/observables. */
export const MAX_COLUMNS = 64;

/**
 * Runs a library validator; its JetlensInputError is re-labelled with the request field (`options.betas: ...`) and
 * answered 400 by the server. The service keeps no validation of its own, only its per-request limits.
 */
function library<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    throw relabel(e, (f) => (f === 'options' ? f : `options.${f}`));
  }
}

const OBS_KEYS = ['columns', 'betas', 'tauBeta', 'axes'] as const;
const EFP_KEYS = ['select', 'measure', 'kappa', 'beta', 'normed'] as const;

/** POST /v1/observables {jets, options: {columns?, betas?, tauBeta?, axes?}} -> {columns, values: {name: [per jet]}} */
const observablesOp: ServeOp = async (jets, o, signal) => {
  const opts = library(() => checkObservablesOptions(checkKnownKeys(o, OBS_KEYS), { maxList: MAX_OPTION_LIST, maxColumns: MAX_COLUMNS }));
  const r = await observables(jets, { ...opts, threads: 1, signal });
  return { jets: jets.length, columns: r.columns, values: r.values };
};

const MAX_EFP_COLUMNS = 1000;
const efpSets = new Map<string, EFPSet>();

/** POST /v1/efp {jets, options: {select?: 'd<=5', measure?, kappa?, beta?, normed?}} -> {columns: [{edges, spec}], values: [[per EFP] per jet]} */
const efpOp: ServeOp = async (jets, o, signal) => {
  library(() => checkKnownKeys(o, EFP_KEYS));
  const measure = library(() => resolveMeasure({ measure: o.measure, kappa: o.kappa, beta: o.beta, normed: o.normed } as MeasureOptions));
  const select = o.select ?? 'd<=3';
  if (typeof select !== 'string') throw new JetlensInputError('options.select must be a selection string such as "d<=5"');
  if (select.length > 200) throw new JetlensInputError('options.select: at most 200 characters');
  const key = JSON.stringify([select, measure]);
  let set = efpSets.get(key);
  if (!set) {
    // Count before building: planning thousands of graphs would hold the event loop.
    const sel = parseSelection(select);
    // Only the catalogue prefix the selection can reach: a d<=7 selection never reads the d<=10 file (~0.4 s).
    const n = sel.kind === 'catalog' ? defaultCatalog(sel.dmax).graphs.filter((g) => sel.predicate(g.spec)).length : sel.graphs.length;
    if (n > MAX_EFP_COLUMNS) throw new JetlensInputError(`options.select gives ${n} EFPs; at most ${MAX_EFP_COLUMNS} per request`);
    set = new EFPSet(select, measure);
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
// The service's workers load this module and run these ops there (the event loop only frames HTTP).
Object.defineProperty(defaultOps, OPS_MODULE, { value: { url: import.meta.url, name: 'defaultOps' } });
