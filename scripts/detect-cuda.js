// Probe for a usable CUDA toolkit at build time. Prints 1/0 (or the toolkit root with --root).
// nvcc present says nothing about a GPU: the runtime checks cudaGetDeviceCount and falls back.
// JETLENS_NO_CUDA=1 skips CUDA entirely.
const fs = require('fs');
const path = require('path');
const { execSync } = require('child_process');

function toolkitRoot() {
  if (process.env.JETLENS_NO_CUDA === '1') return '';
  const candidates = [];
  if (process.env.CUDA_HOME) candidates.push(process.env.CUDA_HOME);
  try {
    const nvcc = execSync('command -v nvcc', { stdio: ['ignore', 'pipe', 'ignore'], shell: '/bin/sh' }).toString().trim();
    if (nvcc) candidates.push(path.resolve(fs.realpathSync(nvcc), '..', '..'));
  } catch { /* no nvcc on PATH */ }
  candidates.push('/usr/local/cuda');
  // A wrapper script's realpath may not be the toolkit: require the static runtime to be there.
  return candidates.find((r) => fs.existsSync(path.join(r, 'bin', 'nvcc')) &&
    fs.existsSync(path.join(r, 'lib64', 'libcudart_static.a'))) || '';
}

const root = toolkitRoot();
console.log(process.argv.includes('--root') ? (root || '/nonexistent') : (root ? '1' : '0'));
