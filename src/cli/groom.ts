import type { Command } from 'commander';
import { formatOf, readJets, writeJets, writeTable } from '../io/index.js';
import { groom, type GroomSpec } from '../jss/groom.js';
import { withMasses, withPdgMasses } from '../jets/pdg.js';
import { action, info, intOption, numberList, progress, type Register } from './util.js';

interface Opts {
  in: string;
  out: string;
  dataset: string;
  trim?: number[];
  softDrop?: number[];
  algorithm?: string;
  r0: number;
  masses: string;
  info?: string;
  threads: number;
  backend: string;
}

const HELP = `
Grooming (docs in src/jss/groom.ts; FastJet / fjcontrib conventions):
  --trim R_SUB,F_CUT      re-cluster each jet's constituents into subjets of radius R_SUB (kT, or --algorithm ca) and
                          drop the subjets with pT_sub < F_CUT * pT_jet (Krohn, Thaler, Wang; e.g. --trim 0.2,0.03).
  --soft-drop Z_CUT,BETA  re-cluster with C/A (or --algorithm kt) and decluster from the top, dropping the softer
                          branch until min(pT1, pT2) / (pT1 + pT2) > Z_CUT (DeltaR_12 / R0)^BETA (Larkoski et al.;
                          e.g. --soft-drop 0.1,0; BETA = 0 is mMDT without the mass-drop condition). A jet that
                          declusters to one constituent keeps it.
Output: the same jets (order, labels, weights, pid) with the groomed-away constituents removed, in the format of
--out's extension. --info writes a per-jet table (.csv or .npz): mult_before, mult_after and, for trimming,
subjets_kept, subjets; for soft drop, zg and rg (0 when no splitting passed).
Masses: --masses auto (default) uses a mass column when the input has one (a 5th column / 'mass' CSV column) and is
massless otherwise; pid takes masses from the PDG ids (as EnergyFlow's pids2ms; table in src/jets/pdg.ts); none
ignores masses. Masses enter the 4-vector sums (subjet pT, merged directions) and are written as a 5th column
(pt, y, phi, pid, mass) so that later commands (observables, images) use them too.
Examples:
  jetlens groom --in w.npz --out w-trim.npz --trim 0.2,0.05
  jetlens groom --in qcd.npz --out qcd-sd.npz --soft-drop 0.1,1 --r0 1.0 --info qcd-sd.csv`;

function pair(name: string, v: number[] | undefined): [number, number] | undefined {
  if (v === undefined) return undefined;
  if (v.length !== 2) throw new Error(`--${name}: expected two comma-separated numbers, got ${v.length}`);
  return [v[0], v[1]];
}

export function specOf(o: Pick<Opts, 'trim' | 'softDrop' | 'algorithm' | 'r0'>): GroomSpec {
  const trim = pair('trim', o.trim);
  const sd = pair('soft-drop', o.softDrop);
  if ((trim === undefined) === (sd === undefined)) throw new Error('give exactly one of --trim R_SUB,F_CUT and --soft-drop Z_CUT,BETA');
  if (o.algorithm !== undefined && o.algorithm !== 'kt' && o.algorithm !== 'ca') throw new Error(`--algorithm: expected kt or ca, got '${o.algorithm}'`);
  const algorithm = o.algorithm as 'kt' | 'ca' | undefined;
  if (trim) return { method: 'trim', rSub: trim[0], fCut: trim[1], algorithm };
  return { method: 'softdrop', zCut: sd![0], beta: sd![1], R0: o.r0, algorithm };
}

async function run(o: Opts): Promise<void> {
  const spec = specOf(o);
  if (!['auto', 'pid', 'none'].includes(o.masses)) throw new Error(`--masses: expected auto, pid or none, got '${o.masses}'`);
  formatOf(o.out);
  if (o.info !== undefined && !/\.(csv|npz)$/i.test(o.info)) throw new Error(`--info: expected a .csv or .npz file (got ${o.info})`);
  let jets = await readJets(o.in, { dataset: o.dataset });
  if (o.masses === 'pid') jets = withPdgMasses(jets, o.in);
  if (o.masses === 'none' && jets.mass) jets = withMasses(jets, undefined);
  const bar = progress('groom', jets.length);
  const t0 = Date.now();
  const r = await groom(jets, spec, { threads: o.threads, backend: o.backend, onProgress: (d, n) => bar.update(d, n) }).finally(() => bar.stop());
  await writeJets(o.out, r.jets);
  const dropped = jets.size - r.jets.size;
  info(`groom: ${jets.length} jets, ${dropped} of ${jets.size} constituents dropped (${spec.method}) -> ${o.out} (${((Date.now() - t0) / 1000).toFixed(2)} s)`);
  if (o.info === undefined) return;
  const n = jets.length;
  const table: Record<string, Float64Array> = {
    mult_before: Float64Array.from({ length: n }, (_, j) => jets.mult(j)),
    mult_after: Float64Array.from({ length: n }, (_, j) => r.jets.mult(j)),
  };
  const [a, b] = spec.method === 'trim' ? ['subjets_kept', 'subjets'] : ['zg', 'rg'];
  table[a] = Float64Array.from({ length: n }, (_, j) => r.info[2 * j]);
  table[b] = Float64Array.from({ length: n }, (_, j) => r.info[2 * j + 1]);
  await writeTable(o.info, table);
}

export const register: Register = (program: Command) =>
  program
    .command('groom')
    .description('groom jets: trimming (--trim R_SUB,F_CUT) or soft drop (--soft-drop Z_CUT,BETA), by kT / C-A re-clustering')
    .requiredOption('--in <file>', 'jets (.npz, .npy, .h5, .csv, .jsonl)')
    .requiredOption('--out <file>', 'groomed jets to write (.npz, .npy, .h5, .csv, .jsonl)')
    .option('--dataset <name>', 'array/dataset holding the particles', 'X')
    .option('--trim <r_sub,f_cut>', 'trimming: subjet radius and pT fraction, e.g. 0.2,0.05', numberList('trim'))
    .option('--soft-drop <z_cut,beta>', 'soft drop: z_cut and beta, e.g. 0.1,0', numberList('soft-drop'))
    .option('--algorithm <name>', 're-clustering: kt or ca (default: kt for --trim, ca for --soft-drop)')
    .option('--r0 <R0>', 'soft drop: the angular scale R0 (usually the jet radius)', (v) => {
      const x = Number(v);
      if (v.trim() === '' || !Number.isFinite(x)) throw new Error(`--r0: expected a number, got '${v}'`);
      return x;
    }, 1)
    .option('--masses <from>', 'constituent masses: auto (a mass column if present), pid (PDG ids), none', 'auto')
    .option('--info <file>', 'per-jet grooming table (.csv or .npz)')
    .option('--threads <n>', 'worker threads for the native kernel (0 = all cores)', intOption('threads', 0), 0)
    .option('--backend <name>', 'kernel backend: auto, native, reference', 'auto')
    .addHelpText('after', HELP)
    .action(action(run));
