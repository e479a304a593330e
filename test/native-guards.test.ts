// Issue #24 item 3: native code never aborts the process. Exceptions in worker threads become located JS errors,
// scratch sized by the input is checked against JETLENS_MAX_SCRATCH_MB before it is allocated, and one huge jet is
// cancelled (time-limited) inside the jet.
import t from 'tap';
import { loadNative } from '../src/backend/native.js';
import { JetBatch } from '../src/jets/batch.js';
import { observables } from '../src/jss/observables.js';
import { EFPSet } from '../src/efp/index.js';

const native = loadNative();
const skip = native ? false : 'the native addon is not built (npm run build)';

/** One jet of m particles on a ring (distinct directions). */
function bigJet(m: number): JetBatch {
  const jet = Array.from({ length: m }, (_, i) => [1 + (i % 7), 0.5 * Math.sin(i), 0.5 * Math.cos(i * 1.3)]);
  return JetBatch.fromNested([[[1, 0, 0]], jet]);
}

t.test('an exception thrown in a native worker thread is a JS error naming the jet, not an abort', { skip }, async (t) => {
  for (const threads of [1, 2]) {
    await t.rejects(native!.selfTestThrow({ n: 100, threads, at: 37, kind: 'bad_alloc' }), { message: /jet 37: out of memory \(std::bad_alloc\)/ });
    await t.rejects(native!.selfTestThrow({ n: 100, threads, at: 5, kind: 'runtime' }), { message: /jet 5: boom/ });
    await t.resolves(native!.selfTestThrow({ n: 100, threads, at: 5, kind: 'cancel' }), 'Cancelled stops the loop quietly');
  }
});

t.test('observables: a 10^5-particle jet is refused before its M x M scratch is allocated', { skip }, async (t) => {
  const jets = bigJet(100_000);
  await t.rejects(observables(jets, { backend: 'native', threads: 1 }), {
    message: /observables: jet 1 \(100000 particles\) needs 152587 MB of scratch memory, above the limit of 4096 MB \(set JETLENS_MAX_SCRATCH_MB/,
  });
  process.env.JETLENS_MAX_SCRATCH_MB = '1';
  try {
    await t.rejects(observables(bigJet(300), { backend: 'native', threads: 1 }), /limit of 1 MB/, 'the limit is configurable');
    await t.rejects(new EFPSet('d<=3').batchCompute(bigJet(3000), { backend: 'native', threads: 1 }), /efp: the largest jet \(3000 particles\).*limit of 1 MB/);
  } finally {
    delete process.env.JETLENS_MAX_SCRATCH_MB;
  }
});

t.test('one huge jet is cancelled inside the jet: an abort after 100 ms ends a multi-second jet promptly', { skip }, async (t) => {
  const jets = bigJet(4000); // e3 at M = 4000: ~10^10 operations per beta, many seconds
  const ac = new AbortController();
  const t0 = performance.now();
  setTimeout(() => ac.abort(), 100);
  await t.rejects(observables(jets, { backend: 'native', threads: 1, signal: ac.signal, columns: ['c2_b1', 'd2_b2'] }), { name: 'AbortError' });
  const ms = performance.now() - t0;
  t.ok(ms < 5000, `answered ${ms.toFixed(0)} ms after start (the whole jet takes far longer)`);
});
