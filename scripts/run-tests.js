// `npm test`: runs the default tap suite and ends with the plain line "N passed, N failed" that CI reads.
// Test files as arguments run just those (`npm test -- test/efp*.test.ts`); with any option (`--grep=x`) the
// arguments go to tap's own runner instead (scripts/test-runner.js says why the suite has its own).
// JETLENS_SLOW=1 opts into the slow suite; JETLENS_TEST_RUNNER=tap runs everything through tap's runner.
// JETLENS_TEST_CPU=times.json: also measures the CPU-seconds of each test file (its process and every Node process
// under it; scripts/test-cpu-hook.js), prints the slowest and writes them all to that file.
//
// The tests are compiled once per run, not once per test process: scripts/build-tests.js type-checks src/ and test/
// and emits test/*.test.ts to dist-test/*.test.js (imports of src/ load the compiled dist/), which then run with
// source maps (stack traces name the .ts lines). A test/foo.test.ts argument runs dist-test/foo.test.js after that
// build, so edits are always picked up; dist/ is rebuilt first when a src/ file is newer than its output.
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const cpu = require('./test-cpu.js');
const { countsOf, runTests } = require('./test-runner.js');

const root = path.join(__dirname, '..');
const tap = path.join(root, 'node_modules', '.bin', 'tap');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const testDir = path.join(root, 'test');
const outDir = path.join(root, 'dist-test');
const args = process.argv.slice(2);
const cpuOut = process.env.JETLENS_TEST_CPU;
const env = { ...process.env, ...(cpuOut ? cpu.env(cpuOut) : {}) };
// NODE_EXTRA_CA_CERTS makes every Node process parse that certificate file as it starts, before any code runs: with a
// system bundle (/etc/ssl/certs/ca-certificates.crt, ~140 certificates) ~90 ms of CPU per process (`node -e 0`: 0.13
// vs 0.04 CPU-s), paid by every test file and every CLI process a test starts. No test opens a TLS connection (test
// dependencies come from apt-get), so the tests run without it.
delete env.NODE_EXTRA_CA_CERTS;
let checkFailures = 0;

/** Every test file of the default suite (test/**\/*.test.ts, fixtures excluded), as emitted. */
function allTests(dir = testDir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : allTests(p);
    return /\.test\.ts$/.test(e.name) ? [emitted(p)] : [];
  }).sort();
}

/** test/a.test.ts -> dist-test/a.test.js (relative to the repository root, as tap prints it). */
const emitted = (file) => path.relative(root, path.join(outDir, path.relative(testDir, file)).replace(/\.ts$/, '.js'));

/** The tap arguments: test/*.ts files and the test/ folder become their emitted files; options pass through. */
function tapFiles() {
  const out = [];
  let files = 0;
  for (const a of args) {
    const abs = path.resolve(root, a);
    if (abs === testDir) {
      out.push(...allTests());
      files++;
    } else if (/\.[cm]?ts$/.test(a) && abs.startsWith(testDir + path.sep)) {
      out.push(emitted(abs));
      files++;
    } else {
      if (!a.startsWith('-') && fs.existsSync(abs)) files++;
      out.push(a);
    }
  }
  return files ? out : [...out, ...allTests()];
}

/** src/**\/*.ts files whose dist/ output is missing or older (an edit since the last `npm run build`). */
function staleDist(dir = path.join(root, 'src')) {
  return fs.readdirSync(dir, { withFileTypes: true }).some((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return staleDist(p);
    if (!/\.ts$/.test(e.name) || /\.d\.ts$/.test(e.name)) return false;
    const js = path.join(root, 'dist', path.relative(path.join(root, 'src'), p)).replace(/\.ts$/, '.js');
    try {
      return fs.statSync(js).mtimeMs < fs.statSync(p).mtimeMs;
    } catch {
      return true;
    }
  });
}

/** Runs one check with its output captured (they run at once on two cores; their output is printed in order). */
function runCheck(cmd) {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, cmd, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.on('close', (status) => resolve({ status, out }));
  });
}

/** Prints a check's output and its ok / not ok line; counts a failure. */
function reportCheck(name, r) {
  process.stdout.write(r.out);
  console.log(r.status === 0 ? `ok - ${name}` : `not ok - ${name} (exit ${r.status})`);
  if (r.status !== 0) checkFailures++;
}

/** Before the tests: the test build (type-check + emit), tap's build and dist/ when stale. */
async function prepare() {
  const checks = [
    ['tsc (src + tests) -> dist-test', [path.join(__dirname, 'build-tests.js')]],
    ['tap plugins as in package.json', [path.join(__dirname, 'ensure-tap-build.mjs')]],
  ];
  if (staleDist()) checks.push(['tsc -p tsconfig.json (src changed since the last build) -> dist', [tsc, '-p', 'tsconfig.json']]);
  const results = await Promise.all(checks.map(([, cmd]) => runCheck(cmd)));
  checks.forEach(([name], i) => reportCheck(name, results[i]));
}

/** eslint, for the whole suite (JETLENS_NO_LINT=1 skips it). Nothing waits for it: it runs beside the test build
 * and then beside the first test files (its ~20 CPU-s fill the core the single-threaded test build leaves idle);
 * its output and ok / not ok line come after the tests, before the summary, and its failure fails `npm test`. */
function startLint() {
  if (args.length || process.env.JETLENS_NO_LINT === '1') return null;
  return runCheck([path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.']);
}

/** tap's own runner: used when tap options are given (`npm test -- --grep=x test/a.test.ts`) or with
 * JETLENS_TEST_RUNNER=tap; otherwise scripts/test-runner.js runs the files (the same TAP and counts, without the
 * processinfo loader that tap's runner puts into every test process and every Node process under it). */
const useTap = process.env.JETLENS_TEST_RUNNER === 'tap' || args.some((a) => {
  const abs = path.resolve(root, a);
  return a.startsWith('-') || (abs !== testDir && !(fs.existsSync(abs) && fs.statSync(abs).isFile()) && !/\.[cm]?ts$/.test(a));
});

/** Runs the files with tap's runner; resolves with its exit code and the counts of its last summary line. */
function runTap() {
  const jobs = process.env.JETLENS_TEST_JOBS || '2';
  const child = spawn(tap, ['--reporter=tap', `--jobs=${jobs}`, ...tapFiles()], {
    cwd: root,
    env: { ...env, OMP_WAIT_POLICY: 'passive' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let tail = '';
  child.stdout.on('data', (d) => {
    process.stdout.write(d);
    tail = (tail + d.toString()).slice(-4000);
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, counts: countsOf(tail) || {} })));
}

/** Runs the files with scripts/test-runner.js; resolves as runTap does. */
async function runOwn() {
  const tapConfig = require(path.join(root, 'package.json')).tap || {};
  const { totals, code } = await runTests(tapFiles(), {
    root,
    jobs: Number(process.env.JETLENS_TEST_JOBS || 2),
    timeoutS: Number(tapConfig.timeout || 30),
    env: { ...env, OMP_WAIT_POLICY: 'passive' },
  });
  return { code, counts: totals };
}

/** `counts`: {pass, fail, skip, todo} as tap's summary line gives them (# { total: 37, pass: 35, fail: 2, skip: 1 }). */
function summary(code, counts) {
  const pass = counts.pass || 0;
  let fail = (counts.fail || 0) + checkFailures;
  if (code !== 0 && fail === 0) fail = 1; // a crash or timeout counts as a failure
  const skip = (counts.skip || 0) + (counts.todo || 0);
  if (cpuOut) cpu.report(cpuOut, root);
  console.log(`${pass} passed, ${fail} failed${skip ? `, ${skip} skipped` : ''}`);
  process.exit(code === null ? 1 : code || (checkFailures ? 1 : 0));
}

async function main() {
  const lint = startLint();
  await prepare();
  const { code, counts } = await (useTap ? runTap() : runOwn());
  if (lint) reportCheck('eslint', await lint);
  summary(code, counts);
}

main();
