#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { loadCommands } from './commands.js';
import { setNoteHandler } from '../io/labels.js';
import { cliState, exitCodeOf, info } from './util.js';
import { VERSION } from '../util/version.js';

process.env.OMP_WAIT_POLICY ??= 'passive';
setNoteHandler((m) => info(`jetlens: note: ${m}`));

const program = new Command();
program
  .name('jetlens')
  .description('Interpretable machine learning for jet physics: EFPs, ADO, SEMD, substructure, models.')
  .version(VERSION)
  .option('-q, --quiet', 'no progress bars or messages')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride() // usage errors exit 2 (set below), not commander's 1
  .hook('preAction', (cmd) => {
    cliState.quiet = Boolean(cmd.opts().quiet);
  });
// The first word that is not an option names the command (`jetlens --quiet efp ...`).
for (const register of await loadCommands(process.argv.slice(2).find((a) => !a.startsWith('-')))) register(program);

program.parseAsync(process.argv).catch((e: Error) => {
  const code = exitCodeOf(e);
  // commander has printed its own message (and help); anything else is printed here.
  if (!(e instanceof CommanderError)) process.stderr.write(`jetlens: error: ${e.message}\n`);
  process.exitCode = code;
});
