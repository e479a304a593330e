// Every CLI command registers itself here: one file per command in src/cli/.
import type { Register } from './util.js';
import { register as efp } from './efp.js';
import { register as generate } from './generate.js';
import { register as info } from './info.js';
import { register as shards } from './shards.js';

export const commands: Register[] = [
  efp,
  generate,
  info,
  shards,
];
