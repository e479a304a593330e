import t from 'tap';
import { runCli } from './fixtures/cli.js';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from '../src/cli/generate.js';
import { cliState } from '../src/cli/util.js';
import { readJets } from '../src/io/index.js';
import { generate, generateMixture } from '../src/jets/generator/index.js';

const dir = mkdtempSync(join(tmpdir(), 'jetlens-gen-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
cliState.quiet = true;

async function cli(...args: string[]): Promise<number> {
  const r = await runCli([register], ['generate', ...args]);
  process.stderr.write(r.err); // callers read stderr themselves
  return r.code;
}

t.test('generate --process writes the EnergyFlow layout, same jets as the API', async (t) => {
  const out = join(dir, 'w.npz');
  t.equal(await cli('--process', 'w', '--n', '200', '--seed', '4', '--pt-min', '350', '--out', out), 0);
  const back = await readJets(out);
  const api = generate({ process: 'w', n: 200, seed: 4, ptMin: 350 });
  t.same(Array.from(back.offsets), Array.from(api.offsets));
  t.same(Array.from(back.pt), Array.from(api.pt));
  t.same(Array.from(back.pid!), Array.from(api.pid!));
  t.same(Array.from(back.labels!), Array.from(api.labels!), 'labels 1 for W');
});

t.test('generate --signal/--background: N of each, shuffled, labelled', async (t) => {
  const out = join(dir, 'mix.npz');
  t.equal(await cli('--signal', 'quark', '--background', 'gluon', '--n', '150', '--seed', '9', '--out', out), 0);
  const back = await readJets(out);
  const api = generateMixture({ signal: 'quark', background: 'gluon', n: 150, seed: 9 });
  t.equal(back.length, 300);
  t.same(Array.from(back.labels!), Array.from(api.labels!));
  t.same(Array.from(back.y), Array.from(api.y));
});

t.test('bad input: one-line error, exit code 1, no file', async (t) => {
  const errors: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => errors.push(String(s)) > 0) as typeof process.stderr.write;
  try {
    t.equal(await cli('--process', 'w', '--signal', 'w', '--background', 'qcd', '--out', join(dir, 'a.npz')), 1);
    t.equal(await cli('--process', 'w', '--n', '5', '--out', join(dir, 'a.xyz')), 1);
    t.equal(await cli('--process', 'w', '--n', '5', '--pt-min', '400', '--pt-max', '300', '--out', join(dir, 'a.npz')), 1);
  } finally {
    process.stderr.write = write;
  }
  t.match(errors.join(''), /not both/);
  t.match(errors.join(''), /unknown file type/);
  t.match(errors.join(''), /ptMax/);
  t.notOk(existsSync(join(dir, 'a.npz')) || existsSync(join(dir, 'a.xyz')), 'nothing written');
});
