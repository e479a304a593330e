// tap builds its Test class with the plugins that package.json's "tap.plugin" lists, and it rebuilds on a mismatch
// only inside a run, after it has chosen the loaders for that run's test processes. The suite leaves out
// @tapjs/typescript (the tests are compiled once, scripts/build-tests.js; its ts-node loader cost ~0.9 CPU-s per
// test process even for .js files), so a fresh `npm ci` would run its first suite with the loader still in place:
// rebuild here, before tap starts (~12 s, once per install).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { TapConfig } from '@tapjs/config';
import { signature } from '@tapjs/test';

const config = await TapConfig.load();
if (config.pluginSignature !== signature) {
  console.log('# tap build: the Test class is rebuilt with the plugins of package.json');
  execFileSync(join(import.meta.dirname, '..', 'node_modules', '.bin', 'tap'), ['build'], { stdio: ['ignore', 'inherit', 'inherit'] });
}
