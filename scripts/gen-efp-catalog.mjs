// Regenerates the EFP graph catalogue: node scripts/gen-efp-catalog.mjs [dmax=10] [out=data/efp-catalog.json.gz]
// Needs the compiled TypeScript (npx tsc -p tsconfig.json). d <= 10 takes about 15 s.
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { generateCatalog, catalogToFile } from '../dist/efp/catalog.js';

const dmax = Number(process.argv[2] ?? 10);
const out = process.argv[3] ?? new URL('../data/efp-catalog.json.gz', import.meta.url).pathname;
const t0 = Date.now();
const cat = generateCatalog(dmax);
const json = JSON.stringify(catalogToFile(cat));
writeFileSync(out, gzipSync(json, { level: 9 }));
const perD = new Array(dmax + 1).fill(0);
for (const g of cat.graphs.slice(0, cat.nConnected)) perD[g.spec.d]++;
console.log(`d <= ${dmax}: ${cat.nConnected} connected, ${cat.graphs.length} total (connected per d: ${perD.join(', ')}) -> ${out} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
