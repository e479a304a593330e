// Every CLI command registers itself here: one file per command in src/cli/.
import { register as info } from './info.js';
import { register as knn } from './knn.js';
import { register as nnScaling } from './nn-scaling.js';
import { register as semd } from './semd.js';
import { register as shards } from './shards.js';
import { register as smear } from './smear.js';
import type { Register } from './util.js';

export const commands: Register[] = [info, shards, semd, knn, smear, nnScaling];
