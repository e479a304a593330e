// Bundles the compiled `jetlens efp` entry (dist/cli/efp-main.js) and what it imports, commander included, into one
// file, dist/cli/efp-main.bundle.js (src/cli/efp-main.ts says why). Run by `npm run build` and `prepare` after tsc.
// Optional: without esbuild (a production install) the CLI runs the unbundled modules, so this never fails the build.
const fs = require('fs');
const path = require('path');

const cli = path.join(__dirname, '..', 'dist', 'cli');
const entry = path.join(cli, 'efp-main.js');
const outfile = path.join(cli, 'efp-main.bundle.js');

let esbuild;
try {
  esbuild = require('esbuild');
} catch {
  fs.rmSync(outfile, { force: true });
  console.log('bundle-cli: esbuild not installed; `jetlens efp` runs unbundled');
  process.exit(0);
}
esbuild
  .build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Loaded on demand and big (gpu.js, h5wasm's wasm): they stay packages, as in the unbundled CLI.
    external: ['gpu.js', 'h5wasm', 'h5wasm/*', '@tensorflow/*'],
    // Commander is CommonJS: in an ES module bundle its require() of Node's built-ins needs a real require.
    banner: { js: "import { createRequire as __jetlensRequire } from 'node:module'; const require = __jetlensRequire(import.meta.url);" },
    sourcemap: true,
    logLevel: 'warning',
  })
  .catch((e) => {
    fs.rmSync(outfile, { force: true });
    console.error(`bundle-cli: ${e.message}; \`jetlens efp\` runs unbundled`);
  });
