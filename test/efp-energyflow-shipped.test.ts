// The shipped EnergyFlow column-order tables (data/efp-energyflow-order.json, read by every `jetlens efp` sidecar
// instead of re-running EnergyFlow's generator order: ~50 ms CPU at d<=5, ~1.2 s at d<=7) must equal what the
// builder makes for every shipped dmax (#20 item 5). Regenerate with `node scripts/gen-efp-catalog.mjs`.
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { ENERGYFLOW_ORDER_FILE, SHIPPED_DMAX, buildEnergyflowTables, energyflowTables } from '../src/efp/energyflow-order.js';

t.test('shipped EnergyFlow order tables = the builder, d <= 1 .. 7', { skip: existsSync(ENERGYFLOW_ORDER_FILE) ? false : `${ENERGYFLOW_ORDER_FILE} missing (node scripts/gen-efp-catalog.mjs)` }, async (t) => {
  const file = JSON.parse(readFileSync(ENERGYFLOW_ORDER_FILE, 'utf8')) as Record<string, unknown>;
  t.same(Object.keys(file).map(Number), Array.from({ length: SHIPPED_DMAX }, (_, i) => i + 1), 'one table per dmax');
  for (let d = 1; d <= SHIPPED_DMAX; d++) {
    const built = buildEnergyflowTables(d);
    t.same(file[String(d)], built, `dmax ${d}: ${built.connected.length} connected, ${built.composites.length} composites`);
    t.equal(energyflowTables(d), energyflowTables(d), 'memoised');
  }
});
