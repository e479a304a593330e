// Preloaded (node --require) into every Node process of a test run when `npm test` runs with JETLENS_TEST_CPU:
// on exit, appends the process's own CPU time (all its threads and worker threads: getrusage) and argv to the log
// that scripts/run-tests.js then adds up per test file. Processes killed by a signal and non-Node children (redis,
// bash) are not counted.
const { appendFileSync } = require('fs');
const { isMainThread } = require('worker_threads');

const log = process.env.JETLENS_TEST_CPU_LOG;

/** pid's parent, grandparent, ... (Linux /proc; empty elsewhere). */
function ancestors(pid) {
  const out = [pid];
  for (let i = 0; i < 12 && pid > 1; i++) {
    try {
      const stat = require('fs').readFileSync(`/proc/${pid}/stat`, 'utf8');
      pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.push(pid);
    } catch {
      break;
    }
  }
  return out;
}
if (log && isMainThread) {
  process.on('exit', () => {
    const c = process.cpuUsage();
    // the test file (JETLENS_TEST_FILE from scripts/test-runner.js, or tap's id when tap runs it; inherited
    // through a shell unless a test replaces the environment) and the ancestor pids (through non-Node parents such
    // as `sh -c`), so that test-cpu.js finds the test file above
    const file = process.env.JETLENS_TEST_FILE || process.env._TAPJS_PROCESSINFO_EXTERNAL_ID_;
    const rec = { pid: process.pid, ppid: process.ppid, argv: process.argv.slice(1), cpu: (c.user + c.system) / 1e6, wall: process.uptime(), file, up: ancestors(process.ppid) };
    try {
      appendFileSync(log, JSON.stringify(rec) + '\n');
    } catch {
      // the log is a measurement aid: never fail a test because of it
    }
  });
}
