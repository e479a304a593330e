// Lists the addon's sources for binding.gyp, so adding an op is adding a file (no gyp edit).
// `--cuda` lists native/cuda/*.cu (compiled only when nvcc was found).
const fs = require('fs');
const path = require('path');
const cuda = process.argv.includes('--cuda');
const dir = path.join(__dirname, '..', 'native', cuda ? 'cuda' : '');
const ext = cuda ? '.cu' : '.cc';
const list = (d, rel) => (fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.endsWith(ext)).sort().map((f) => path.posix.join(rel, f)) : []);
const files = list(dir, path.posix.join('native', cuda ? 'cuda' : ''));
// native/tf/*.cc: the tfjs backend's kernels (one file per kernel family).
if (!cuda) files.push(...list(path.join(dir, 'tf'), 'native/tf'));
console.log(files.join(' '));
