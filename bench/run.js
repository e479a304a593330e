// `npm run bench`: lists the benchmarks (bench/*.mjs) with the first line of each one's description;
// `npm run bench -- NAME [args...]` runs bench/NAME.mjs with those arguments (after checking dist/ is built);
// `npm run bench -- --all` runs every benchmark in turn with its quick settings where it has them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const names = readdirSync(here).filter((f) => f.endsWith('.mjs')).map((f) => f.slice(0, -4)).sort();

/** The first comment line of a benchmark: what it measures. */
function summary(name) {
  const line = readFileSync(join(here, `${name}.mjs`), 'utf8').split('\n').find((l) => l.startsWith('//'));
  return line ? line.replace(/^\/\/\s*/, '') : '';
}

function run(name, args) {
  console.error(`\n== bench/${name}.mjs ${args.join(' ')}`);
  return spawnSync(process.execPath, [join(here, `${name}.mjs`), ...args], { cwd: root, stdio: 'inherit' }).status ?? 1;
}

const [first, ...rest] = process.argv.slice(2);
if (!first || first === '--help' || first === '-h') {
  console.log('usage: npm run bench -- NAME [args]   (or --all)\n');
  for (const n of names) console.log(`  ${n.padEnd(12)} ${summary(n)}`);
  process.exit(0);
}
if (!existsSync(join(root, 'dist', 'index.js'))) {
  console.error('dist/ is not built: run `npx tsc -p tsconfig.json` (or `npm run build`) first');
  process.exit(1);
}
if (first === '--all') {
  let failed = 0;
  for (const n of names) {
    const quick = readFileSync(join(here, `${n}.mjs`), 'utf8').includes("'--quick'") ? ['--quick'] : [];
    if (run(n, quick) !== 0) failed++;
  }
  process.exit(failed ? 1 : 0);
}
if (!names.includes(first)) {
  console.error(`no benchmark '${first}' (have: ${names.join(', ')})`);
  process.exit(2);
}
process.exit(run(first, rest));
