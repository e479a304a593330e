import { existsSync, readFileSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { JetlensInputError } from '../errors.js';
import { formatOf, parseNpy, parseNpz, writeNpy, writeNpz, type NdArray } from '../io/index.js';
import { readManifest, type Manifest } from './shard.js';

/**
 * Merges shard parts into the file an unsharded run would have written (same bytes): checks that the manifests
 * agree (command, input hash, settings, shard count), that every shard is present once and that the row ranges
 * tile the input with no gap or overlap; then concatenates along the jet axis.
 */
export async function mergeParts(parts: string[], out: string): Promise<Manifest[]> {
  if (parts.length === 0) throw new JetlensInputError('merge: no parts given');
  const ms = parts.map((p) => ({ ...readManifest(p), output: p }));
  checkManifests(ms);
  ms.sort((a, b) => a.shard.k - b.shard.k);
  const files = ms.map((m) => m.output);
  const fmt = formatOf(out);
  if (fmt !== formatOf(files[0])) throw new JetlensInputError(`merge: parts are ${extname(files[0])}, output is ${extname(out)}`, { file: out });
  if (fmt === 'npy') await writeNpy(out, concat(await Promise.all(files.map(async (f) => parseNpy(await readFile(f), f, true))), out));
  else if (fmt === 'npz') await writeNpz(out, await mergeNpz(files, out));
  else if (fmt === 'csv') await writeFile(out, await mergeCsv(files));
  else throw new JetlensInputError(`merge: cannot merge ${extname(out)} parts`, { file: out });
  await copySidecar(files, out);
  return ms;
}

function checkManifests(ms: Manifest[]): void {
  const first = ms[0];
  for (const m of ms) {
    const where = { file: m.output };
    if (m.command !== first.command) throw new JetlensInputError(`merge: part is from '${m.command}', not '${first.command}'`, where);
    if (m.input.sha256 !== first.input.sha256) throw new JetlensInputError(`merge: part was made from a different input (${m.input.file})`, where);
    if (JSON.stringify(m.settings) !== JSON.stringify(first.settings)) throw new JetlensInputError('merge: part was made with different settings', where);
    if (m.shard.n !== first.shard.n) throw new JetlensInputError(`merge: part is one of ${m.shard.n} shards, others of ${first.shard.n}`, where);
  }
  const seen = new Map<number, string>();
  for (const m of ms) {
    if (seen.has(m.shard.k)) throw new JetlensInputError(`merge: shard ${m.shard.k}/${m.shard.n} given twice (${seen.get(m.shard.k)} and ${m.output})`);
    seen.set(m.shard.k, m.output);
  }
  const missing = Array.from({ length: first.shard.n }, (_, k) => k).filter((k) => !seen.has(k));
  if (missing.length) throw new JetlensInputError(`merge: missing shard(s) ${missing.map((k) => `${k}/${first.shard.n}`).join(', ')}`);
  const sorted = [...ms].sort((a, b) => a.shard.k - b.shard.k);
  let next = 0;
  for (const m of sorted) {
    if (m.rows[0] !== next) throw new JetlensInputError(`merge: rows ${m.rows[0]}..${m.rows[1]} leave a gap or overlap at ${next}`, { file: m.output });
    next = m.rows[1];
  }
  if (next !== first.input.jets) throw new JetlensInputError(`merge: parts cover ${next} of ${first.input.jets} jets`);
}

function concat(arrays: NdArray[], out: string): NdArray {
  const tail = JSON.stringify(arrays[0].shape.slice(1));
  for (const a of arrays) {
    if (JSON.stringify(a.shape.slice(1)) !== tail) throw new JetlensInputError('merge: parts have different row shapes', { file: out });
    if (a.data.constructor !== arrays[0].data.constructor) throw new JetlensInputError('merge: parts have different dtypes', { file: out });
  }
  const rows = arrays.reduce((s, a) => s + (a.shape[0] ?? 0), 0);
  const total = arrays.reduce((s, a) => s + a.data.length, 0);
  const data = new (arrays[0].data.constructor as { new (n: number): NdArray['data'] })(total);
  let off = 0;
  for (const a of arrays) {
    data.set(a.data as never, off);
    off += a.data.length;
  }
  return { data, shape: [rows, ...arrays[0].shape.slice(1)] };
}

async function mergeNpz(files: string[], out: string): Promise<Record<string, NdArray>> {
  const parts = await Promise.all(files.map(async (f) => parseNpz(await readFile(f), f)));
  const keys = Object.keys(parts[0]);
  for (const [i, p] of parts.entries()) {
    if (JSON.stringify(Object.keys(p)) !== JSON.stringify(keys)) throw new JetlensInputError('merge: parts hold different arrays', { file: files[i] });
  }
  return Object.fromEntries(keys.map((k) => [k, concat(parts.map((p) => p[k]), out)]));
}

async function mergeCsv(files: string[]): Promise<string> {
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
  const header = texts[0].slice(0, texts[0].indexOf('\n') + 1);
  return header + texts.map((t, i) => {
    if (!t.startsWith(header)) throw new JetlensInputError('merge: CSV parts have different headers', { file: files[i] });
    return t.slice(header.length);
  }).join('');
}

/** Commands such as `efp` write a sidecar `<out without extension>.json`; it must be the same for every part. */
async function copySidecar(files: string[], out: string): Promise<void> {
  const side = (f: string) => f.slice(0, f.length - extname(f).length) + '.json';
  if (!existsSync(side(files[0]))) return;
  const first = readFileSync(side(files[0]), 'utf8');
  for (const f of files) {
    if (!existsSync(side(f)) || readFileSync(side(f), 'utf8') !== first) throw new JetlensInputError('merge: sidecar .json differs between parts', { file: side(f) });
  }
  await copyFile(side(files[0]), side(out));
}
