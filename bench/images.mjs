// Jets per second for 33x33 jet images (centroid centre, principal-axis rotation, flip, normalised) at fixed
// multiplicity M, native (1 and 2 threads) against the TypeScript reference in the same process.
// Run `npx tsc -p tsconfig.json` first.   node bench/images.mjs [--m 50,100] [--seconds 1]
import { JetBatch } from '../dist/jets/batch.js';
import { Rng } from '../dist/util/rng.js';
import { backendsFor } from '../dist/backend/dispatch.js';
import { jetImages } from '../dist/jss/images.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const Ms = arg('m', '50,100').split(',').map(Number);
const seconds = Number(arg('seconds', '1'));
const opts = { npix: 33, width: 1.0, center: 'centroid', rotate: 'principal', flip: true, normalize: true };

function jets(n, M, seed) {
  const rng = new Rng(seed);
  return JetBatch.fromNested(Array.from({ length: n }, () => {
    const c = [[0, 0], [rng.range(-0.5, 0.5), rng.range(-0.5, 0.5)]];
    return Array.from({ length: M }, () => {
      const k = c[rng.int(2)];
      return [100 * Math.exp(rng.normal() - 1), k[0] + 0.1 * rng.normal(), k[1] + 0.1 * rng.normal()];
    });
  }));
}

async function rate(batch, run) {
  await jetImages(batch.slice(0, 8), { ...opts, ...run });
  let done = 0;
  const t0 = performance.now();
  do {
    await jetImages(batch, { ...opts, ...run });
    done += batch.length;
  } while (performance.now() - t0 < seconds * 1000 || done < 2 * batch.length);
  return done / ((performance.now() - t0) / 1000);
}

const rows = [];
for (const M of Ms) {
  const batch = jets(2000, M, 7 + M);
  const ref = await rate(batch, { backend: 'reference' });
  rows.push({ M, backend: 'reference', threads: 1, jetsPerSecond: ref, speedup: 1 });
  if (backendsFor('images').includes('native')) {
    for (const threads of [1, 2]) {
      const r = await rate(batch, { backend: 'native', threads });
      rows.push({ M, backend: 'native', threads, jetsPerSecond: r, speedup: r / ref });
    }
  }
}
console.log('jet images 33x33, centroid + principal + flip + norm (jets/s; speed-up vs the TS reference in this process)');
console.log('   M  backend     threads     jets/s   speed-up');
for (const r of rows) {
  console.log(`${String(r.M).padStart(4)}  ${r.backend.padEnd(10)}  ${String(r.threads).padStart(7)}  ${r.jetsPerSecond.toFixed(0).padStart(9)}  ${r.speedup.toFixed(2).padStart(8)}`);
}
console.log(JSON.stringify({ bench: 'images', npix: 33, rows }));
