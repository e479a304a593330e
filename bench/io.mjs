// Read + validate + convert to a JetBatch, per input format, in MB/s of the file's bytes (issue #20.2), and the
// write of an (N, K) result. Stages are timed separately in the same process: read (file -> bytes, page cache
// warm), parse (bytes -> typed array: a view where the layout allows), convert (padded -> CSR JetBatch, validated).
//   npx tsc -p tsconfig.json && node bench/io.mjs [--jets 30000] [--m 50] [--reps 5] [--dir /tmp]
// Prints a table and a final line of JSON.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { readJets, writeNpy, writeNpz, parseNpy, parseNpz } from '../dist/io/index.js';
import { JetBatch } from '../dist/jets/batch.js';
import { Rng } from '../dist/util/rng.js';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const N = Number(arg('jets', '30000'));
const M = Number(arg('m', '50'));
const reps = Number(arg('reps', '5'));
const JETLENS_BACKEND = process.env.JETLENS_BACKEND ?? 'auto';
const dir = mkdtempSync(join(arg('dir', tmpdir()), 'jetlens-io-'));

/** EnergyFlow-like padded jets: (N, M, 4) pt, y, phi, pid; multiplicity 20..M, the rest zero padding. */
function padded(dtype) {
  const rng = new Rng(1);
  const data = new (dtype === 'f4' ? Float32Array : Float64Array)(N * M * 4);
  for (let j = 0; j < N; j++) {
    const mult = 20 + rng.int(M - 19);
    for (let k = 0; k < mult; k++) {
      const r = (j * M + k) * 4;
      data[r] = rng.range(0.5, 100);
      data[r + 1] = rng.range(-0.4, 0.4);
      data[r + 2] = rng.range(-0.4, 0.4) + 3;
      data[r + 3] = 22;
    }
  }
  return data;
}

// Best of `reps` in wall time, and the process CPU time of that repetition (all threads: the load-independent
// figure on a shared machine).
const best = async (fn) => {
  let t = Infinity;
  let cpu = Infinity;
  let out;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    out = await fn();
    const dt = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (dt < t) { t = dt; cpu = (c.user + c.system) / 1e3; }
  }
  return { ms: t, cpu, out };
};

const rows = [];
const f8 = padded('f8');
const f4 = padded('f4');
const y = new Float64Array(N).map((_, i) => i & 1);
const files = {
  'npy f8': [join(dir, 'X8.npy'), () => writeNpy(join(dir, 'X8.npy'), { data: f8, shape: [N, M, 4] })],
  'npy f4': [join(dir, 'X4.npy'), () => writeNpy(join(dir, 'X4.npy'), { data: f4, shape: [N, M, 4] })],
  'npz stored f8': [join(dir, 's.npz'), () => writeNpz(join(dir, 's.npz'), { X: { data: f8, shape: [N, M, 4] }, y: { data: y, shape: [N] } }, false)],
  'npz deflated f8': [join(dir, 'd.npz'), () => writeNpz(join(dir, 'd.npz'), { X: { data: f8, shape: [N, M, 4] }, y: { data: y, shape: [N] } }, true)],
};
let ref;
for (const [name, [file, write]] of Object.entries(files)) {
  await write();
  const bytes = statSync(file).size;
  const MB = bytes / 1e6;
  readFileSync(file); // warm the page cache
  const read = await best(() => new Uint8Array(readFileSync(file)));
  const parse = await best(() => (name.startsWith('npy') ? parseNpy(new Uint8Array(readFileSync(file)), file, true) : parseNpz(new Uint8Array(readFileSync(file)), file).X));
  const arr = parse.out;
  const convert = await best(() => JetBatch.fromPadded(arr.data, arr.shape));
  const whole = await best(() => readJets(file));
  const b = whole.out;
  ref ??= b;
  if (b.size !== ref.size || Math.abs(b.pt[b.size - 1] - ref.pt[ref.size - 1]) > 1e-5 * ref.pt[ref.size - 1]) throw new Error(`${name}: a different batch`);
  rows.push({
    format: name, MB: +MB.toFixed(1), particles: b.size,
    read_MBps: Math.round(MB / (read.ms / 1e3)),
    parse_ms: +(parse.ms - read.ms).toFixed(1),
    convert_ms: +convert.ms.toFixed(1),
    readJets_ms: +whole.ms.toFixed(1),
    readJets_MBps: Math.round(MB / (whole.ms / 1e3)),
    readJets_cpu_ms: +whole.cpu.toFixed(1),
    MB_per_cpu_s: Math.round(MB / (whole.cpu / 1e3)),
  });
}

// Writing an (N, K) float64 result: header + the array's own bytes.
const K = 102;
const res = new Float64Array(N * K).fill(1.5);
const wr = await best(() => writeNpy(join(dir, 'out.npy'), { data: res, shape: [N, K] }));
const wMB = res.byteLength / 1e6;
rows.push({ format: `write npy (${N} x ${K}) f8`, MB: +wMB.toFixed(1), particles: '', read_MBps: '', parse_ms: '', convert_ms: '', readJets_ms: +wr.ms.toFixed(1), readJets_MBps: Math.round(wMB / (wr.ms / 1e3)), readJets_cpu_ms: +wr.cpu.toFixed(1), MB_per_cpu_s: Math.round(wMB / (wr.cpu / 1e3)) });
rmSync(dir, { recursive: true, force: true });

console.table(rows);
console.log(JSON.stringify({ bench: 'io', backend: JETLENS_BACKEND, jets: N, m: M, reps, rows }));
