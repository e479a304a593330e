// Every CLI command registers itself here: one file per command in src/cli/.
import type { Register } from './util.js';

export const commands: Register[] = [];
