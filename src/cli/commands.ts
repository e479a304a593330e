// Every CLI command registers itself here: one file per command in src/cli/.
import { register as ado } from './ado.js';
import { register as auc } from './auc.js';
import { register as info } from './info.js';
import type { Register } from './util.js';

export const commands: Register[] = [info, auc, ado];
