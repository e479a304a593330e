// Every CLI command registers itself here: one file per command in src/cli/.
import type { Register } from './util.js';
import { register as efp } from './efp.js';
import { register as ado } from './ado.js';
import { register as auc } from './auc.js';
import { register as generate } from './generate.js';
import { register as images } from './images.js';
import { register as info } from './info.js';
import { register as predict } from './predict.js';
import { register as observables } from './observables.js';
import { register as report } from './report.js';
import { register as serve } from './serve.js';
import { register as shards } from './shards.js';
import { register as study } from './study.js';
import { register as train } from './train.js';
import { register as semd } from './semd.js';
import { register as knn } from './knn.js';
import { register as smear } from './smear.js';
import { register as nnScaling } from './nn-scaling.js';
import { register as worker } from './worker.js';
import { register as uncertainty } from './uncertainty.js';

export const commands: Register[] = [
  study,
  efp,
  generate,
  info,
  observables,
  images,
  report,
  shards,
  serve,
  train,
  predict,
  auc,
  ado,
  semd,
  knn,
  smear,
  nnScaling,
  worker,
  uncertainty,
];
