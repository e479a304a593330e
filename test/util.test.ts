import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import t from 'tap';
import { JetlensInputError } from '../src/errors.js';
import { readJsonFile, tempPathFor, withTempFile, writeJsonAtomic } from '../src/util/atomic.js';
import { quantileSorted } from '../src/util/stats.js';
import { VERSION } from '../src/util/version.js';
import { tempDir } from './fixtures/tmp.js';

t.test('quantileSorted: numpy linear interpolation, clear error on empty input', async (t) => {
  const v = [1, 2, 4, 8];
  // numpy.quantile([1, 2, 4, 8], [0, 0.25, 0.5, 0.9, 1]) = [1, 1.75, 3, 6.8, 8]
  const want = [1, 1.75, 3, 6.8, 8];
  [0, 0.25, 0.5, 0.9, 1].forEach((q, i) => t.ok(Math.abs(quantileSorted(v, q) - want[i]) < 1e-12, `q = ${q}`));
  t.equal(quantileSorted(Float64Array.of(5), 0.3), 5, 'one value');
  t.throws(() => quantileSorted([], 0.5), JetlensInputError, 'empty input throws');
  t.throws(() => quantileSorted(v, 1.5), /q must be in \[0, 1\]/);
});

t.test('VERSION is the version in package.json', async (t) => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  t.equal(VERSION, pkg.version);
});

t.test('atomic writes: temporary file beside the target keeps the extension; failures leave nothing', async (t) => {
  const dir = tempDir('jetlens-util-');
  const tmp = tempPathFor(join(dir, 'out.npz'));
  t.equal(dirname(tmp), dir, 'same directory (atomic rename)');
  t.match(basename(tmp), /^\.out\.tmp-\d+-\d+\.npz$/, 'hidden, same extension');
  await writeJsonAtomic(join(dir, 'state.json'), { a: 1 });
  t.same(readJsonFile(join(dir, 'state.json')), { a: 1 });
  await t.rejects(withTempFile(join(dir, 'x.json'), async (p) => {
    writeFileSync(p, 'partial');
    throw new Error('killed');
  }), /killed/);
  t.notOk(existsSync(join(dir, 'x.json')), 'no target after a failed write');
  t.same(readdirSync(dir), ['state.json'], 'no temporary file left');
  writeFileSync(join(dir, 'bad.json'), '');
  t.throws(() => readJsonFile(join(dir, 'bad.json')), /bad\.json.*empty file|empty file.*bad\.json/s, 'names the file');
});

t.test('atomic writes create a missing output directory', async (t) => {
  const dir = tempDir('jl-atomic-dir-');
  const file = join(dir, 'new', 'deeper', 'x.json');
  await writeJsonAtomic(file, { a: 1 });
  t.same(readJsonFile(file), { a: 1 });
  t.same(readdirSync(dirname(file)), ['x.json'], 'no temporary file left beside it');
});

t.test('validators: the library names the field, front ends re-label it', async (t) => {
  const { checkBeta, parseNumber, checkChoice, relabel } = await import('../src/util/validate.js');
  const { resolveMeasure } = await import('../src/efp/measure.js');
  t.equal(checkBeta(0.5), 0.5);
  t.throws(() => checkBeta(0), /field beta: beta must be a number > 0/);
  t.equal(parseNumber('2.5', 'x', { min: 0 }), 2.5);
  t.throws(() => parseNumber('', 'x'), /field x: expected a number/);
  t.throws(() => parseNumber('1.5', 'n', { integer: true }), /an integer/);
  t.equal(checkChoice('ee', 'measure', ['hadr', 'ee']), 'ee');
  for (const [opts, field] of [[{ beta: -1 }, 'beta'], [{ measure: 'x' }, 'measure'], [{ kappa: 'q' }, 'kappa'], [{ normed: 1 }, 'normed']] as const) {
    let err: unknown;
    try {
      resolveMeasure(opts as never);
    } catch (e) {
      err = e;
    }
    t.equal((err as JetlensInputError).location.field, field, `resolveMeasure names ${field}`);
    t.match((relabel(err, (f) => `--${f}`) as Error).message, new RegExp(`^--${field}: `), `CLI label for ${field}`);
    t.match((relabel(err, (f) => `options.${f}`) as Error).message, new RegExp(`^options\\.${field}: `), `queue label for ${field}`);
  }
  const other = new Error('x');
  t.equal(relabel(other, (f) => f), other, 'other errors pass through');
});
