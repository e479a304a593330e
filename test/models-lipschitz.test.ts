import t from 'tap';
import { JetBatch } from '../src/jets/batch.js';
import { Rng } from '../src/util/rng.js';
import { LipschitzDense } from '../src/models/layers.js';
import { createModel, evalPhi, initTf, modelInputs, train, type JetModel } from '../src/models/index.js';

/** Spectral norm of a (rows, cols) float32 matrix by float64 power iteration on W^T W. */
function spectralNorm(w: Float32Array, rows: number, cols: number): number {
  let v = new Float64Array(cols).fill(1);
  let sigma = 0;
  for (let it = 0; it < 500; it++) {
    const u = new Float64Array(rows);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) u[i] += w[i * cols + j] * v[j];
    const v2 = new Float64Array(cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) v2[j] += w[i * cols + j] * u[i];
    const nv = Math.hypot(...v2);
    sigma = Math.sqrt(nv / Math.hypot(...v));
    v = v2.map((x) => x / nv);
  }
  return sigma;
}

/** Spectral norms of the effective (rescaled) kernels of every LipschitzDense layer. */
function layerNorms(m: JetModel): { sigma: number; raw: number }[] {
  return m.net.layers.filter((l): l is LipschitzDense => l instanceof LipschitzDense).map((l) => {
    const k = l.effectiveKernel();
    const [r, c] = k.shape;
    const sigma = spectralNorm(k.dataSync() as Float32Array, r, c);
    const raw = spectralNorm(l.getWeights()[0].dataSync() as Float32Array, r, c);
    k.dispose();
    return { sigma, raw };
  });
}

/** Largest |Phi(p1) - Phi(p2)| / |p1 - p2| over random pairs of angular points (near pairs and far pairs). */
function empiricalLipschitz(m: JetModel, pairs: number, seed: number): number {
  const rng = new Rng(seed);
  const pts = new Float32Array(4 * pairs);
  for (let k = 0; k < pairs; k++) {
    const scale = k % 2 ? 1e-2 : 1;
    const y = rng.normal() * 0.5, phi = rng.normal() * 0.5;
    pts.set([y, phi, y + scale * rng.normal(), phi + scale * rng.normal()], 4 * k);
  }
  const phiVals = evalPhi(m, pts, 2 * pairs);
  const latent = phiVals.length / (2 * pairs);
  let worst = 0;
  for (let k = 0; k < pairs; k++) {
    const dp = Math.hypot(pts[4 * k] - pts[4 * k + 2], pts[4 * k + 1] - pts[4 * k + 3]);
    let d2 = 0;
    for (let a = 0; a < latent; a++) d2 += (phiVals[2 * k * latent + a] - phiVals[(2 * k + 1) * latent + a]) ** 2;
    if (dp > 1e-4) worst = Math.max(worst, Math.sqrt(d2) / dp);
  }
  return worst;
}

function jets(n: number, seed: number): JetBatch {
  const rng = new Rng(seed);
  const out: number[][][] = [];
  const labels: number[] = [];
  for (let j = 0; j < n; j++) {
    const parts: number[][] = [];
    for (let i = 0; i < 8; i++) parts.push([1 + rng.uniform(), (j % 2 && i % 2 ? 0.3 : 0) + 0.05 * rng.normal(), 0.05 * rng.normal()]);
    out.push(parts);
    labels.push(j % 2);
  }
  return JetBatch.fromNested(out, { labels });
}

t.test('Lipschitz EFN: |Phi(p1) - Phi(p2)| <= L |p1 - p2| on random pairs, before and after training', async (t) => {
  await initTf();
  for (const bound of [1, 0.5, 3]) {
    const m = createModel('lipschitz-efn', { seed: 4, latent: 16, lipschitz: bound });
    const before = empiricalLipschitz(m, 4000, 1);
    // float32 evaluation: allow 1e-4 relative slack on the bound
    t.ok(before <= bound * (1 + 1e-4), `L=${bound}: untrained max ratio ${before.toFixed(4)}`);
    await train(m, modelInputs(m, jets(200, 2)), { epochs: 3, batchSize: 32, lr: 1e-2 });
    const after = empiricalLipschitz(m, 4000, 3);
    t.ok(after <= bound * (1 + 1e-4), `L=${bound}: trained max ratio ${after.toFixed(4)}`);
    // each layer: spectral norm <= c = L^(1/3), and the bound is tight (within 10 %) when the constraint is active
    const c = bound ** (1 / 3);
    for (const [i, { sigma, raw }] of layerNorms(m).entries()) {
      t.ok(sigma <= c * (1 + 1e-4), `L=${bound} layer ${i}: ||W_eff||_2 = ${sigma.toFixed(4)} <= ${c.toFixed(4)}`);
      if (raw > c) t.ok(sigma > c / 1.1, `L=${bound} layer ${i}: constraint active and tight (${sigma.toFixed(4)}, raw ${raw.toFixed(3)})`);
    }
  }
});
