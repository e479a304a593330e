// Every CLI command registers itself here: one file per command in src/cli/.
import { register as info } from './info.js';
import { register as shards } from './shards.js';
import type { Register } from './util.js';

export const commands: Register[] = [info, shards];
