import { JetlensInputError } from '../../errors.js';
import { MODEL_KINDS, type ModelKind } from '../../models/index.js';
import type { ScanConfig } from './bootstrap.js';

/** What a configuration of a systematic scan may set; the rest comes from the command's defaults. */
const KEYS = ['name', 'model', 'seed', 'hidden', 'phiSizes', 'latent', 'order', 'lipschitz', 'epochs', 'batchSize', 'lr'] as const;

export interface ScanDefaults {
  epochs: number;
  batchSize: number;
  lr: number;
}

/**
 * Configurations for `uncertainty scan` from JSON: a list of objects such as
 * `{"name": "wide", "model": "dnn", "hidden": [200, 200, 200], "seed": 1, "epochs": 20, "lr": 0.0003}`.
 * Every entry is checked (unknown keys, kinds, sizes) before anything trains; names must be unique.
 */
export function parseScanConfigs(json: unknown, defaults: ScanDefaults, file = '<configs>'): ScanConfig[] {
  const fail = (i: number | null, what: string): never => {
    throw new JetlensInputError(i === null ? what : `configuration ${i}: ${what}`, { file });
  };
  if (!Array.isArray(json) || json.length === 0) fail(null, 'expected a non-empty JSON list of configurations [{"model": "dnn", ...}, ...]');
  const names = new Set<string>();
  return (json as unknown[]).map((c, i): ScanConfig => {
    if (typeof c !== 'object' || c === null || Array.isArray(c)) return fail(i, 'expected an object');
    const o = c as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => !(KEYS as readonly string[]).includes(k));
    if (extra.length) fail(i, `unknown key(s) ${extra.join(', ')} (allowed: ${KEYS.join(', ')})`);
    const kinds: readonly ModelKind[] = MODEL_KINDS.filter((k) => k !== 'cnn');
    if (!kinds.includes(o.model as ModelKind)) fail(i, `"model" must be one of ${kinds.join(', ')}, got ${JSON.stringify(o.model)}`);
    const int = (k: string, min: number) => {
      if (o[k] === undefined) return undefined;
      if (!Number.isInteger(o[k]) || (o[k] as number) < min) fail(i, `"${k}" must be an integer >= ${min}, got ${JSON.stringify(o[k])}`);
      return o[k] as number;
    };
    const positive = (k: string) => {
      if (o[k] === undefined) return undefined;
      if (typeof o[k] !== 'number' || !((o[k] as number) > 0) || !Number.isFinite(o[k])) fail(i, `"${k}" must be a number > 0, got ${JSON.stringify(o[k])}`);
      return o[k] as number;
    };
    const sizes = (k: string) => {
      if (o[k] === undefined) return undefined;
      const v = o[k];
      if (!Array.isArray(v) || v.length === 0 || !v.every((x) => Number.isInteger(x) && x > 0)) fail(i, `"${k}" must be a list of positive integers, got ${JSON.stringify(v)}`);
      return v as number[];
    };
    const name = o.name === undefined ? `config-${i}` : typeof o.name === 'string' && o.name.trim() ? o.name.trim() : fail(i, '"name" must be a non-empty string');
    if (names.has(name)) fail(i, `name '${name}' is used twice`);
    names.add(name);
    const modelOptions = { seed: int('seed', 0) ?? 0, hidden: sizes('hidden'), phiSizes: sizes('phiSizes'), latent: int('latent', 1), order: int('order', 1), lipschitz: positive('lipschitz') };
    const trainOptions = { epochs: int('epochs', 1) ?? defaults.epochs, batchSize: int('batchSize', 1) ?? defaults.batchSize, lr: positive('lr') ?? defaults.lr };
    const drop = <T extends object>(x: T) => Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)) as T;
    return { name, kind: o.model as ModelKind, modelOptions: drop(modelOptions), trainOptions };
  });
}
