// Jets per second for grooming (trimming R_sub = 0.2, f_cut = 0.03; soft drop z_cut = 0.1, beta = 0) at fixed
// multiplicity M, native (1 thread) against the TypeScript reference in the same process, on the same jets.
// Run `npx tsc -p tsconfig.json` first.
//   node bench/groom.mjs [--m 30,60] [--n 2000]
import { JetBatch } from '../dist/jets/batch.js';
import { Rng } from '../dist/util/rng.js';
import { backendsFor } from '../dist/backend/dispatch.js';
import { groom } from '../dist/jss/groom.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const Ms = arg('m', '30,60').split(',').map(Number);
const n = Number(arg('n', '2000'));

/** n jets of exactly M particles in two or three prongs with a soft wide-angle component. */
function jets(count, M, seed) {
  const rng = new Rng(seed);
  const out = [];
  for (let j = 0; j < count; j++) {
    const prongs = 2 + rng.int(2);
    const c = Array.from({ length: prongs }, () => [rng.range(-0.4, 0.4), rng.range(-0.4, 0.4)]);
    out.push(Array.from({ length: M }, (_, i) => {
      if (i % 5 === 4) return [2 * Math.exp(rng.normal() - 1), rng.range(-1, 1), rng.range(-1, 1)];
      const k = c[rng.int(prongs)];
      return [100 * Math.exp(rng.normal() - 1), k[0] + 0.1 * rng.normal(), k[1] + 0.1 * rng.normal()];
    }));
  }
  return JetBatch.fromNested(out);
}

const specs = [['trim 0.2,0.03', { method: 'trim', rSub: 0.2, fCut: 0.03 }], ['soft drop 0.1,0', { method: 'softdrop', zCut: 0.1, beta: 0 }]];
const backends = backendsFor('groom').filter((b) => b === 'native' || b === 'reference');
const rows = [];
for (const M of Ms) {
  const b = jets(n, M, M);
  for (const [name, spec] of specs) {
    const rate = {};
    for (const backend of backends) {
      await groom(b.slice(0, Math.min(100, n)), spec, { backend, threads: 1 }); // warm-up
      const t0 = performance.now();
      await groom(b, spec, { backend, threads: 1 });
      rate[backend] = n / ((performance.now() - t0) / 1000);
    }
    rows.push({ M, spec: name, reference: Math.round(rate.reference), native: rate.native ? Math.round(rate.native) : null, ratio: rate.native ? +(rate.native / rate.reference).toFixed(2) : null });
  }
}
console.log('| M | grooming | reference (jets/s) | native, 1 thread (jets/s) | ratio |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.M} | ${r.spec} | ${r.reference} | ${r.native ?? 'n/a'} | ${r.ratio ?? 'n/a'} |`);
console.log(JSON.stringify({ bench: 'groom', n, rows }));
