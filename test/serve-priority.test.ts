// #24 item 3 / #20 item 4: the service's background threads (native kernel threads, parse/answer workers) lower their
// own OS priority so that the event loop wins the CPU; the event loop itself and the CLI's batch path keep theirs.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { loadNative } from '../src/backend/native.js';

const native = loadNative();
const dist = join(import.meta.dirname, '..', 'dist');
const linux = process.platform === 'linux';
// The process's nice value (the main thread's): a run under `nice -n 19` can go no lower, and the checks
// then only show that nothing went wrong.
const base = getPriority(process.pid);
if (base + 5 > 19) t.comment(`this process runs at nice ${base}: lowering by 5 is capped at 19`);

t.test('native kernel threads take the process nice + setKernelNice(n); 0 leaves them alone', { skip: native?.selfTestThreadNice && linux ? false : 'needs the addon on Linux' }, async (t) => {
  t.teardown(() => native!.setKernelNice(0));
  t.equal(native!.setKernelNice(5), 5);
  t.same(await native!.selfTestThreadNice({ threads: 3 }), [1, 2, 3].map(() => Math.min(19, base + 5)), 'each of 3 kernel threads lowered itself');
  t.equal(getPriority(0), base, 'the calling (event-loop) thread keeps its priority');
  native!.setKernelNice(0);
  t.same(await native!.selfTestThreadNice({ threads: 2 }), [base, base], 'kernel nice 0: the batch path is unchanged');
  t.throws(() => native!.setKernelNice(20), /0\.\.19/);
  t.throws(() => native!.setKernelNice(-1), /0\.\.19/);
});

const priorityJs = join(dist, 'serve', 'priority.js');
t.test('a worker thread lowers only itself (Linux: nice is per thread)', { skip: !linux ? 'Linux only' : existsSync(priorityJs) ? false : 'dist/ not built' }, async (t) => {
  // The compiled module in a plain worker (no TypeScript loader: it starts in milliseconds, not seconds).
  const code = `const { parentPort } = require('node:worker_threads'); import(${JSON.stringify(pathToFileURL(priorityJs).href)})
    .then((m) => { m.lowerThisThread(5); parentPort.postMessage(require('node:os').getPriority(0)); });`;
  const w = new Worker(code, { eval: true, execArgv: [] });
  const seen = await new Promise<number>((ok, fail) => { w.once('message', ok); w.once('error', fail); });
  await w.terminate();
  t.equal(seen, Math.min(19, base + 5), 'the worker thread');
  t.equal(getPriority(0), base, 'the main thread is unchanged');
});

const cli = join(dist, 'cli', 'index.js');
t.test('jetlens serve --kernel-nice: 0-19', { skip: existsSync(cli) ? false : 'dist/ not built' }, async (t) => {
  const r = spawnSync(process.execPath, [cli, 'serve', '--port', '0', '--kernel-nice', '20'], { encoding: 'utf8', timeout: 30000 });
  t.not(r.status, 0);
  t.match(r.stderr, /--kernel-nice: expected an integer 0-19, got '20'/);
  const w = spawnSync(process.execPath, [cli, 'serve', '--port', '0', '--worker-nice', '-1'], { encoding: 'utf8', timeout: 30000 });
  t.not(w.status, 0);
  t.match(w.stderr, /--worker-nice/);
});
