// Deterministic cost of the native EFP kernel (instructions, no timing noise): d<=5 on N jets of M particles (the
// jets of bench/e2e-efp.mjs), one thread, meant to run under callgrind with collection limited to the kernel's jobs.
// Usage: npm run build && valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*EfpCompute*' \
//          --callgrind-out-file=/tmp/cg.out node bench/efp-cg.mjs [n=500] [m=50] && callgrind_annotate /tmp/cg.out | head -30
// Per jet: (I(n2) - I(n1)) / (n2 - n1) from two sizes cancels the small fixed cost of a call (I(n) / n is within 1%
// at n = 200). A checkout's own copy of this file measures that checkout's addon, so two builds compare exactly,
// whatever the load.
import { EFPSet, JetBatch } from '../dist/index.js';
import { jets } from './e2e-lib.mjs';

const n = Number(process.argv[2] ?? 500);
const m = Number(process.argv[3] ?? 50);
const set = new EFPSet('d<=5');
const batch = JetBatch.fromPadded(jets(n, m, 2), [n, m, 4]);
await set.batchCompute(batch, { threads: 1, backend: 'native' });
