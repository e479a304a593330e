/**
 * Plain TypeScript reference for the per-jet base row (see request.ts): obviously correct, O(M^3) for e3.
 * native/jss.cc follows these functions step by step.
 */
import type { JetBatch } from '../jets/batch.js';
import { wrapPhi } from '../util/kinematics.js';
import { deltaR2, exclusiveKtAxes, powBeta } from './cluster.js';
import { KINEMATICS, rowLength, type ObsRequest } from './request.js';

/**
 * Fills `out[o .. o + rowLength)` for one jet given by its constituents (pT > 0). An empty jet gives all zeros.
 */
export function jetRow(pt: Float64Array, y: Float64Array, phi: Float64Array, r: ObsRequest, out: Float64Array, o: number, mass?: Float64Array): void {
  const M = pt.length;
  out.fill(0, o, o + rowLength(r));
  if (M === 0) return;
  kinematics(pt, y, phi, out, o);
  let sumPt = 0;
  for (let i = 0; i < M; i++) sumPt += pt[i];
  const z = Float64Array.from(pt, (p) => p / sumPt);
  const dr2 = new Float64Array(M * M);
  for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) dr2[i * M + j] = deltaR2(y[i], phi[i], y[j], phi[j]);
  let at = o + KINEMATICS.length;
  r.ecfBetas.forEach((beta, b) => {
    const [e2, e3] = ecfs(z, dr2, beta, r.needE3[b]);
    out[at++] = e2;
    out[at++] = e3;
  });
  if (r.nMax > 0) {
    const axes = exclusiveKtAxes(pt, y, phi, r.nMax, r.axes === 'wta' ? 'wta' : 'E', mass);
    for (const beta of r.tauBetas) {
      for (let n = 1; n <= r.nMax; n++) {
        if (M <= n) out[at + n - 1] = 0; // pinned: tau_N = 0 when M <= N
        else if (r.axes === 'onepass') out[at + n - 1] = onePassTau(z, y, phi, axes.y[n], axes.phi[n], beta);
        else out[at + n - 1] = tau(z, y, phi, axes.y[n], axes.phi[n], beta);
      }
      at += r.nMax;
    }
  }
}

/** pt, mass, rap, phi, mult, width of the E-scheme sum of massless constituents. */
function kinematics(pt: Float64Array, y: Float64Array, phi: Float64Array, out: Float64Array, o: number): void {
  const M = pt.length;
  let E = 0;
  let px = 0;
  let py = 0;
  let pz = 0;
  let sumPt = 0;
  // m^2 = sum_{i<j} 2 p_i.p_j = sum_{i<j} 4 pT_i pT_j (sinh^2(dy/2) + sin^2(dphi/2)): every term >= 0, so no
  // cancellation (E^2 - |p|^2 loses digits for light jets); equal to the spec's definition up to rounding.
  let m2 = 0;
  for (let i = 0; i < M; i++) {
    E += pt[i] * Math.cosh(y[i]);
    px += pt[i] * Math.cos(phi[i]);
    py += pt[i] * Math.sin(phi[i]);
    pz += pt[i] * Math.sinh(y[i]);
    sumPt += pt[i];
    for (let j = i + 1; j < M; j++) {
      const sy = Math.sinh(0.5 * (y[i] - y[j]));
      const sp = Math.sin(0.5 * (phi[i] - phi[j]));
      m2 += 4 * pt[i] * pt[j] * (sy * sy + sp * sp);
    }
  }
  // One constituent: its own direction exactly (the E-scheme formula gives it up to rounding), so width = 0.
  const jetY = M === 1 ? y[0] : 0.5 * Math.log((E + pz) / (E - pz));
  const jetPhi = M === 1 ? wrapPhi(phi[0]) : Math.atan2(py, px);
  let width = 0;
  for (let i = 0; i < M; i++) width += pt[i] * Math.sqrt(deltaR2(y[i], phi[i], jetY, jetPhi));
  out[o] = Math.sqrt(px * px + py * py);
  out[o + 1] = Math.sqrt(m2);
  out[o + 2] = jetY;
  out[o + 3] = jetPhi;
  out[o + 4] = M;
  out[o + 5] = width / sumPt;
}

/** e2 and (when wanted) e3 at angular exponent beta, from z_i and the DeltaR^2 matrix. */
function ecfs(z: Float64Array, dr2: Float64Array, beta: number, withE3: boolean): [number, number] {
  const M = z.length;
  const D = dr2.map((v) => powBeta(v, beta));
  let e2 = 0;
  let e3 = 0;
  for (let i = 0; i < M; i++) {
    for (let j = i + 1; j < M; j++) {
      const w = z[i] * z[j] * D[i * M + j];
      e2 += w;
      if (!withE3) continue;
      let s = 0;
      for (let k = j + 1; k < M; k++) s += z[k] * D[i * M + k] * D[j * M + k];
      e3 += w * s;
    }
  }
  return [e2, withE3 ? e3 : 0];
}

/** Index of the nearest axis to particle i (ties: the first axis) and its DeltaR^2. */
function nearest(yi: number, phii: number, ay: Float64Array, aphi: Float64Array): [number, number] {
  let best = 0;
  let bd = Infinity;
  for (let a = 0; a < ay.length; a++) {
    const d = deltaR2(yi, phii, ay[a], aphi[a]);
    if (d < bd) {
      bd = d;
      best = a;
    }
  }
  return [best, bd];
}

/** tau_N = sum_i z_i min_a DeltaR_ia^beta. */
function tau(z: Float64Array, y: Float64Array, phi: Float64Array, ay: Float64Array, aphi: Float64Array, beta: number): number {
  let s = 0;
  for (let i = 0; i < z.length; i++) s += z[i] * powBeta(nearest(y[i], phi[i], ay, aphi)[1], beta);
  return s;
}

/**
 * One-pass optimised axes: assign each particle to its nearest kT axis, move each axis once by one
 * iteratively-reweighted step x_a <- sum w_i x_i / sum w_i with w_i = z_i DeltaR_ia^(beta - 2) in the
 * (y, phi-wrapped-around-the-axis) plane: beta = 2 gives the pT-weighted centroid (the exact minimiser),
 * beta = 1 one Weiszfeld step. For beta < 2 an axis sitting exactly on one of its particles stays put
 * (the weight would be infinite); an axis with no particles stays put. Then tau_N with the moved axes.
 */
function onePassTau(z: Float64Array, y: Float64Array, phi: Float64Array, ay: Float64Array, aphi: Float64Array, beta: number): number {
  const N = ay.length;
  const sw = new Float64Array(N);
  const sy = new Float64Array(N);
  const sp = new Float64Array(N);
  const pinned = new Uint8Array(N);
  for (let i = 0; i < z.length; i++) {
    const [a, d2] = nearest(y[i], phi[i], ay, aphi);
    if (beta < 2 && d2 === 0) pinned[a] = 1;
    const w = beta === 2 ? z[i] : beta === 1 ? z[i] / Math.sqrt(d2) : z[i] * Math.pow(d2, (beta - 2) / 2);
    if (!(w < Infinity)) continue; // d2 = 0 with beta < 2: the axis is pinned
    sw[a] += w;
    sy[a] += w * (y[i] - ay[a]);
    sp[a] += w * wrapPhi(phi[i] - aphi[a]);
  }
  const ny = new Float64Array(N);
  const nphi = new Float64Array(N);
  for (let a = 0; a < N; a++) {
    const move = !pinned[a] && sw[a] > 0;
    ny[a] = move ? ay[a] + sy[a] / sw[a] : ay[a];
    nphi[a] = move ? aphi[a] + sp[a] / sw[a] : aphi[a];
  }
  return tau(z, y, phi, ny, nphi, beta);
}

/** Base rows (N x rowLength(r)) for jets [start, end) of a batch into `out`. */
export function fillRows(batch: JetBatch, r: ObsRequest, out: Float64Array, start: number, end: number): void {
  const K = rowLength(r);
  for (let j = start; j < end; j++) {
    const a = batch.offsets[j];
    const b = batch.offsets[j + 1];
    jetRow(batch.pt.subarray(a, b), batch.y.subarray(a, b), batch.phi.subarray(a, b), r, out, j * K, batch.mass?.subarray(a, b));
  }
}
