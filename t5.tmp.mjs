import { readJets } from './dist/io/index.js';
import { EFPSet } from './dist/efp/efpset.js';
let t0 = performance.now();
const b = await readJets('/tmp/shb/m34.npz');
let t1 = performance.now();
const set = new EFPSet('d<=5');
let t2 = performance.now();
console.log({ read: (t1 - t0) / 1e3, set: (t2 - t1) / 1e3, n: b.length, cols: set.length });
for (const threads of [1, 2, 1, 2]) {
  const t3 = performance.now();
  await set.batchCompute(b, { threads });
  console.log(threads, ((performance.now() - t3) / 1e3).toFixed(2));
}
