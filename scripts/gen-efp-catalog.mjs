// Regenerates the EFP graph catalogue and what ships with it:
//   node scripts/gen-efp-catalog.mjs [dmax=10] [out=data/efp-catalog.json.gz]
// writes the whole catalogue (gzip), its d <= 7 prefix (data/efp-catalog-d7.json, read by d<=7 selections) and the
// plans of the standard selections d<=1 .. d<=7 (data/efp-plans.json) and EnergyFlow's column order for d <= 1 .. 7
// (data/efp-energyflow-order.json). Needs the compiled TypeScript
// (npx tsc -p tsconfig.json). d <= 10 takes about 15 s.
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { generateCatalog, catalogToFile, catalogPrefix, SMALL_DMAX, SMALL_CATALOG_FILE } from '../dist/efp/catalog.js';
import { PLANS_FILE, planKey, planToEntry } from '../dist/efp/cache.js';
import { buildPlan } from '../dist/efp/plan.js';
import { EFPSet } from '../dist/efp/efpset.js';
import { ENERGYFLOW_ORDER_FILE, SHIPPED_DMAX, buildEnergyflowTables } from '../dist/efp/energyflow-order.js';

const dmax = Number(process.argv[2] ?? 10);
const out = process.argv[3] ?? new URL('../data/efp-catalog.json.gz', import.meta.url).pathname;
const t0 = Date.now();
const cat = generateCatalog(dmax);
const json = JSON.stringify(catalogToFile(cat));
writeFileSync(out, gzipSync(json, { level: 9 }));
const perD = new Array(dmax + 1).fill(0);
for (const g of cat.graphs.slice(0, cat.nConnected)) perD[g.spec.d]++;
console.log(`d <= ${dmax}: ${cat.nConnected} connected, ${cat.graphs.length} total (connected per d: ${perD.join(', ')}) -> ${out} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
if (process.argv[3] === undefined && dmax >= SMALL_DMAX) {
  writeFileSync(SMALL_CATALOG_FILE, JSON.stringify(catalogToFile(catalogPrefix(cat, SMALL_DMAX))));
  const plans = [];
  for (let d = 1; d <= SMALL_DMAX; d++) {
    const sel = `d<=${d}`;
    const set = new EFPSet(sel);
    const columns = set.columns.map((c) => c.factors);
    // built fresh, never read back from an older plans file
    plans.push(planToEntry(buildPlan(set.primes, columns), planKey(set.primes, columns), sel));
  }
  writeFileSync(PLANS_FILE, JSON.stringify(plans));
  console.log(`-> ${SMALL_CATALOG_FILE}, ${PLANS_FILE} (${plans.length} plans)`);
}
if (process.argv[3] === undefined) {
  // EnergyFlow's column order (the sidecar's energyflow_index) for dmax = 1 .. 7, built fresh
  const tables = {};
  for (let d = 1; d <= SHIPPED_DMAX; d++) tables[d] = buildEnergyflowTables(d);
  writeFileSync(ENERGYFLOW_ORDER_FILE, JSON.stringify(tables));
  console.log(`-> ${ENERGYFLOW_ORDER_FILE}`);
}
