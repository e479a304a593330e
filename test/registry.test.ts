// The typed kernel registry: every op has a reference kernel, a kernel registers once, a missing kernel is a clear
// error, 'brute' and 'gpujs' are never picked automatically, and every backend name has kernels.
import t from 'tap';
import '../src/backend/kernels.js';
import { BACKENDS, backendsFor, getKernel, registerKernel } from '../src/backend/dispatch.js';
import { OP_NAMES } from '../src/backend/kernel-names.js';
import { gpujsInstalled } from '../src/backend/gpujs.js';
import { referenceEfp } from '../src/efp/kernels.js';

t.test('every op has a reference kernel (the definition the tests compare against)', async (t) => {
  for (const op of OP_NAMES) t.ok(backendsFor(op).includes('reference'), `${op}: ${backendsFor(op).join(', ')}`);
});

t.test('every backend name has at least one kernel', async (t) => {
  for (const b of BACKENDS) {
    if (b === 'gpujs' && !gpujsInstalled()) continue;
    t.ok(OP_NAMES.some((op) => backendsFor(op).includes(b)), `${b} has kernels`);
  }
});

t.test('registering a kernel twice throws', async (t) => {
  t.throws(() => registerKernel('efp', 'reference', referenceEfp), /kernel 'efp' is already registered for backend 'reference'/);
});

t.test('a missing kernel or an unknown backend is a clear error', async (t) => {
  t.throws(() => getKernel('observables', 'gpujs'), /kernel 'observables' not registered for backend 'gpujs' \(available: .*reference/);
  t.throws(() => getKernel('efp', 'cuda'), /unknown backend 'cuda'/);
});

t.test('automatic choice: native, else reference; never brute or gpujs', async (t) => {
  const saved = process.env.JETLENS_BACKEND;
  t.teardown(() => {
    if (saved === undefined) delete process.env.JETLENS_BACKEND;
    else process.env.JETLENS_BACKEND = saved;
  });
  for (const env of [undefined, 'brute']) {
    if (env === undefined) delete process.env.JETLENS_BACKEND;
    else process.env.JETLENS_BACKEND = env;
    for (const op of OP_NAMES) {
      const { backend } = getKernel(op);
      t.equal(backend, backendsFor(op).includes('native') ? 'native' : 'reference', `${op} (JETLENS_BACKEND=${env ?? ''})`);
    }
  }
  t.equal(getKernel('efp', 'brute').backend, 'brute', 'brute only when asked for');
});
