// The jetlens program: global options, the given commands registered, argv parsed, errors mapped to exit codes.
// Shared by the CLI entry (src/cli/index.ts) and the bundled `efp` entry (src/cli/efp-main.ts).
import { Command, CommanderError } from 'commander';
import { setNoteHandler } from '../io/labels.js';
import { cliState, exitCodeOf, info, type Register } from './util.js';
import { VERSION } from '../util/version.js';

export async function run(registers: Register[]): Promise<void> {
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
  for (const register of registers) register(program);
  await program.parseAsync(process.argv).catch((e: Error) => {
    const code = exitCodeOf(e);
    // commander has printed its own message (and help); anything else is printed here.
    if (!(e instanceof CommanderError)) process.stderr.write(`jetlens: error: ${e.message}\n`);
    process.exitCode = code;
  });
}
