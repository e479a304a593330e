/**
 * Jet images: pT-weighted (y, phi) grids, rows = phi, columns = y, after optional
 * preprocessing (de Oliveira et al., arXiv:1511.05190; Baldi et al., arXiv:1603.09349):
 *   1. centre: subtract the pT-weighted centroid of (y, phi) (phi wrapped around the E-scheme jet axis), or the
 *      leading exclusive-kT (N = 2, E-scheme) subjet's axis, or nothing ('none': (y, wrapped phi) as they are);
 *   2. rotate: the principal axis of the pT-weighted second-moment matrix, or the direction to the second kT subjet,
 *      along +phi (a degenerate matrix or a missing / coincident second subjet: no rotation);
 *   (coordinates within 1e-12 of an axis are then set to 0, so rounding never decides a flip or a pixel);
 *   3. flip: make the pT sum with dy > 0 at least that with dy < 0, and likewise for dphi;
 *   4. pixelise on [-width, width]^2 (c = floor((dy + width) / (2 width) npix), r likewise with dphi), dropping
 *      (and counting) particles outside;
 *   5. normalise: divide by the image's total intensity (an empty image stays zero).
 */
import type { RunOptions } from '../backend/control.js';
import { getKernel } from '../backend/dispatch.js';
import { JetlensInputError } from '../errors.js';
import { wrapPhi } from '../util/kinematics.js';
import { toJetBatch, type JetsLike } from '../jets/input.js';
import { exclusiveKtAxes } from './cluster.js';
import './kernels.js'; // registers the images kernels (reference, native)

const SNAP = 1e-12;

export type ImageCenter = 'centroid' | 'leading' | 'none';
export type ImageRotate = 'principal' | 'subjet' | 'none';

export interface ImageOptions {
  /** Pixels per side (default 33). */
  npix?: number;
  /** Half-width of the square in y and phi (default 1.0): the image spans [-width, width]^2. */
  width?: number;
  /** Default 'centroid'. */
  center?: ImageCenter;
  /** Default 'none'. */
  rotate?: ImageRotate;
  /** Default false. */
  flip?: boolean;
  /** Divide each image by its total intensity (default true). */
  normalize?: boolean;
}

export interface JetImages {
  data: Float32Array;
  shape: [number, number, number];
  /** Particles that fell outside the square, over all jets. */
  dropped: number;
}

/** Image options with every default filled in and checked (what a kernel receives). */
export type ResolvedImageOptions = Required<ImageOptions>;
type Resolved = ResolvedImageOptions;

export function resolveImageOptions(o: ImageOptions = {}): Resolved {
  const r: Resolved = { npix: 33, width: 1.0, center: 'centroid', rotate: 'none', flip: false, normalize: true };
  for (const [k, v] of Object.entries(o)) if (v !== undefined && k in r) (r as Record<string, unknown>)[k] = v;
  if (!Number.isInteger(r.npix) || r.npix < 1 || r.npix > 4096) throw new JetlensInputError(`npix must be an integer in [1, 4096] (got ${r.npix})`);
  if (!(Number.isFinite(r.width) && r.width > 0)) throw new JetlensInputError(`width must be finite and > 0 (got ${r.width})`);
  if (!['centroid', 'leading', 'none'].includes(r.center)) throw new JetlensInputError(`center must be centroid, leading or none (got '${r.center}')`);
  if (!['principal', 'subjet', 'none'].includes(r.rotate)) throw new JetlensInputError(`rotate must be principal, subjet or none (got '${r.rotate}')`);
  return r;
}

/** The two hardest exclusive-kT subjets (y, phi), hardest first; fewer when the jet has fewer particles. */
function kTSubjets(pt: Float64Array, y: Float64Array, phi: Float64Array, mass?: Float64Array): [number, number][] {
  const M = pt.length;
  let P: ArrayLike<number> = pt;
  let Y: ArrayLike<number> = y;
  let F: ArrayLike<number> = phi;
  if (M > 2) {
    const ax = exclusiveKtAxes(pt, y, phi, 2, 'E', mass); // massive constituents: E-scheme with masses
    [P, Y, F] = [ax.pt[2]!, ax.y[2]!, ax.phi[2]!];
  }
  const out: [number, number][] = [];
  for (let k = 0; k < P.length; k++) out.push([Y[k], F[k]]);
  if (P.length === 2 && P[1] > P[0]) out.reverse(); // equal pT: first created leads
  return out;
}

/** Pixelises one jet into img (npix * npix, float64), returns the number of particles dropped. */
export function jetImage(pt: Float64Array, y: Float64Array, phi: Float64Array, o: Resolved, img: Float64Array, mass?: Float64Array): number {
  const M = pt.length;
  if (M === 0) return 0;
  // phi relative to the E-scheme jet axis, wrapped, so jets straddling +-pi stay in one piece
  let px = 0;
  let py = 0;
  for (let i = 0; i < M; i++) {
    px += pt[i] * Math.cos(phi[i]);
    py += pt[i] * Math.sin(phi[i]);
  }
  const phi0 = o.center === 'none' ? 0 : Math.atan2(py, px);
  const dy = new Float64Array(M);
  const dp = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    dy[i] = y[i];
    dp[i] = wrapPhi(phi[i] - phi0);
  }
  const subjets = o.center === 'leading' || o.rotate === 'subjet' ? kTSubjets(pt, y, phi, mass) : [];
  let cy = 0;
  let cp = 0;
  if (o.center === 'centroid') {
    let s = 0;
    for (let i = 0; i < M; i++) {
      cy += pt[i] * dy[i];
      cp += pt[i] * dp[i];
      s += pt[i];
    }
    cy /= s;
    cp /= s;
  } else if (o.center === 'leading') {
    cy = subjets[0][0];
    cp = wrapPhi(subjets[0][1] - phi0);
  }
  for (let i = 0; i < M; i++) {
    dy[i] -= cy;
    dp[i] -= cp;
  }
  const theta = rotationAngle(pt, dy, dp, o, subjets, phi0, cy, cp);
  if (theta !== undefined) {
    // rotate by alpha = pi/2 - theta: the chosen direction goes to +phi
    const c = Math.cos(Math.PI / 2 - theta);
    const s = Math.sin(Math.PI / 2 - theta);
    for (let i = 0; i < M; i++) {
      const [a, b] = [dy[i], dp[i]];
      dy[i] = c * a - s * b;
      dp[i] = s * a + c * b;
    }
  }
  // Snap coordinates within 1e-12 of an axis onto it: after a subjet rotation the second subjet's particles sit on
  // dy = 0 up to rounding, and rounding must not decide a flip or a pixel (the native kernel does the same).
  for (let i = 0; i < M; i++) {
    if (Math.abs(dy[i]) < SNAP) dy[i] = 0;
    if (Math.abs(dp[i]) < SNAP) dp[i] = 0;
  }
  if (o.flip) flip(pt, dy, dp);
  return pixelise(pt, dy, dp, o, img);
}

/** Angle (from +y) of the direction to bring along +phi, or undefined for no rotation. */
function rotationAngle(pt: Float64Array, dy: Float64Array, dp: Float64Array, o: Resolved, subjets: [number, number][], phi0: number, cy: number, cp: number): number | undefined {
  if (o.rotate === 'principal') {
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    for (let i = 0; i < pt.length; i++) {
      sxx += pt[i] * dy[i] * dy[i];
      syy += pt[i] * dp[i] * dp[i];
      sxy += pt[i] * dy[i] * dp[i];
    }
    if (sxy === 0 && sxx === syy) return undefined;
    return 0.5 * Math.atan2(2 * sxy, sxx - syy);
  }
  if (o.rotate === 'subjet' && subjets.length === 2) {
    const sy = subjets[1][0] - cy;
    const sp = wrapPhi(subjets[1][1] - phi0) - cp;
    if (sy === 0 && sp === 0) return undefined;
    return Math.atan2(sp, sy);
  }
  return undefined;
}

function flip(pt: Float64Array, dy: Float64Array, dp: Float64Array): void {
  let ly = 0;
  let ry = 0;
  let lp = 0;
  let rp = 0;
  for (let i = 0; i < pt.length; i++) {
    if (dy[i] > 0) ry += pt[i];
    else if (dy[i] < 0) ly += pt[i];
    if (dp[i] > 0) rp += pt[i];
    else if (dp[i] < 0) lp += pt[i];
  }
  for (let i = 0; i < pt.length; i++) {
    if (ly > ry) dy[i] = -dy[i];
    if (lp > rp) dp[i] = -dp[i];
  }
}

function pixelise(pt: Float64Array, dy: Float64Array, dp: Float64Array, o: Resolved, img: Float64Array): number {
  const { npix, width } = o;
  let dropped = 0;
  let total = 0;
  for (let i = 0; i < pt.length; i++) {
    const c = Math.floor(((dy[i] + width) / (2 * width)) * npix);
    const r = Math.floor(((dp[i] + width) / (2 * width)) * npix);
    if (!(c >= 0 && c < npix && r >= 0 && r < npix)) {
      dropped++;
      continue;
    }
    img[r * npix + c] += pt[i];
    total += pt[i];
  }
  if (o.normalize && total > 0) for (let k = 0; k < img.length; k++) img[k] /= total;
  return dropped;
}

/** Jet images, float32 (N, npix, npix), rows = phi, columns = y. */
export async function jetImages(jets: JetsLike, opts: ImageOptions & RunOptions = {}): Promise<JetImages> {
  const batch = toJetBatch(jets);
  const o = resolveImageOptions(opts);
  const { kernel } = getKernel('images', opts.backend);
  return kernel(batch, o, opts);
}
