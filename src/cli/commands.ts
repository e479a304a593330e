// Every CLI command registers itself here: one file per command in src/cli/, with the command names it defines.
// Modules load lazily: `jetlens efp` imports only efp.ts and what it needs (not TensorFlow.js, Vega or BullMQ),
// which keeps a process's start-up short (it is paid once per shard in a sharded run).
import type { Register } from './util.js';

interface CommandModule {
  names: string[];
  load: () => Promise<{ register: Register }>;
  /** An entry that scripts/bundle-cli.js bundles into `${bundle}.bundle.js`, run instead when current (index.ts). */
  bundle?: string;
}

export const commands: CommandModule[] = [
  { names: ['study', 'guide'], load: () => import('./study.js') },
  { names: ['efp', 'efp-graphs'], load: () => import('./efp.js'), bundle: 'efp-main' },
  { names: ['generate'], load: () => import('./generate.js') },
  { names: ['info'], load: () => import('./info.js') },
  { names: ['observables'], load: () => import('./observables.js') },
  { names: ['groom'], load: () => import('./groom.js') },
  { names: ['images'], load: () => import('./images.js') },
  { names: ['report'], load: () => import('./report.js') },
  { names: ['merge', 'run-shards'], load: () => import('./shards.js') },
  { names: ['plan'], load: () => import('./plan.js') },
  { names: ['serve'], load: () => import('./serve.js') },
  { names: ['train'], load: () => import('./train.js') },
  { names: ['predict'], load: () => import('./predict.js') },
  { names: ['export'], load: () => import('./export.js') },
  { names: ['auc'], load: () => import('./auc.js') },
  { names: ['ado'], load: () => import('./ado.js') },
  { names: ['semd'], load: () => import('./semd.js') },
  { names: ['knn'], load: () => import('./knn.js') },
  { names: ['smear'], load: () => import('./smear.js') },
  { names: ['nn-scaling'], load: () => import('./nn-scaling.js') },
  { names: ['worker'], load: () => import('./worker.js') },
  { names: ['uncertainty'], load: () => import('./uncertainty.js') },
];

/** The register functions for `name` (its module only), or for every command when name is not one (help, errors). */
export async function loadCommands(name?: string): Promise<Register[]> {
  const own = commands.filter((c) => name !== undefined && c.names.includes(name));
  const mods = await Promise.all((own.length ? own : commands).map((c) => c.load()));
  return mods.map((m) => m.register);
}
