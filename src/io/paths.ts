/**
 * Refuses to write over an input: every output path (sidecars and manifests included) is resolved the way the OS
 * will resolve it (symlinks, `..`, hard links) and compared with every input and every other output, before any
 * work starts. One helper for the CLI, the queue and merge.
 */
import { lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { JetlensInputError } from '../errors.js';

/** Where writing or reading `file` lands: [canonical path, device:inode when the file exists]. */
function identity(file: string, depth = 0): { path: string; inode?: string } {
  const abs = resolve(file);
  try {
    const st = statSync(abs); // follows symlinks
    return { path: realpathSync(abs), inode: `${st.dev}:${st.ino}` };
  } catch {
    // Not there (yet), or a dangling symlink: writing follows the link, so resolve it by hand.
    try {
      if (depth < 16 && lstatSync(abs).isSymbolicLink()) return identity(resolve(dirname(abs), readlinkSync(abs)), depth + 1);
    } catch {
      /* nothing at this path */
    }
    let dir: string;
    try {
      dir = realpathSync(dirname(abs));
    } catch {
      dir = dirname(abs);
    }
    return { path: resolve(dir, basename(abs)) };
  }
}

const same = (a: { path: string; inode?: string }, b: { path: string; inode?: string }) =>
  a.path === b.path || (a.inode !== undefined && a.inode === b.inode);

/**
 * Throws a JetlensInputError naming the output when an output resolves to an input or to another output.
 * `undefined` entries are ignored (optional files).
 */
export function refuseOverwrite(inputs: readonly (string | undefined)[], outputs: readonly (string | undefined)[]): void {
  const ins = inputs.filter((f): f is string => !!f).map((f) => ({ f, id: identity(f) }));
  const outs = outputs.filter((f): f is string => !!f).map((f) => ({ f, id: identity(f) }));
  for (const [i, o] of outs.entries()) {
    const hit = ins.find((x) => same(x.id, o.id));
    if (hit) throw new JetlensInputError(`refusing to write over the input '${hit.f}' (the same file${hit.f === o.f ? '' : ` as ${o.id.path}`}); choose another output name`, { file: o.f });
    const twice = outs.slice(0, i).find((x) => same(x.id, o.id));
    if (twice) throw new JetlensInputError(`two outputs of this run are the same file ('${twice.f}' and '${o.f}')`, { file: o.f });
  }
}

/** `<out without its extension>.json`: the column sidecar that `efp` and friends write next to an output. */
export function sidecarOf(out: string): string {
  const b = basename(out);
  const dot = b.lastIndexOf('.');
  return dot > 0 ? out.slice(0, out.length - (b.length - dot)) + '.json' : `${out}.json`;
}
