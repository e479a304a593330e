// Warm-started decorrelation scan (issue #22 item 3) on toys with known answers: a nuisance the score can ignore
// (AUC kept, dependence removed) and one it cannot (AUC falls toward 1/2 but never below: the direction is kept);
// DisCo and the Louppe et al. adversary on the same jets.
import t from 'tap';
import { initTf, tableInputs } from '../src/models/index.js';
import { Rng } from '../src/util/rng.js';
import { nuisanceClasses, scheduledLr, summarizeRows, warmDecorrelationScan, type WarmRow } from '../src/studies/uncertainty/index.js';

t.before(async () => {
  await initTf({ log: () => {} });
});

/**
 * Class y and nuisance z independent, half each. ignorable: a carries the class, b = a + 2 z the same class
 * information shifted by the nuisance (b - a is pure nuisance, so the best score is a function of a alone); else a
 * single feature a = class + nuisance.
 */
function toy(n: number, seed: number, ignorable: boolean) {
  const rng = new Rng(seed);
  const y = Float64Array.from({ length: n }, (_, i) => i % 2);
  const z = Float64Array.from({ length: n }, (_, i) => Math.floor(i / 2) % 2);
  const a = Float64Array.from(y, (v, i) => rng.normal() + 1.5 * v + (ignorable ? 0 : 1.5 * z[i]));
  const b = Float64Array.from(a, (v, i) => v + 2 * z[i] + 0.1 * rng.normal());
  const cols: Record<string, Float64Array> = ignorable ? { a, b } : { a };
  return { data: tableInputs(cols, Object.keys(cols), y), z };
}

const base = { kind: 'dnn' as const, pretrainEpochs: 10, epochs: 8, batchSize: 200, lr: 1e-2, penaltyOn: 'each-class' as const, effBackground: 0.2 };
const show = (rows: WarmRow[]) => console.log(JSON.stringify(rows.map((r) => [r.method, r.lambda, +r.auc.toFixed(3), +r.dCorr.toFixed(3), r.nuisanceAuc && +r.nuisanceAuc.toFixed(3), +r.agreement.toFixed(2)])));

t.test('schedule and nuisance classes', async (t) => {
  t.equal(scheduledLr(1e-2, 1e-3, 1, 5), 1e-2);
  t.ok(Math.abs(scheduledLr(1e-2, 1e-3, 5, 5) - 1e-3) < 1e-15);
  t.ok(Math.abs(scheduledLr(1e-2, 1e-3, 3, 5) - Math.sqrt(1e-5)) < 1e-12, 'geometric');
  t.equal(scheduledLr(1e-2, undefined, 3, 5), 1e-2);
  t.same(nuisanceClasses([0, 1, 1, 0], [0, 0, 1, 1]), { z: Int32Array.from([0, 1, 1, 0]), classes: 2, edges: [] });
  const m = nuisanceClasses([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 9], [0, 0, 0, 0, 0, 0, 1], 3);
  t.same(Array.from(m.z), [0, 0, 1, 1, 2, 2, 2], 'quantile bins of the background');
});

t.test('an ignorable nuisance: AUC kept, dependence gone (DisCo and adversary)', async (t) => {
  const tr = toy(1000, 1, true), ev = toy(1000, 2, true);
  const r = await warmDecorrelationScan([0, 30], {
    ...base, modelOptions: { nFeatures: 2, hidden: [16, 16] }, data: tr.data, against: tr.z, evalData: ev.data, evalAgainst: ev.z,
    methods: ['disco', 'adversary'], seeds: [0, 1],
  });
  show(r.rows);
  t.equal(r.binary, true);
  t.equal(r.rows.length, 2 * (1 + 2));
  const s = r.summary;
  const plain = s.find((x) => x.method === 'none')!;
  t.equal(plain.seeds, 2);
  t.ok(plain.auc > 0.8, `lambda 0 AUC ${plain.auc}`);
  t.ok(plain.dCorr > 0.1, `lambda 0 uses the shifted copy: dCorr ${plain.dCorr.toFixed(3)}`);
  for (const method of ['disco', 'adversary'] as const) {
    const top = s.find((x) => x.method === method && x.lambda === 30)!;
    t.ok(Math.abs(top.auc - plain.auc) < 0.02, `${method}: AUC ${top.auc.toFixed(3)} vs ${plain.auc.toFixed(3)} at lambda 0`);
    // 0.1: the finite-sample floor of dCorr for independent variables on 500 background events is about 0.05.
    t.ok(top.dCorr < 0.1 && top.dCorr < plain.dCorr / 2, `${method}: dCorr ${plain.dCorr.toFixed(3)} -> ${top.dCorr.toFixed(3)} ~ 0`);
    t.ok(top.nuisanceAuc! < 0.55, `${method}: the two settings look alike to the score (AUC ${top.nuisanceAuc!.toFixed(3)})`);
  }
});

t.test('a nuisance the score cannot ignore: AUC falls toward 1/2, not below; direction kept', async (t) => {
  const tr = toy(1000, 3, false), ev = toy(1000, 4, false);
  const r = await warmDecorrelationScan([3, 30], {
    ...base, modelOptions: { nFeatures: 1, hidden: [16, 16] }, data: tr.data, against: tr.z, evalData: ev.data, evalAgainst: ev.z,
    methods: ['disco'], seeds: [0],
  });
  show(r.rows);
  const rows = r.rows;
  const plain = rows[0];
  t.ok(plain.dCorr > 0.2, `lambda 0: score depends on the nuisance (dCorr ${plain.dCorr.toFixed(3)})`);
  const top = rows[rows.length - 1];
  // dCorr is blind to a monotone squeeze of the score, so with one feature it only falls where f bends: it must not rise.
  t.ok(top.dCorr <= plain.dCorr, `dCorr ${plain.dCorr.toFixed(3)} -> ${top.dCorr.toFixed(3)}`);
  t.ok(top.auc < plain.auc - 0.05, `the price: AUC ${plain.auc.toFixed(3)} -> ${top.auc.toFixed(3)}`);
  t.ok(rows.every((x) => x.auc > 0.5 - 0.03 && x.agreement > 0), 'never below random, never inverted');
  const sum = summarizeRows(rows);
  t.ok(Number.isNaN(sum[0].auc_err), 'one seed: no spread');
});
