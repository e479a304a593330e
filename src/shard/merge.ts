import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { extname } from 'node:path';
import { JetlensInputError } from '../errors.js';
import { formatOf, parseNpz, writeNpz, type NdArray } from '../io/index.js';
import { npyHeader, npyItemSize, parseNpyHeader } from '../io/npy.js';
import { refuseOverwrite, sidecarOf } from '../io/paths.js';
import { tempPathFor, trackTemp, withTempFile, writeFileAtomic } from '../util/atomic.js';
import { manifestPath, readManifest, sha256File, type Manifest } from './shard.js';

/**
 * Merges shard parts into the file an unsharded run would have written (same bytes): checks that the manifests
 * agree (command, input hash, settings, shard count), that every shard is present once and that the row ranges
 * tile the input with no gap or overlap; then concatenates along the jet axis.
 */
export async function mergeParts(parts: string[], out: string): Promise<Manifest[]> {
  if (parts.length === 0) throw new JetlensInputError('merge: no parts given');
  // --out onto a part (or its sidecar or manifest) would destroy the input while it is read.
  refuseOverwrite(parts.flatMap((p) => [p, sidecarOf(p), manifestPath(p)]), [out, sidecarOf(out)]);
  const ms = parts.map((p) => ({ ...readManifest(p), output: p }));
  checkManifests(ms);
  ms.sort((a, b) => a.shard.k - b.shard.k);
  const files = ms.map((m) => m.output);
  const fmt = formatOf(out);
  if (fmt !== formatOf(files[0])) throw new JetlensInputError(`merge: parts are ${extname(files[0])}, output is ${extname(out)}`, { file: out });
  // A part must hold exactly the rows its manifest claims (a truncated or swapped file is refused, not merged).
  const rowsOf = ms.map((m) => m.rows[1] - m.rows[0]);
  const checkRows = (i: number, got: number) => {
    if (got !== rowsOf[i]) throw new JetlensInputError(`merge: part holds ${got} rows, its manifest says ${rowsOf[i]}`, { file: files[i] });
  };
  if (fmt !== 'npy' && fmt !== 'npz' && fmt !== 'csv') throw new JetlensInputError(`merge: cannot merge ${extname(out)} parts`, { file: out });
  // Into a temporary file; the parts' recorded hashes are checked before it is renamed into place (so a part whose
  // bytes changed after it was written, with the same shape, is refused rather than merged).
  await withTempFile(out, async (tmp) => {
    if (fmt === 'npy') await concatNpyFiles(files, tmp, checkRows);
    else if (fmt === 'npz') await writeNpz(tmp, await mergeNpz(files, out, checkRows));
    else await writeFileAtomic(tmp, await mergeCsv(files, checkRows));
    await checkPartHashes(ms);
  });
  await copySidecar(files, out);
  return ms;
}

async function checkPartHashes(ms: Manifest[]): Promise<void> {
  for (const m of ms) {
    if (!m.outputSha256) throw new JetlensInputError('merge: the manifest records no hash of the part (written by an older jetlens): re-run this shard', { file: m.output });
    if ((await sha256File(m.output)) !== m.outputSha256) {
      throw new JetlensInputError('merge: the part\'s bytes differ from the SHA-256 its manifest recorded (changed or damaged since it was written)', { file: m.output });
    }
  }
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
  if (first.shard.n > ms.length) {
    // Never allocate per declared shard before knowing the parts exist (a manifest may claim n = 10^9).
    const missing: number[] = [];
    for (let k = 0; k < first.shard.n && missing.length < 10; k++) if (!seen.has(k)) missing.push(k);
    const more = first.shard.n - ms.length - missing.length;
    throw new JetlensInputError(`merge: missing shard(s) ${missing.map((k) => `${k}/${first.shard.n}`).join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
  }
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

/**
 * Concatenates .npy parts along axis 0 by copying their data bytes behind one new header: the same bytes as writing
 * the concatenated array, in constant memory (a merged d<=5 EFP file for 10^7 jets is 8 GB).
 */
async function concatNpyFiles(files: string[], out: string, checkRows: (i: number, rows: number) => void): Promise<void> {
  const heads = await Promise.all(files.map(async (f) => {
    const fd = await open(f, 'r');
    try {
      const size = (await fd.stat()).size;
      const buf = new Uint8Array(Math.min(size, 1 << 20));
      await fd.read(buf, 0, buf.length, 0);
      const h = parseNpyHeader(buf, f);
      const bytes = h.shape.reduce((a, b) => a * b, 1) * npyItemSize(h.descr);
      if (size !== h.dataStart + bytes) throw new JetlensInputError(`part has ${size - h.dataStart} data bytes, its header says ${bytes} (truncated?)`, { file: f });
      if (h.fortran || h.shape.length === 0) throw new JetlensInputError('part is not a C-order array with a row axis', { file: f });
      return { ...h, file: f };
    } finally {
      await fd.close();
    }
  }));
  const first = heads[0];
  heads.forEach((h, i) => checkRows(i, h.shape[0]));
  for (const h of heads) {
    if (h.descr !== first.descr) throw new JetlensInputError('merge: parts have different dtypes', { file: h.file });
    if (JSON.stringify(h.shape.slice(1)) !== JSON.stringify(first.shape.slice(1))) throw new JetlensInputError('merge: parts have different row shapes', { file: h.file });
  }
  const rows = heads.reduce((s, h) => s + h.shape[0], 0);
  const tmp = tempPathFor(out);
  const untrack = trackTemp(tmp);
  const ws = createWriteStream(tmp);
  try {
    ws.write(npyHeader(first.descr, [rows, ...first.shape.slice(1)]));
    for (const h of heads) await pipeline(createReadStream(h.file, { start: h.dataStart }), ws, { end: false });
    await new Promise<void>((ok, fail) => ws.end((e?: Error | null) => (e ? fail(e) : ok())));
    await rename(tmp, out);
  } catch (e) {
    ws.destroy();
    await rm(tmp, { force: true });
    throw e;
  } finally {
    untrack();
  }
}

async function mergeNpz(files: string[], out: string, checkRows: (i: number, rows: number) => void): Promise<Record<string, NdArray>> {
  const parts = await Promise.all(files.map(async (f) => parseNpz(await readFile(f), f)));
  const keys = Object.keys(parts[0]);
  for (const [i, p] of parts.entries()) {
    if (JSON.stringify(Object.keys(p)) !== JSON.stringify(keys)) throw new JetlensInputError('merge: parts hold different arrays', { file: files[i] });
    for (const a of Object.values(p)) checkRows(i, a.shape[0] ?? 0);
  }
  return Object.fromEntries(keys.map((k) => [k, concat(parts.map((p) => p[k]), out)]));
}

async function mergeCsv(files: string[], checkRows: (i: number, rows: number) => void): Promise<string> {
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
  const header = texts[0].slice(0, texts[0].indexOf('\n') + 1);
  return header + texts.map((t, i) => {
    if (!t.startsWith(header)) throw new JetlensInputError('merge: CSV parts have different headers', { file: files[i] });
    const body = t.slice(header.length);
    checkRows(i, body.split('\n').length - 1);
    return body;
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
  await writeFileAtomic(side(out), first);
}
