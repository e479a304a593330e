// Bars for bench/e2e-efp.mjs: `node bench/e2e-efp.mjs | node bench/e2e-bars.mjs` (or a file with its JSON line).
// One bar per row: the speed-up over EnergyFlow (wall time; CPU time in brackets when measured), log scale.
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2] ?? 0, 'utf8');
const line = text.trim().split('\n').reverse().find((l) => l.startsWith('{'));
if (!line) throw new Error('no JSON line from bench/e2e-efp.mjs in the input');
const { rows, loadavg, energyflow } = JSON.parse(line);
const width = 50;
const max = Math.max(...rows.map((r) => Number(r.speedup_wall) || 0), 1);
console.log(`speed-up over EnergyFlow batch_compute (${energyflow}), log scale, load average ${loadavg?.join(' ')}`);
for (const r of rows) {
  const s = Number(r.speedup_wall);
  if (!s) {
    console.log(`${r.what.padEnd(44)} | (no EnergyFlow figure) ${r.jets_per_s ?? ''} jets/s`);
    continue;
  }
  const len = Math.max(1, Math.round((width * Math.log10(s + 1)) / Math.log10(max + 1)));
  const cpu = r.speedup_cpu ? ` (${r.speedup_cpu}x per CPU-second)` : '';
  console.log(`${r.what.padEnd(44)} | ${'#'.repeat(len)} ${s}x${cpu}`);
}
