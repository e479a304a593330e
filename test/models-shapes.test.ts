import t from 'tap';
import { loadNative } from '../src/backend/native.js';
import { JetBatch } from '../src/jets/batch.js';
import { Rng } from '../src/util/rng.js';
import {
  createModel, efnFilters, efnInputs, evalPhi, imageInputs, initTf, modelInputs, momentCombinations, momentFeatureCount,
  particleArrays, predict, tableInputs, tf, type ModelData,
} from '../src/models/index.js';

function toyJets(n: number, seed: number): JetBatch {
  const rng = new Rng(seed);
  const jets: number[][][] = [];
  const labels: number[] = [];
  for (let j = 0; j < n; j++) {
    const mult = 2 + rng.int(8);
    const parts: number[][] = [];
    for (let i = 0; i < mult; i++) parts.push([0.5 + rng.uniform() * 10, 0.3 * rng.normal(), 3.1 + 0.3 * rng.normal(), rng.int(3)]);
    jets.push(parts);
    labels.push(j % 2);
  }
  return JetBatch.fromNested(jets, { labels });
}

/** The same inputs with `extra` more zero-padded particle rows per jet. */
function padMore(d: ModelData, extra: number): ModelData {
  const [feat, w] = d.inputs;
  const [n, m, f] = feat.shape;
  const m2 = m + extra;
  const fd = new Float32Array(n * m2 * f);
  const wd = new Float32Array(n * m2);
  for (let j = 0; j < n; j++) {
    fd.set(feat.data.subarray(j * m * f, (j + 1) * m * f), j * m2 * f);
    wd.set(w.data.subarray(j * m, (j + 1) * m), j * m2);
  }
  return { inputs: [{ data: fd, shape: [n, m2, f] }, { data: wd, shape: [n, m2] }], labels: d.labels };
}

t.before(async () => {
  await initTf();
});

t.test('particle arrays: z sums to 1, axis is the pT-weighted centroid, phi wraps', async (t) => {
  const jets = toyJets(20, 1);
  const p = particleArrays(jets);
  for (let j = 0; j < p.n; j++) {
    let sz = 0, sy = 0, sphi = 0, nm = 0;
    for (let k = 0; k < p.m; k++) {
      const o = j * p.m + k;
      sz += p.z[o];
      sy += p.z[o] * p.yRel[o];
      sphi += p.z[o] * p.phiRel[o];
      nm += p.mask[o];
      t.ok(Math.abs(p.phiRel[o]) < 2, 'relative phi is small even across the +-pi seam');
    }
    t.ok(Math.abs(sz - 1) < 1e-6 && Math.abs(sy) < 1e-5 && Math.abs(sphi) < 1e-5, `jet ${j}`);
    t.equal(nm, jets.mult(j));
  }
});

t.test('output shapes of every model', async (t) => {
  const jets = toyJets(6, 2);
  for (const kind of ['efn', 'pfn', 'moments', 'lipschitz-efn'] as const) {
    const m = createModel(kind, { seed: 1, latent: 6, order: 3, withPid: kind === 'pfn' });
    const s = await predict(m, modelInputs(m, jets));
    t.equal(s.length, 6, kind);
    t.ok(s.every((v) => v > 0 && v < 1), `${kind} sigmoid scores`);
  }
  const dnn = createModel('dnn', { nFeatures: 3 });
  const table = tableInputs({ a: [1, 2], b: [3, 4], c: [5, 6] }, ['a', 'b', 'c']);
  t.equal((await predict(dnn, table)).length, 2);
  const cnn = createModel('cnn', { npix: 9 });
  const img = imageInputs({ data: new Float32Array(3 * 81).fill(0.1), shape: [3, 9, 9] });
  t.equal((await predict(cnn, img)).length, 3);
  t.throws(() => createModel('dnn', {}), /nFeatures/);
  t.throws(() => createModel('moments', { order: 5 }), /order/);
});

t.test('padding rows do not change any output', async (t) => {
  const jets = toyJets(10, 3);
  for (const kind of ['efn', 'pfn', 'moments', 'lipschitz-efn'] as const) {
    const m = createModel(kind, { seed: 2, latent: 5, order: 2 });
    const d = modelInputs(m, jets);
    const a = await predict(m, d);
    const b = await predict(m, padMore(d, 7));
    const diff = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    t.ok(diff <= 1e-6, `${kind}: max |diff| ${diff}`);
  }
});

t.test('moment pooling equals an explicit loop over particles and index combinations', async (t) => {
  t.equal(momentCombinations(3, 2).length, 6);
  t.equal(momentFeatureCount(4, 3), 4 + 10 + 20);
  const latent = 3, order = 3;
  const m = createModel('moments', { seed: 5, latent, order, phiSizes: [8] });
  const jets = toyJets(4, 4);
  const d = efnInputs(jets);
  const [feat, z] = d.inputs;
  const [n, mm] = feat.shape;
  const phi = evalPhi(m, feat.data, n * mm); // (n*mm, latent)
  const pooled = tf.tidy(() => {
    const layer = m.net.getLayer('pool');
    const x = tf.tensor3d(phi, [n, mm, latent]);
    return (layer.apply([x, tf.tensor2d(z.data, [n, mm])]) as tf.Tensor).arraySync() as number[][];
  });
  for (let j = 0; j < n; j++) {
    const expected: number[] = [];
    for (let k = 1; k <= order; k++) {
      for (const combo of momentCombinations(latent, k)) {
        let s = 0;
        for (let i = 0; i < mm; i++) {
          let prod = z.data[j * mm + i];
          for (const a of combo) prod *= phi[(j * mm + i) * latent + a];
          s += prod;
        }
        expected.push(s);
      }
    }
    t.equal(pooled[j].length, expected.length);
    const err = Math.max(...expected.map((e, i) => Math.abs(e - pooled[j][i]) / Math.max(1, Math.abs(e))));
    t.ok(err < 1e-5, `jet ${j}: max relative error ${err}`);
  }
});

t.test('EFN with order-1 pooling: Phi network is exposed on a grid', async (t) => {
  const m = createModel('efn', { seed: 1, latent: 4 });
  const grid = new Float32Array([0, 0, 0.1, -0.2, -0.3, 0.3]);
  const v = evalPhi(m, grid, 3);
  t.equal(v.length, 12);
  t.ok(v.every((x) => x >= 0), 'ReLU filters are non-negative');
  const f = efnFilters(m, { gridSize: 5, R: 0.4 });
  t.same(f.shape, [4, 5, 5]);
  t.ok([-0.4, -0.2, 0, 0.2, 0.4].every((x, i) => Math.abs(f.axis[i] - x) < 1e-12), 'grid axis');
  // grid point (y=0, phi=0) is the centre: compare with a direct evaluation at the origin
  const centre = evalPhi(m, new Float32Array([0, 0]), 1);
  for (let a = 0; a < 4; a++) t.equal(f.data[a * 25 + 12], centre[a], `filter ${a} at the origin`);
  t.throws(() => efnFilters(createModel('pfn', { latent: 4 })), /EFN-like/);
});

t.test('backend choice: automatic jetlens (native addon) or wasm, option and JETLENS_TF_BACKEND override, bad names rejected', async (t) => {
  const lines: string[] = [];
  process.env.JETLENS_TF_BACKEND = 'cpu';
  t.equal(await initTf({ log: (m) => lines.push(m) }), 'cpu');
  t.equal(tf.getBackend(), 'cpu');
  delete process.env.JETLENS_TF_BACKEND;
  // tfjs-node is not installed: the addon's 'jetlens' backend comes next, then wasm (addon missing).
  const auto = loadNative()?.tfConv2d ? 'jetlens' : 'wasm';
  t.equal(await initTf({ log: (m) => lines.push(m) }), auto, `${auto} chosen automatically`);
  t.match(lines.join('\n'), new RegExp(`tfjs backend: cpu \\(requested\\)[\\s\\S]*tfjs backend: ${auto} \\(automatic\\)`));
  await t.rejects(initTf({ backend: 'gpu' as never }), /unknown TensorFlow.js backend/);
  t.equal(await initTf({ backend: 'wasm' }), 'wasm');
});
