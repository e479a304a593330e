// The `jetlens efp` entry (its `bundle` in commands.ts) that scripts/bundle-cli.js bundles, with commander, into one
// file, efp-main.bundle.js: Node's ES module loader costs about a quarter of the instructions of a small run that
// loads its ~50 modules one by one, and a process per shard or per small file pays it each time (bench/README.md,
// "Wave 5 re-runs"). Same program, same commands (efp, efp-graphs) as the unbundled path; src/cli/index.ts picks it
// only when it is newer than this file's build.
import { run } from './main.js';
import { register } from './efp.js';

await run([register]);
