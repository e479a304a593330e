/** Where a bad value was found. Every field is optional: fill what is known. */
export interface InputLocation {
  file?: string;
  jet?: number;
  particle?: number;
  field?: string;
}

/**
 * Bad input (a value, a shape, a file). The message names the problem and where it is, e.g.
 * `t.npz: jet 12, particle 3, field pt: negative pT (-1.5)`.
 */
export class JetlensInputError extends Error {
  readonly location: InputLocation;
  /** The message without the location prefix (front ends re-label it with their flag or field name). */
  readonly problem: string;
  constructor(problem: string, location: InputLocation = {}) {
    super(formatLocation(location) + problem);
    this.name = 'JetlensInputError';
    this.location = location;
    this.problem = problem;
  }
}

function formatLocation(l: InputLocation): string {
  const parts: string[] = [];
  if (l.jet !== undefined) parts.push(`jet ${l.jet}`);
  if (l.particle !== undefined) parts.push(`particle ${l.particle}`);
  if (l.field !== undefined) parts.push(`field ${l.field}`);
  const where = parts.join(', ');
  if (l.file && where) return `${l.file}: ${where}: `;
  if (l.file) return `${l.file}: `;
  return where ? `${where}: ` : '';
}

/** Thrown when a long run is stopped through its AbortSignal. */
export class JetlensAbortError extends Error {
  constructor(what = 'operation') {
    super(`${what} aborted`);
    this.name = 'AbortError';
  }
}
