/**
 * Request bodies -> validated jets, and results -> JSON text. Pure functions, run in the parse worker (so a large
 * body never holds the event loop) or inline for small bodies.
 */
import { JetlensInputError } from '../errors.js';
import { JetBatch } from '../jets/batch.js';

export interface ParseLimits {
  maxJets: number;
  maxParticles: number;
  /** Particles in any one jet (per-jet scratch is O(M^2) or more). */
  maxParticlesPerJet: number;
}

/** What crosses from the parser to the server: CSR arrays (transferable) and the options object. */
export interface ParsedRequest {
  offsets: Uint32Array;
  pt: Float64Array;
  y: Float64Array;
  phi: Float64Array;
  pid?: Float64Array;
  mass?: Float64Array;
  options: Record<string, unknown>;
}

/** A client error with its HTTP status, as plain data (it crosses the worker boundary). */
export class RequestError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Parses and validates one body: structure and limits first, then the numbers (JetBatch validation). */
export function parseRequest(body: string, limits: ParseLimits): ParsedRequest {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch (e) {
    throw new RequestError(400, `body is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new RequestError(400, 'body must be an object {"jets": [[[pt, y, phi], ...], ...], "options": {...}}');
  const extra = Object.keys(v).filter((k) => k !== 'jets' && k !== 'options');
  if (extra.length) throw new RequestError(400, `unknown body field(s) ${extra.join(', ')} (expected jets, options)`);
  const { jets, options = {} } = v as { jets?: unknown; options?: unknown };
  if (!Array.isArray(jets)) throw new RequestError(400, '"jets" must be an array of jets');
  if (jets.length > limits.maxJets) throw new RequestError(400, `too many jets: ${jets.length} > ${limits.maxJets} per request`);
  let particles = 0;
  for (let j = 0; j < jets.length; j++) {
    const jet = jets[j];
    if (!Array.isArray(jet)) throw new RequestError(400, `jets[${j}] must be an array of particles`);
    particles += jet.length;
    if (particles > limits.maxParticles) throw new RequestError(400, `too many particles: more than ${limits.maxParticles} per request`);
    if (jet.length > limits.maxParticlesPerJet) throw new RequestError(400, `jets[${j}] has ${jet.length} particles, more than ${limits.maxParticlesPerJet} per jet`);
    for (let i = 0; i < jet.length; i++) {
      const p = jet[i];
      if (!Array.isArray(p) || (p.length !== 3 && p.length !== 4) || !p.every((x) => typeof x === 'number')) {
        throw new RequestError(400, `jets[${j}][${i}] must be [pt, y, phi] or [pt, y, phi, pid] numbers`);
      }
    }
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new RequestError(400, '"options" must be an object');
  let b: JetBatch;
  try {
    b = JetBatch.fromNested(jets as number[][][], { file: 'request' });
  } catch (e) {
    if (e instanceof JetlensInputError) throw new RequestError(400, e.message);
    throw e;
  }
  return { offsets: b.offsets, pt: b.pt, y: b.y, phi: b.phi, pid: b.pid, mass: b.mass, options: options as Record<string, unknown> };
}

/** Marks a flat row-major array to be written as nested rows ([[...], ...]) in the JSON answer. */
export interface Rows {
  rows: Float64Array;
  cols: number;
}
export const rows = (data: Float64Array, cols: number): Rows => ({ rows: data, cols });

/** JSON text of a result: typed arrays as lists, `Rows` as lists of lists. */
export function stringifyResult(body: unknown): string {
  return JSON.stringify(body, (_k, v) => {
    if (v && typeof v === 'object' && 'rows' in v && 'cols' in v && ArrayBuffer.isView((v as Rows).rows)) {
      const r = v as Rows;
      const n = r.cols > 0 ? r.rows.length / r.cols : 0;
      return Array.from({ length: n }, (_, j) => Array.from(r.rows.subarray(j * r.cols, (j + 1) * r.cols)));
    }
    return ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v;
  });
}
