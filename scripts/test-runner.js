// The suite's own file runner (scripts/run-tests.js uses it unless tap options are given, or
// JETLENS_TEST_RUNNER=tap): runs each emitted test file as `node --enable-source-maps FILE`, N at a time, and prints
// the same TAP stream and summary that `tap --reporter=tap` prints, with the same counts.
//
// Why not tap's runner: it starts every test file with `--import=@tapjs/processinfo/import` (there is no option to
// leave it out; coverage off does not), which registers an ESM loader thread that every module import of the test
// then passes through, plus a CommonJS require hook and a child_process hook that puts the same --import into every
// Node process a test spawns (CLI runs, `node -e`). Measured (01:06 UTC, load 6.9): dist-test/metrics-auc.test.js
// 1.30 CPU-s plain, 2.35 CPU-s with processinfo; `node -e 0` 0.12 vs 0.40 CPU-s. Coverage is disabled in
// package.json, so none of it is used. The test files themselves are plain tap tests: run alone, each prints its TAP
// and a final `# { total, pass, fail, skip, todo }` comment, which is what tap's runner adds up.
//
// Kept from tap's runner: the per-file timeout (package.json "tap".timeout seconds; a test's t.setTimeout(ms)
// extends it over the IPC channel, as with tap), SIGALRM then SIGKILL on timeout, a file that exits non-zero or is
// killed fails, a file that plans `1..0 # reason` counts as one skip, output of files run at once is buffered per
// file so it never interleaves, and stderr is passed through.
const { spawn } = require('child_process');
const path = require('path');

/** Files known to take the longest (CPU-s in a JETLENS_TEST_CPU run), started first so that no long file starts
 * last and leaves a core idle at the end. Only an order: a file missing here runs after these, alphabetically. */
const LONG_FIRST = [
  'guided-closure', 'shard-cli', 'efp-backends', 'semd-knn', 'models-lr', 'uncertainty-adversarial', 'report-browser',
];

/** The files in the order they start: the long ones first, then the rest as given. */
function ordered(files) {
  const rank = (f) => {
    const i = LONG_FIRST.indexOf(path.basename(f).replace(/\.test\.[cm]?js$/, ''));
    return i < 0 ? LONG_FIRST.length : i;
  };
  return files.map((f, i) => [rank(f), i, f]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((e) => e[2]);
}

/** The last top-level `# { total: 6, pass: 5, fail: 1 }` comment of a file's TAP output, as numbers. */
function countsOf(out) {
  const m = [...out.matchAll(/^# \{([^}\n]*)\}$/gm)].pop();
  if (!m) return null;
  const c = {};
  for (const [, k, v] of m[1].matchAll(/(\w+):\s*(\d+)/g)) c[k] = Number(v);
  return c;
}

/** Runs one test file; resolves with its captured stdout, exit code, signal, wall time and whether it timed out. */
function runFile(file, opts, jobId) {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const env = { ...opts.env, TAP: '1', TAP_TIMEOUT: String(opts.timeoutS), TAP_JOB_ID: String(jobId), TAP_BAIL: '0', TAP_CWD: opts.root, JETLENS_TEST_FILE: file };
    const child = spawn(process.execPath, ['--enable-source-maps', file], { cwd: opts.root, env, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let out = '';
    let timedOut = false;
    let timer;
    let killer;
    const arm = (ms) => {
      clearTimeout(timer);
      if (ms > 0) {
        timer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGALRM'); // tap's test process reports its pending handles on SIGALRM, then exits
          killer = setTimeout(() => {
            child.kill('SIGKILL');
            child.stdout.destroy(); // a grandchild that kept the pipe open must not keep the run waiting
          }, 1000);
        }, ms);
      }
    };
    arm(opts.timeoutS * 1000);
    child.on('message', (m) => {
      if (m && typeof m === 'object' && typeof m.setTimeout === 'number') arm(m.setTimeout);
    });
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killer);
      resolve({ file, out, code, signal, timedOut, ms: Number(process.hrtime.bigint() - start) / 1e6 });
    });
  });
}

/** Adds one file's result to the totals and prints it as tap's runner does (a subtest per file). */
function record(r, n, totals) {
  const c = countsOf(r.out) || {};
  const skipAll = /^1\.\.0(\s*#\s*(.*))?$/m.exec(r.out);
  let failed = (c.fail || 0) > 0;
  const broken = r.code !== 0 || r.signal || !countsOf(r.out);
  for (const k of ['total', 'pass', 'fail', 'skip', 'todo']) totals[k] += c[k] || 0;
  if (broken && !c.fail) {
    totals.total++;
    totals.fail++;
  }
  failed = failed || broken;
  let directive = '';
  if (!failed && skipAll && !c.total) {
    totals.total++;
    totals.skip++;
    directive = ` # SKIP ${skipAll[2] || 'no tests found'}`;
  }
  const body = r.out.replace(/\n$/, '').split('\n').map((l) => (l ? `    ${l}` : l)).join('\n');
  const why = r.timedOut ? ' (timeout)' : r.signal ? ` (signal ${r.signal})` : r.code ? ` (exit code ${r.code})` : '';
  process.stdout.write(`# Subtest: ${r.file}\n${body}\n${failed ? 'not ok' : 'ok'} ${n} - ${r.file}${why}${directive || ` # time=${r.ms.toFixed(3)}ms`}\n\n`);
}

/**
 * Runs `files` (paths relative to opts.root), opts.jobs at a time; prints the TAP stream and tap's summary comment;
 * resolves with the totals {total, pass, fail, skip, todo} and the exit code (1 when anything failed).
 */
async function runTests(files, opts) {
  const totals = { total: 0, pass: 0, fail: 0, skip: 0, todo: 0 };
  const queue = ordered(files);
  const start = Date.now();
  let n = 0;
  let failedFiles = 0;
  process.stdout.write('TAP version 14\n');
  const worker = async (jobId) => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const r = await runFile(file, opts, jobId);
      const before = totals.fail;
      record(r, ++n, totals);
      if (totals.fail > before) failedFiles++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs) }, (_, i) => worker(i)));
  const shown = Object.entries(totals).filter(([k, v]) => v || k === 'total' || k === 'pass');
  process.stdout.write(`1..${n}\n# { ${shown.map(([k, v]) => `${k}: ${v}`).join(', ')} }\n# time=${Date.now() - start}ms\n`);
  return { totals, code: failedFiles ? 1 : 0 };
}

module.exports = { runTests, countsOf, ordered };
