#!/usr/bin/env node
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { commands, loadCommands } from './commands.js';

// The first word that is not an option names the command (`jetlens --quiet efp ...`).
const name = process.argv.slice(2).find((a) => !a.startsWith('-'));

/** The command's bundle when it was built from this build's entry (tsc alone leaves an older bundle unused). */
function currentBundle(): URL | undefined {
  const entry = commands.find((c) => name !== undefined && c.names.includes(name))?.bundle;
  if (!entry || process.env.JETLENS_CLI_BUNDLE === '0') return undefined;
  const bundle = new URL(`./${entry}.bundle.js`, import.meta.url);
  const path = fileURLToPath(bundle);
  if (!existsSync(path)) return undefined;
  return statSync(path).mtimeMs >= statSync(new URL(`./${entry}.js`, import.meta.url)).mtimeMs ? bundle : undefined;
}

// main.js only here: the bundle carries its own copies, and loading both would cost what the bundle saves.
const bundle = currentBundle();
if (bundle) {
  await import(bundle.href);
} else {
  const { run } = await import('./main.js');
  await run(await loadCommands(name));
}
