// Every CLI command registers itself here: one file per command in src/cli/.
import { register as images } from './images.js';
import { register as info } from './info.js';
import { register as observables } from './observables.js';
import type { Register } from './util.js';

export const commands: Register[] = [info, observables, images];
