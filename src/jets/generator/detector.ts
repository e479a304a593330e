import type { RandomStream as Rng } from './rng.js';
import type { CalorimeterOptions, SmearOptions, TowerPosition } from './options.js';
import { massOf } from './hadrons.js';
import type { MomentumList } from './momenta.js';
import type { JetParticles } from './particles.js';

const PHI_LIMIT = 3 * Math.PI;
/** Reused cell-index buffers of mergeCells (the generator is single-threaded per process/worker). */
let scratch = new Float64Array(384);
/** mergeCells' hash table of cells (index into the cells found so far), valid where tableStamp equals stamp. */
let table = new Int32Array(256);
let tableStamp = new Uint32Array(256);
let stamp = 0;

/**
 * Math.cosh memoised by exact argument (direct-mapped, 64 slots, keyed by the value itself, so a hit returns exactly
 * what Math.cosh would): tower cell centres repeat from particle to particle and between the tower steps.
 */
const COSH_SLOTS = 64;
const coshKey = new Float64Array(COSH_SLOTS).fill(NaN);
const coshVal = new Float64Array(COSH_SLOTS);
function coshCentre(x: number, invCell: number): number {
  const h = Math.floor(x * invCell) & (COSH_SLOTS - 1);
  if (coshKey[h] === x) return coshVal[h];
  const c = Math.cosh(x);
  coshKey[h] = x;
  coshVal[h] = c;
  return c;
}
/** Per tower: the rapidity jitterInCells placed it at and its cosh, for the resolution step (same value, no recompute). */
let towerY = new Float64Array(128);
let towerCosh = new Float64Array(128);

function cellTable(n: number): Int32Array {
  if (table.length < 2 * n) {
    let size = table.length;
    while (size < 2 * n) size *= 2;
    table = new Int32Array(size);
    tableStamp = new Uint32Array(size);
    stamp = 0;
  }
  if (stamp >= 0xfffffff0) {
    tableStamp.fill(0);
    stamp = 0;
  }
  return table;
}

/**
 * Toy detector, applied only when asked: Gaussian relative pT resolution, a calorimeter-like (y, phi) grid whose
 * cells merge the particles they hold (pT summed, placed at the cell centre, pid of the hardest), then a minimum
 * particle pT. The grid is absolute (fixed in the detector): y0, phi0 are the jet axis; the azimuthal cell size is
 * adjusted so that a whole number of cells spans 2 pi.
 */
export function applyDetector(rng: Rng, p: JetParticles, s: Required<SmearOptions>, y0: number, phi0: number): void {
  if (s.ptResolution > 0) {
    for (let i = 0; i < p.n; i++) p.pt[i] *= 1 + s.ptResolution * rng.normal();
    p.filter((i) => p.pt[i] > 0);
  }
  if (s.cell > 0) mergeCells(p, s.cell, y0, phi0);
  if (s.ptMin > 0) p.filter((i) => p.pt[i] >= s.ptMin);
}

/**
 * Merges the particles of each (y, phi) cell into one at the cell centre with the summed pT; its pid is the
 * hardest particle's, or `towerPid` when given (calorimeter towers: 0, no identity, massless).
 */
export function mergeCells(p: JetParticles, cell: number, y0: number, phi0: number, towerPid?: number): void {
  const dphiCell = (2 * Math.PI) / Math.max(1, Math.round((2 * Math.PI) / cell));
  if (scratch.length < 3 * p.n) scratch = new Float64Array(Math.max(2 * scratch.length, 3 * p.n));
  // One buffer, three columns (no per-jet allocation, not even subarray views): iy, iphi, hardest.
  const buf = scratch;
  const n = p.n;
  for (let i = 0; i < p.n; i++) {
    buf[i] = Math.floor((y0 + p.dy[i]) / cell);
    buf[n + i] = Math.floor((phi0 + p.dphi[i]) / dphiCell);
  }
  let m = 0;
  const table = cellTable(n);
  const mask = table.length - 1;
  stamp++;
  for (let i = 0; i < p.n; i++) {
    const k = cellSlot(buf, n, m, buf[i], buf[n + i], table, mask);
    if (k === m) {
      buf[m] = buf[i];
      buf[n + m] = buf[n + i];
      p.pt[m] = p.pt[i];
      p.pid[m] = p.pid[i];
      buf[2 * n + m] = p.pt[i];
      m++;
    } else {
      if (p.pt[i] > buf[2 * n + k]) {
        buf[2 * n + k] = p.pt[i];
        p.pid[k] = p.pid[i];
      }
      p.pt[k] += p.pt[i];
    }
  }
  p.n = m;
  if (towerPid !== undefined) p.pid.fill(towerPid, 0, m);
  placeAtCentres(p, buf, n, cell, dphiCell, y0, phi0);
}

/**
 * Open addressing on (iy, iphi) over the m cells found so far (indices in buf at k and n + k): the first cell with
 * these indices, or m when it is new (then entered in the table; the same k as a linear search).
 */
function cellSlot(buf: Float64Array, n: number, m: number, iy: number, iphi: number, table: Int32Array, mask: number): number {
  let h = (Math.imul(iy | 0, 0x9e3779b1) ^ Math.imul(iphi | 0, 0x85ebca6b)) & mask;
  for (;;) {
    if (tableStamp[h] !== stamp) {
      tableStamp[h] = stamp;
      table[h] = m;
      return m;
    }
    const c = table[h];
    if (buf[c] === iy && buf[n + c] === iphi) return c;
    h = (h + 1) & mask;
  }
}

/** The p.n cells at their centres, from the indices in buf (iy at k, iphi at n + k). */
function placeAtCentres(p: JetParticles, buf: Float64Array, n: number, cell: number, dphiCell: number, y0: number, phi0: number): void {
  for (let k = 0; k < p.n; k++) {
    p.dy[k] = (buf[k] + 0.5) * cell - y0;
    let centre = (buf[n + k] + 0.5) * dphiCell;
    // Keep |phi| <= 3 pi (JetBatch's limit): a cell centre may sit half a cell past the particle it holds.
    if (centre > PHI_LIMIT) centre -= dphiCell;
    else if (centre < -Math.PI) centre += dphiCell;
    p.dphi[k] = centre - phi0;
  }
}

/**
 * Calorimeter towers (Delphes-like): every (y, phi) cell of size `cell` becomes one massless particle (pid 0)
 * carrying the energy of the hadrons in it, so a massive hadron's energy is counted in full; by default
 * (`position` 'random') the tower sits at a uniformly random point of its cell, as Delphes places its towers
 * (Calorimeter::FinalizeTower, SmearTowerCenter), otherwise at the cell centre; tower pT = E / cosh(y_tower).
 * Then a Gaussian energy resolution sigma/E = stochastic/sqrt(E) (+) constant; towers smeared to E <= 0 are dropped.
 * Why random: towers pinned to the centres of a regular grid make many pairwise distances exactly equal and
 * quantise the angles of soft towers around the jet's prongs; real towers are measured where the shower is.
 */
export function applyTowers(
  rng: Rng, p: JetParticles, cell: number, y0: number, phi0: number, cal: CalorimeterOptions, position: TowerPosition = 'random',
): void {
  const invCell = 1 / cell;
  for (let i = 0; i < p.n; i++) {
    const m = massOf(p.pid[i]);
    const y = y0 + p.dy[i];
    const yc = (Math.floor(y / cell) + 0.5) * cell;
    const mt = m === 0 ? p.pt[i] : Math.sqrt(p.pt[i] * p.pt[i] + m * m);
    p.pt[i] = (mt * Math.cosh(y)) / coshCentre(yc, invCell);
  }
  mergeCells(p, cell, y0, phi0, 0);
  finishTowers(rng, p, cell, y0, cal, position);
}

/**
 * JetMaker.toJetCoordinates and applyTowers up to its mergeCells in one pass over the momenta (px, py, pz, mass,
 * PDG id in the jet frame), for when nothing moves the particles in between (no UE, no smearing): the same towers
 * bit for bit (same Math calls on the same arguments, same sums in the same order, same first-occurrence cell
 * order), without writing and re-reading every particle, and without a Math.atan2 per particle: a particle's
 * azimuth only picks its phi cell here, which cellPhiIndex finds from a polynomial atan with a proven error bound
 * (exact atan2 where the bound does not settle the cell). Then the jitter and resolution of applyTowers.
 */
export function towersFromMomenta(
  rng: Rng, h: MomentumList, p: JetParticles, cell: number, y0: number, phi0: number, cal: CalorimeterOptions,
  position: TowerPosition = 'random',
): void {
  const n = h.n;
  p.reserve(n);
  const dphiCell = (2 * Math.PI) / Math.max(1, Math.round((2 * Math.PI) / cell));
  if (scratch.length < 2 * n) scratch = new Float64Array(Math.max(2 * scratch.length, 2 * n));
  const buf = scratch; // by tower: iy at k, iphi at n + k
  const table = cellTable(n);
  const mask = table.length - 1;
  stamp++;
  const invCell = 1 / cell;
  const hx = h.px, hy = h.py, hz = h.pz, hm = h.m, tag = h.tag, tpt = p.pt;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const x = hx[i], yv = hy[i];
    const pt = Math.sqrt(x * x + yv * yv);
    if (!(pt > 0)) continue; // toJetCoordinates: exactly along the beam, no particle
    const mass = hm[i];
    const mtH = mass === 0 ? pt : Math.sqrt(pt * pt + mass * mass);
    const y = y0 + Math.asinh(hz[i] / mtH); // y0 + toJetCoordinates' dy
    const iy = Math.floor(y / cell);
    // applyTowers' energy of the particle at its cell's rapidity (its mass from the PDG id, as there).
    const mT = massOf(tag[i]);
    const mt = mT === 0 ? pt : mT === mass ? mtH : Math.sqrt(pt * pt + mT * mT);
    const e = (mt * Math.cosh(y)) / coshCentre((iy + 0.5) * cell, invCell);
    const iphi = cellPhiIndex(x, yv, phi0, dphiCell);
    const k = cellSlot(buf, n, m, iy, iphi, table, mask);
    if (k === m) {
      buf[m] = iy;
      buf[n + m] = iphi;
      tpt[m] = e;
      m++;
    } else tpt[k] += e;
  }
  p.n = m;
  p.pid.fill(0, 0, m);
  placeAtCentres(p, buf, n, cell, dphiCell, y0, phi0);
  finishTowers(rng, p, cell, y0, cal, position);
}

/**
 * Math.floor((phi0 + Math.atan2(y, x)) / d), d > 0, exactly, mostly without atan2. For x > 0, |y| <= x, atanUnit(y / x)
 * is within 4e-8 of atan2(y, x) (polynomial error 3.8e-8 over [-1, 1], checked on a 2e7-point grid by
 * test/generator-towers.test.ts; rounding of y / x and atan2's own error ~1e-16), so atan2 lies in [a - EPS, a + EPS].
 * t -> floor(fl(fl(phi0 + t) / d)) is non-decreasing (rounding is monotone), so when both ends give one index, so
 * does atan2. Otherwise (a cell edge within EPS: ~2e-5 of particles at 0.1 cells), or outside that octant, atan2.
 */
export function cellPhiIndex(x: number, y: number, phi0: number, d: number): number {
  if (x > 0 && Math.abs(y) <= x) {
    const a = atanUnit(y / x);
    const lo = Math.floor((phi0 + (a - ATAN_EPS)) / d);
    if (lo === Math.floor((phi0 + (a + ATAN_EPS)) / d)) return lo;
  }
  return Math.floor((phi0 + Math.atan2(y, x)) / d);
}

/** Bound used by cellPhiIndex: 25 times atanUnit's largest error. */
export const ATAN_EPS = 1e-6;

/** atan(r) for |r| <= 1 within 3.8e-8 (Abramowitz & Stegun 4.4.49's odd polynomial of degree 15). */
export function atanUnit(r: number): number {
  const s = r * r;
  return r * (0.9999993329 + s * (-0.3332985605 + s * (0.1994653599 + s * (-0.1390853351 + s * (0.0964200441 +
    s * (-0.0559098861 + s * (0.0218612288 - s * 0.004054058)))))));
}

/** applyTowers after mergeCells: jitter in the cells, then the energy resolution (towers at E <= 0 dropped). */
function finishTowers(rng: Rng, p: JetParticles, cell: number, y0: number, cal: CalorimeterOptions, position: TowerPosition): void {
  const jittered = position === 'random';
  if (jittered) jitterInCells(rng, p, cell, y0);
  if (cal.stochastic === 0 && cal.constant === 0) return;
  for (let k = 0; k < p.n; k++) {
    const yk = y0 + p.dy[k];
    const e = p.pt[k] * (jittered && yk === towerY[k] ? towerCosh[k] : Math.cosh(yk));
    const a = cal.stochastic / Math.sqrt(e), b = cal.constant;
    p.pt[k] *= 1 + Math.sqrt(a * a + b * b) * rng.normal();
  }
  p.keepPositivePt();
}

/** Moves each tower (at its cell centre) to a uniform point of its cell, keeping its energy E = pT cosh y. */
function jitterInCells(rng: Rng, p: JetParticles, cell: number, y0: number): void {
  const dphiCell = (2 * Math.PI) / Math.max(1, Math.round((2 * Math.PI) / cell));
  if (towerY.length < p.n) {
    towerY = new Float64Array(2 * p.n);
    towerCosh = new Float64Array(2 * p.n);
  }
  const invCell = 1 / cell;
  for (let k = 0; k < p.n; k++) {
    const yc = y0 + p.dy[k];
    const y = yc + cell * (rng.uniform() - 0.5);
    const c = Math.cosh(y);
    towerY[k] = y;
    towerCosh[k] = c;
    p.pt[k] *= coshCentre(yc, invCell) / c;
    p.dy[k] = y - y0;
    p.dphi[k] += dphiCell * (rng.uniform() - 0.5);
  }
}
