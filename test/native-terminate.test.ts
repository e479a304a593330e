// A worker thread terminated while one of its native calls runs must not abort the process. Node finishes the
// native work, then completes it in the worker's stopping environment, where the promise can no longer be settled;
// without NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS (binding.gyp) node-addon-api turned that into FATAL ERROR + SIGABRT
// (seen when the service replaced a worker whose request ran past its time limit).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const worker = `
import { parentPort } from 'node:worker_threads';
const { EFPSet } = await import(${JSON.stringify(join(root, 'dist/efp/efpset.js'))});
const { JetBatch } = await import(${JSON.stringify(join(root, 'dist/jets/batch.js'))});
const n = 200, m = 60, a = new Float64Array(n * m * 3);
for (let i = 0; i < n * m; i++) { a[3 * i] = 1 + (i % 7); a[3 * i + 1] = ((i * 0.37) % 1) - 0.5; a[3 * i + 2] = ((i * 0.61) % 1) - 0.5; }
const jets = JetBatch.fromPadded(a, [n, m, 3]);
const set = new EFPSet('d<=7');
const p = set.batchCompute(jets, { threads: 1 });
parentPort.postMessage('started');
await p;
parentPort.postMessage('finished');
`;
const main = `
import { Worker } from 'node:worker_threads';
const w = new Worker(${JSON.stringify(worker)}, { eval: true, type: 'module' });
w.on('message', (m) => { console.log(m); if (m === 'started') setTimeout(() => w.terminate().then(() => console.log('terminated')), 20); });
w.on('error', (e) => { console.log('error ' + e.message); process.exitCode = 3; });
`;

t.test('terminating a worker during a native call leaves the process running', async (t) => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', main], { encoding: 'utf8', timeout: 120_000 });
  t.equal(r.signal, null, `no signal (stderr: ${r.stderr.slice(0, 300)})`);
  t.equal(r.status, 0, 'exit 0');
  t.match(r.stdout, /started/, 'the native call was running');
  t.match(r.stdout, /terminated/, 'the worker was terminated');
  t.notMatch(r.stderr, /FATAL ERROR/, 'no fatal error');
});
