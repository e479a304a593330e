// Per-file CPU-seconds of a test run (`JETLENS_TEST_CPU=times.json npm test`): every Node process of the run loads
// scripts/test-cpu-hook.js, which logs its own CPU time on exit; report() charges each process to the test file it
// runs under (the nearest ancestor whose arguments name a test/*.test.ts file) and writes the totals.
const fs = require('fs');
const path = require('path');

/** The environment that makes every Node process of the run log its CPU time to `out`.log. */
function env(out) {
  const log = path.resolve(`${out}.log`);
  fs.rmSync(log, { force: true });
  const hook = path.join(__dirname, 'test-cpu-hook.js');
  return { JETLENS_TEST_CPU_LOG: log, NODE_OPTIONS: `${process.env.NODE_OPTIONS || ''} --require ${JSON.stringify(hook)}`.trim() };
}

/** What a process is: a test file, or a check (eslint, tsc) run before tap, or the runner itself. */
function nameOf(rec, root) {
  let script = rec.argv[0] || 'node';
  if (/\.test\.[cm]?[jt]s$/.test(script)) {
    // tap runs each file as node FILE; an emitted dist-test/x.test.js is charged to its source test/x.test.ts
    const rel = path.relative(root, path.resolve(root, script));
    return rel.startsWith(`dist-test${path.sep}`) ? path.join('test', rel.slice(10)).replace(/\.js$/, '.ts') : rel;
  }
  script = path.basename(script);
  return /eslint|tsc|build-tests/.test(script) ? `(check) ${script}` : undefined;
}

/** Adds up the log per test file, prints the ten slowest and the total, writes {files, totalCpu} to `out`. */
function report(out, root) {
  const log = `${path.resolve(out)}.log`;
  const recs = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  const byPid = new Map(recs.map((r) => [r.pid, r]));
  const files = {};
  for (const r of recs) {
    let owner = r;
    let name = nameOf(r, root);
    // A child (CLI run, worker process) is charged to the test file above it.
    for (let hops = 0; !name && owner && hops < 20; hops++) {
      owner = byPid.get(owner.ppid);
      if (owner) name = nameOf(owner, root);
    }
    // A process under a non-Node parent (`bash -c 'node cli ...'`) breaks the chain: its recorded ancestors, or
    // tap's id of the test file in its environment, still name the file.
    for (const pid of r.up || []) {
      if (name) break;
      const a = byPid.get(pid);
      if (a) name = nameOf(a, root);
    }
    if (!name && r.file) name = nameOf({ argv: [r.file] }, root);
    name = name || '(runner and other)';
    const e = (files[name] = files[name] || { cpu: 0, wall: 0, processes: 0 });
    e.cpu += r.cpu;
    e.processes++;
    if (owner === r || !owner) e.wall = Math.max(e.wall, r.wall);
  }
  const rows = Object.entries(files).sort((a, b) => b[1].cpu - a[1].cpu);
  const totalCpu = rows.reduce((s, [, e]) => s + e.cpu, 0);
  console.log(`# CPU-seconds per test file (JETLENS_TEST_CPU; load average ${require('os').loadavg().map((v) => v.toFixed(1)).join(' ')}):`);
  for (const [name, e] of rows.slice(0, 10)) console.log(`#   ${e.cpu.toFixed(1).padStart(7)} s CPU  ${e.wall.toFixed(1).padStart(6)} s wall  ${name}`);
  console.log(`#   ${totalCpu.toFixed(1).padStart(7)} s CPU in all (${recs.length} Node processes, ${rows.length} files)`);
  fs.writeFileSync(out, JSON.stringify({ totalCpu, files: Object.fromEntries(rows) }, null, 1) + '\n');
  if (!process.env.JETLENS_TEST_CPU_KEEP_LOG) fs.rmSync(log, { force: true });
}

module.exports = { env, report };
