// Lists the addon's sources for binding.gyp, so adding an op is adding a file (no gyp edit).
// `--cuda` lists native/cuda/*.cu (compiled only when nvcc was found).
const fs = require('fs');
const path = require('path');
const cuda = process.argv.includes('--cuda');
const dir = path.join(__dirname, '..', 'native', cuda ? 'cuda' : '');
const ext = cuda ? '.cu' : '.cc';
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(ext)).sort() : [];
console.log(files.map((f) => path.posix.join('native', cuda ? 'cuda' : '', f)).join(' '));
