// Preloaded (node --require) into every Node process of a test run when `npm test` runs with JETLENS_TEST_CPU:
// on exit, appends the process's own CPU time (all its threads and worker threads: getrusage) and argv to the log
// that scripts/run-tests.js then adds up per test file. Processes killed by a signal and non-Node children (redis,
// bash) are not counted.
const { appendFileSync } = require('fs');
const { isMainThread } = require('worker_threads');

const log = process.env.JETLENS_TEST_CPU_LOG;
if (log && isMainThread) {
  process.on('exit', () => {
    const c = process.cpuUsage();
    const rec = { pid: process.pid, ppid: process.ppid, argv: process.argv.slice(1), cpu: (c.user + c.system) / 1e6, wall: process.uptime() };
    try {
      appendFileSync(log, JSON.stringify(rec) + '\n');
    } catch {
      // the log is a measurement aid: never fail a test because of it
    }
  });
}
