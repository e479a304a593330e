// Builds the C++ addon during `npm install`. Never fails the install: without a compiler the package
// runs on the TypeScript reference kernels and warns once at load time.
const { spawnSync } = require('child_process');
const path = require('path');

if (process.env.JETLENS_SKIP_NATIVE === '1') {
  console.log('jetlens: JETLENS_SKIP_NATIVE=1, not building the native addon');
  process.exit(0);
}
const root = path.join(__dirname, '..');
// Node's headers come from the local install: node-gyp would otherwise download them (unreachable here).
const nodedir = path.resolve(process.execPath, '..', '..');
const gyp = require.resolve('node-gyp/bin/node-gyp.js');
const args = [gyp, 'rebuild', `--nodedir=${nodedir}`, `--jobs=${process.env.JOBS || 'max'}`];
let res = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (res.status !== 0 && process.env.JETLENS_NO_CUDA !== '1') {
  console.warn('jetlens: native build failed; retrying without CUDA');
  res = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, JETLENS_NO_CUDA: '1' } });
}
if (res.status !== 0) {
  console.warn('jetlens: WARNING: the native addon could not be built; falling back to the (slower) TypeScript kernels.');
}
process.exit(0);
