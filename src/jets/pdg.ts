/**
 * Masses from PDG particle ids (the role of EnergyFlow's `pids2ms`): one documented table, in GeV, from the
 * Review of Particle Physics (PDG 2022, R.L. Workman et al., PTEP 2022 083C01), for the particles that reach a
 * detector or a generator's final state. Antiparticles (negative ids) have the mass of the particle. Id 0 means
 * "unknown" in jetlens (a batch without ids writes 0) and counts as massless.
 */
import { JetlensInputError } from '../errors.js';
import { JetBatch } from './batch.js';

/** |pid| -> mass in GeV. */
export const PDG_MASSES: Readonly<Record<number, number>> = Object.freeze({
  0: 0, // unknown id: massless
  11: 0.00051099895, // e
  12: 0, // nu_e
  13: 0.1056583755, // mu
  14: 0, // nu_mu
  15: 1.77686, // tau
  16: 0, // nu_tau
  21: 0, // gluon
  22: 0, // photon
  111: 0.1349768, // pi0
  211: 0.13957039, // pi+-
  130: 0.497611, // K0_L
  310: 0.497611, // K0_S
  311: 0.497611, // K0
  321: 0.493677, // K+-
  221: 0.547862, // eta
  2112: 0.93956542052, // n
  2212: 0.93827208816, // p
  3122: 1.115683, // Lambda
  3112: 1.197449, // Sigma-
  3212: 1.192642, // Sigma0
  3222: 1.18937, // Sigma+
  3312: 1.32171, // Xi-
  3322: 1.31486, // Xi0
  3334: 1.67245, // Omega-
});

/** Mass of a PDG id in GeV, or undefined when the table does not have it. */
export function pdgMass(pid: number): number | undefined {
  return Number.isInteger(pid) ? PDG_MASSES[Math.abs(pid)] : undefined;
}

/** Masses of every constituent from its id; an id not in the table is an error naming the jet and particle. */
export function massesFromPids(batch: JetBatch, file?: string): Float64Array {
  if (!batch.pid) throw new JetlensInputError('masses from PDG ids: the jets have no pid column', { file, field: 'pid' });
  const out = new Float64Array(batch.size);
  for (let j = 0; j < batch.length; j++) {
    for (let i = batch.offsets[j]; i < batch.offsets[j + 1]; i++) {
      const m = pdgMass(batch.pid[i]);
      if (m === undefined) {
        const known = Object.keys(PDG_MASSES).join(', ');
        throw new JetlensInputError(`no mass for PDG id ${batch.pid[i]} (known |id|: ${known})`, { file, jet: j, particle: i - batch.offsets[j], field: 'pid' });
      }
      out[i] = m;
    }
  }
  return out;
}

/** The same jets with the mass column set from the PDG ids (EnergyFlow's pids2ms). */
export function withPdgMasses(batch: JetBatch, file?: string): JetBatch {
  return withMasses(batch, massesFromPids(batch, file));
}

/** The same jets with the given mass column (undefined: massless). Shares the other arrays. */
export function withMasses(batch: JetBatch, mass: Float64Array | undefined): JetBatch {
  return new JetBatch({
    offsets: batch.offsets, pt: batch.pt, y: batch.y, phi: batch.phi, pid: batch.pid, mass, labels: batch.labels, weights: batch.weights,
  });
}
