// Bars for bench/e2e-efp.mjs: `node bench/e2e-efp.mjs | node bench/e2e-bars.mjs` (or a file with its JSON line).
// One bar per row: the median speed-up over EnergyFlow (wall time), log scale, with the range over the repetitions
// and the speed-up per CPU second in brackets.
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2] ?? 0, 'utf8');
const line = text.trim().split('\n').reverse().find((l) => l.startsWith('{'));
if (!line) throw new Error('no JSON line from bench/e2e-efp.mjs in the input');
const { rows, loadavg, loadavg_start: load0, energyflow, reps } = JSON.parse(line);
const width = 50;
const pad = Math.max(...rows.map((r) => r.what.length));
const max = Math.max(...rows.map((r) => Number(r.speedup_wall_range?.[1] ?? r.speedup_wall) || 0), 1);
const loads = load0 ? `${load0.join(' ')} at the start, ${loadavg.join(' ')} at the end` : loadavg?.join(' ');
console.log(`speed-up over EnergyFlow batch_compute (${energyflow}), median of ${reps ?? '?'} (range), log scale; load average ${loads}`);
for (const r of rows) {
  const s = Number(r.speedup_wall);
  if (!s) {
    const rate = r.jets_per_s ? `${r.jets_per_s} jets/s wall, ${r.jets_per_cpu_s} per CPU s` : `${r.seconds} s wall, ${r.cpu_s} CPU s`;
    console.log(`${r.what.padEnd(pad)} | (no EnergyFlow figure) ${rate}`);
    continue;
  }
  const len = Math.max(1, Math.round((width * Math.log10(s + 1)) / Math.log10(max + 1)));
  const range = Array.isArray(r.speedup_wall_range) ? ` (${r.speedup_wall_range[0]}-${r.speedup_wall_range[1]})` : '';
  const cpu = r.speedup_cpu ? ` [${r.speedup_cpu}x per CPU s]` : '';
  console.log(`${r.what.padEnd(pad)} | ${'#'.repeat(len)} ${s}x${range}${cpu}`);
}
