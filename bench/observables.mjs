// Jets per second for the default observables column set (17 columns: kinematics, e2/e3/C2/D2 at beta 1 and 2,
// tau1..3/tau21/tau32 at beta 1, exclusive-kT axes) at fixed multiplicity M, native (1 and 2 threads) against the
// TypeScript reference in the same process. Run `npx tsc -p tsconfig.json` first.
//   node bench/observables.mjs [--m 50,100] [--seconds 1.5]
import { JetBatch } from '../dist/jets/batch.js';
import { Rng } from '../dist/util/rng.js';
import { backendsFor } from '../dist/backend/dispatch.js';
import { observables } from '../dist/jss/observables.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const Ms = arg('m', '50,100').split(',').map(Number);
const seconds = Number(arg('seconds', '1.5'));

/** n jets of exactly M particles in two or three prongs (a W-like or QCD-like spread). */
function jets(n, M, seed) {
  const rng = new Rng(seed);
  const out = [];
  for (let j = 0; j < n; j++) {
    const prongs = 2 + rng.int(2);
    const c = Array.from({ length: prongs }, () => [rng.range(-0.4, 0.4), rng.range(-0.4, 0.4)]);
    out.push(Array.from({ length: M }, () => {
      const k = c[rng.int(prongs)];
      return [100 * Math.exp(rng.normal() - 1), k[0] + 0.1 * rng.normal(), k[1] + 0.1 * rng.normal()];
    }));
  }
  return JetBatch.fromNested(out);
}

/** Runs the batch until `seconds` have passed (at least twice after one warm-up); returns jets/s. */
async function rate(batch, opts) {
  await observables(batch.slice(0, Math.min(batch.length, 8)), opts);
  let done = 0;
  const t0 = performance.now();
  do {
    await observables(batch, opts);
    done += batch.length;
  } while (performance.now() - t0 < seconds * 1000 || done < 2 * batch.length);
  return done / ((performance.now() - t0) / 1000);
}

const rows = [];
const hasNative = backendsFor('observables').includes('native');
for (const M of Ms) {
  const n = M <= 50 ? 200 : 100;
  const batch = jets(n, M, 42 + M);
  const ref = await rate(batch, { backend: 'reference' });
  rows.push({ M, backend: 'reference', threads: 1, jetsPerSecond: ref, speedup: 1 });
  if (hasNative) {
    for (const threads of [1, 2]) {
      const r = await rate(batch, { backend: 'native', threads });
      rows.push({ M, backend: 'native', threads, jetsPerSecond: r, speedup: r / ref });
    }
  }
}
console.log('observables, default 17 columns (jets/s; speed-up vs the TS reference in this process)');
console.log('   M  backend     threads     jets/s   speed-up');
for (const r of rows) {
  console.log(`${String(r.M).padStart(4)}  ${r.backend.padEnd(10)}  ${String(r.threads).padStart(7)}  ${r.jetsPerSecond.toFixed(0).padStart(9)}  ${r.speedup.toFixed(2).padStart(8)}`);
}
console.log(JSON.stringify({ bench: 'observables', columns: 17, rows }));
