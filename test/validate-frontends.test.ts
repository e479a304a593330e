// Issue #19 item 4: validation lives in the library. The same bad option gives the same problem text from the
// library, the CLI, the service and the queue; each front end only adds its own name for the field
// (--beta, options.betas). No Redis needed: the queue's worker and producer both call validateJob. (Flags with a
// fixed set of values, --measure and --axes, are refused by commander's .choices before the library sees them.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { register as registerEfp } from '../src/cli/efp.js';
import { register as registerObservables } from '../src/cli/observables.js';
import { cliState } from '../src/cli/util.js';
import { EFPSet } from '../src/efp/efpset.js';
import { JetlensInputError } from '../src/errors.js';
import { writeJets } from '../src/io/index.js';
import { JetBatch } from '../src/jets/batch.js';
import { observables } from '../src/jss/observables.js';
import { validateJob } from '../src/queue/job.js';
import { defaultOps } from '../src/serve/ops.js';
import { JetlensServer } from '../src/serve/server.js';
import { runCli } from './fixtures/cli.js';

const jets = [[[10, 0.1, 0.2], [5, -0.1, 0.3]], [[7, 0, 0]]];

interface Case {
  what: string;
  /** The library call that must reject. */
  library: () => Promise<unknown>;
  cli: string[];
  op: 'efp' | 'observables';
  options: Record<string, unknown>;
  /** The front ends' names for the field. */
  flag: string;
  field: string;
}

const cases: Case[] = [
  {
    what: 'observables betas [-1]', library: () => observables(jets, { betas: [-1] }),
    cli: ['observables', '--beta', '-1'], op: 'observables', options: { betas: [-1] }, flag: '--beta', field: 'options.betas',
  },
  {
    what: 'observables tauBeta [0]', library: () => observables(jets, { tauBeta: [0] }),
    cli: ['observables', '--tau-beta', '0'], op: 'observables', options: { tauBeta: [0] }, flag: '--tau-beta', field: 'options.tauBeta',
  },
  {
    what: "observables columns ['nope']", library: () => observables(jets, { columns: ['nope'] }),
    cli: ['observables', '--columns', 'nope'], op: 'observables', options: { columns: ['nope'] }, flag: '--columns', field: 'options.columns',
  },
  {
    what: 'efp beta 0', library: async () => new EFPSet('d<=2', { beta: 0 }),
    cli: ['efp', '--select', 'd<=2', '--beta', '0'], op: 'efp', options: { beta: 0 }, flag: '--beta', field: 'options.beta',
  },
];

t.test('one bad option, one problem text: library, CLI, service, queue', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jetlens-validate-'));
  const server = new JetlensServer({ port: 0, ops: defaultOps });
  const { port } = await server.listen();
  t.teardown(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  cliState.quiet = true;
  const input = join(dir, 'jets.npz');
  await writeJets(input, JetBatch.fromNested(jets));

  for (const c of cases) {
    await t.test(c.what, async (t) => {
      const lib = await c.library().then(() => undefined, (e: unknown) => e);
      t.ok(lib instanceof JetlensInputError, 'the library throws a JetlensInputError');
      const problem = (lib as JetlensInputError).problem;
      t.ok(problem.length > 10, `library problem: ${problem}`);

      const out = join(dir, c.op === 'efp' ? 'o.npy' : 'o.csv');
      const cli = await runCli([registerEfp, registerObservables], [...c.cli, '--in', input, '--out', out]);
      t.not(cli.code, 0, 'the CLI exits non-zero');
      t.equal(cli.err.trim(), `jetlens: error: ${c.flag}: ${problem}`, 'the CLI names the flag, then the same problem');

      const r = await fetch(`http://127.0.0.1:${port}/v1/${c.op}`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jets, options: c.options }),
      });
      t.equal(r.status, 400, 'the service answers 400');
      t.equal(((await r.json()) as { error: string }).error, `${c.field}: ${problem}`, 'the service names the field, then the same problem');

      t.throws(() => validateJob({ command: c.op, input, output: out, options: c.options }),
        { name: 'JobValidationError', message: `invalid job: ${c.field}: ${problem}` }, 'the queue names the field, then the same problem');
    });
  }
});
