// Whole-process overhead (issue #20 item 5): `jetlens efp` on a .npy, and `import 'jetlens'`, must not load the CSV
// parser/writer, the zip writer or typed-function at start-up (together ~90 ms of CPU per process, 26% of a 10-jet
// run); they load on first use (a CSV, a .npz write, a conversion of something that is not a JetBatch).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toJetBatch } from '../src/jets/input.js';
import { JetlensInputError } from '../src/errors.js';
import { formatNpz, parseNpz } from '../src/io/npz.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LAZY = /^(csv-parse|csv-stringify|fflate|typed-function)(\/|$)/;

/** Packages a source file imports eagerly (static imports and re-exports; not `import type`, not import()). */
function staticImports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  return [...src.matchAll(re)].filter((m) => !m[2]).map((m) => m[3]);
}

for (const entry of ['src/index.ts', 'src/cli/efp.ts']) {
  t.test(`the static import graph of ${entry} loads no csv-parse, csv-stringify, fflate or typed-function`, async (t) => {
    const seen = new Set<string>();
    const eager: string[] = [];
    const stack = [join(root, entry)];
    while (stack.length) {
      const f = stack.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      for (const spec of staticImports(f)) {
        if (spec.startsWith('.')) stack.push(resolve(dirname(f), spec.replace(/\.js$/, '.ts')));
        else if (LAZY.test(spec)) eager.push(`${spec} (from ${f.slice(root.length + 1)})`);
      }
    }
    t.ok(seen.size > 10, `walked ${seen.size} source files`);
    t.same(eager, [], 'loaded on first use only');
  });
}

t.test('the lazily loaded paths still work', async (t) => {
  t.throws(() => toJetBatch(42 as never), JetlensInputError, 'typed-function conversion: a clear error');
  t.equal(toJetBatch([[[1, 0, 0]]]).length, 1, 'nested arrays convert');
  const a = { data: Float64Array.of(1, 2, 3, 4), shape: [2, 2] };
  t.same(Array.from(parseNpz(formatNpz({ x: a })).x.data as Float64Array), [1, 2, 3, 4], '.npz written by fflate reads back');
});
