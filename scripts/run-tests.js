// `npm test`: runs the default tap suite and ends with the plain line "N passed, N failed" that CI reads.
// Extra arguments go to tap (e.g. `npm test -- test/efp*.test.ts`). JETLENS_SLOW=1 opts into the slow suite.
// JETLENS_TEST_CPU=times.json: also measures the CPU-seconds of each test file (its process and every Node process
// under it; scripts/test-cpu-hook.js), prints the slowest and writes them all to that file.
const { spawn } = require('child_process');
const path = require('path');
const cpu = require('./test-cpu.js');

const root = path.join(__dirname, '..');
const tap = path.join(root, 'node_modules', '.bin', 'tap');
const args = process.argv.slice(2);
const files = args.length ? args : ['test/'];

// The whole suite (no file arguments) first lints and type-checks src/ and test/ (JETLENS_NO_LINT=1 skips).
const checks = [
  ['eslint', [path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.']],
  ['tsc (tests)', [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.test.json']],
];
const cpuOut = process.env.JETLENS_TEST_CPU;
const env = { ...process.env, ...(cpuOut ? cpu.env(cpuOut) : {}) };
let checkFailures = 0;

/** Runs one check with its output captured (the two run at once on two cores; their output is printed in order). */
function runCheck(cmd) {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, cmd, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.on('close', (status) => resolve({ status, out }));
  });
}

async function lintAndTypecheck() {
  if (args.length || process.env.JETLENS_NO_LINT === '1') return;
  const results = await Promise.all(checks.map(([, cmd]) => runCheck(cmd)));
  checks.forEach(([name], i) => {
    const r = results[i];
    process.stdout.write(r.out);
    console.log(r.status === 0 ? `ok - ${name}` : `not ok - ${name} (exit ${r.status})`);
    if (r.status !== 0) checkFailures++;
  });
}

function runTap() {
  const child = spawn(tap, ['--reporter=tap', '--jobs=2', ...files], {
    cwd: root,
    env: { ...env, OMP_WAIT_POLICY: 'passive' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let tail = '';
  child.stdout.on('data', (d) => {
    process.stdout.write(d);
    tail = (tail + d.toString()).slice(-4000);
  });
  child.on('close', (code) => summary(code, tail));
}

function summary(code, tail) {
  // tap's last summary looks like: # { total: 37, pass: 35, fail: 2, skip: 1 }
  const m = [...tail.matchAll(/#\s*\{([^}]*)\}/g)].pop();
  const field = (k) => (m ? Number((m[1].match(new RegExp(`${k}:\\s*(\\d+)`)) || [0, 0])[1]) : 0);
  const pass = field('pass');
  let fail = field('fail') + checkFailures;
  if (code !== 0 && fail === 0) fail = 1; // a crash or timeout counts as a failure
  const skip = field('skip') + field('todo');
  if (cpuOut) cpu.report(cpuOut, root);
  console.log(`${pass} passed, ${fail} failed${skip ? `, ${skip} skipped` : ''}`);
  process.exit(code === null ? 1 : code || (checkFailures ? 1 : 0));
}

lintAndTypecheck().then(runTap);
