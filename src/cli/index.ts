#!/usr/bin/env node
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The first word that is not an option names the command (`jetlens --quiet efp ...`).
const name = process.argv.slice(2).find((a) => !a.startsWith('-'));

/** The bundled efp entry when it was built from this build's efp-main.js (tsc alone leaves an older bundle unused). */
function efpBundle(): URL | undefined {
  if (name !== 'efp' && name !== 'efp-graphs') return undefined;
  const bundle = new URL('./efp-main.bundle.js', import.meta.url);
  const path = fileURLToPath(bundle);
  if (process.env.JETLENS_CLI_BUNDLE === '0' || !existsSync(path)) return undefined;
  return statSync(path).mtimeMs >= statSync(new URL('./efp-main.js', import.meta.url)).mtimeMs ? bundle : undefined;
}

// Imported only here: the bundle carries its own copies, and loading both would cost what the bundle saves.
const bundle = efpBundle();
if (bundle) {
  await import(bundle.href);
} else {
  const [{ run }, { loadCommands }] = await Promise.all([import('./main.js'), import('./commands.js')]);
  await run(await loadCommands(name));
}
