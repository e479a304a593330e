import type { RandomStream as Rng } from './rng.js';
import type { CalorimeterOptions, SmearOptions, TowerPosition } from './options.js';
import { massOf } from './hadrons.js';
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
    // Open addressing on (iy, iphi): the first cell with these indices, or a new one (same k as a linear search).
    let h = (Math.imul(buf[i] | 0, 0x9e3779b1) ^ Math.imul(buf[n + i] | 0, 0x85ebca6b)) & mask;
    let k = m;
    for (;;) {
      if (tableStamp[h] !== stamp) {
        tableStamp[h] = stamp;
        table[h] = m;
        break;
      }
      const c = table[h];
      if (buf[c] === buf[i] && buf[n + c] === buf[n + i]) {
        k = c;
        break;
      }
      h = (h + 1) & mask;
    }
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
  for (let k = 0; k < m; k++) {
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
