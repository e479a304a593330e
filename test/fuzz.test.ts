// Issue #24 item 8: seeded fuzzing, bounded in time. Random mutations of valid .npy/.npz/.h5/.csv/.jsonl files and
// of service requests must each end in a located error (JetlensInputError naming the file, or a 4xx) or a result;
// never a crash, a hang or another kind of error. JETLENS_FUZZ_CASES / JETLENS_FUZZ_SECONDS scale it.
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JetlensInputError } from '../src/errors.js';
import { readJets, writeJets } from '../src/io/index.js';
import { JetBatch } from '../src/jets/batch.js';
import { Rng } from '../src/util/rng.js';
import { JetlensServer } from '../src/serve/server.js';
import { defaultOps } from '../src/serve/ops.js';
import { tempDir } from './fixtures/tmp.js';

const dir = tempDir('jetlens-fuzz-');
const CASES = Number(process.env.JETLENS_FUZZ_CASES ?? 2000);
const SECONDS = Number(process.env.JETLENS_FUZZ_SECONDS ?? 20);
const rng = new Rng(20241206);
const int = (n: number) => rng.nextUint32() % n;

const jets = JetBatch.fromNested(
  Array.from({ length: 6 }, (_, j) => Array.from({ length: 2 + j }, (_, i) => [1 + i + j, 0.1 * i - 0.2, 0.3 * j - 1])),
  { labels: [1, 0, 1, 0, 1, 0] },
);

/** One random mutation: flip bits, overwrite a byte, delete or duplicate a range, truncate, or splice digits. */
function mutate(src: Uint8Array): Uint8Array {
  const b = Buffer.from(src);
  const at = int(b.length);
  switch (int(6)) {
    case 0: b[at] ^= 1 << int(8); return b;
    case 1: b[at] = int(256); return b;
    case 2: return Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + int(16)))]);
    case 3: return Buffer.concat([b.subarray(0, at), b.subarray(at, at + 1 + int(16)), b.subarray(at)]);
    case 4: return b.subarray(0, at);
    default: return Buffer.concat([b.subarray(0, at), Buffer.from(['9e999', '-', 'nan', '1e3', ',', '"', '\n', '[', '}'][int(9)]), b.subarray(at)]);
  }
}

t.test(`file fuzz: ${CASES} mutated files across .npy/.npz/.h5/.csv/.jsonl end in a located error or a result`, async (t) => {
  const formats = ['npy', 'npz', 'h5', 'csv', 'jsonl'];
  const valid: Record<string, Uint8Array> = {};
  for (const f of formats) {
    await writeJets(join(dir, `valid.${f}`), jets);
    valid[f] = readFileSync(join(dir, `valid.${f}`));
  }
  const end = Date.now() + SECONDS * 1000;
  const tally = { cases: 0, errors: 0, results: 0 };
  const unexpected: string[] = [];
  for (let c = 0; c < CASES && Date.now() < end; c++) {
    const f = formats[c % formats.length];
    const file = join(dir, `case.${f}`);
    let bytes = mutate(valid[f]);
    if (int(4) === 0) bytes = mutate(bytes);
    writeFileSync(file, bytes);
    tally.cases++;
    try {
      const got = await readJets(file, int(3) === 0 ? { rows: (n) => [0, Math.min(n, 2)] } : {});
      if (!(got instanceof JetBatch)) unexpected.push(`case ${c} (${f}): not a JetBatch`);
      tally.results++;
    } catch (e) {
      tally.errors++;
      if (!(e instanceof JetlensInputError) || !String((e as Error).message).includes('case.')) {
        unexpected.push(`case ${c} (${f}): ${(e as Error).name}: ${(e as Error).message.slice(0, 160)}`);
      }
    }
  }
  t.comment(JSON.stringify(tally));
  t.same(unexpected.slice(0, 10), [], 'every failure is a JetlensInputError naming the file');
  t.ok(tally.cases >= Math.min(CASES, 500), `${tally.cases} cases ran`);
});

t.test('request fuzz: mutated /v1 requests end in 200 or a 4xx with an error message, never 500 or a dropped socket', async (t) => {
  const server = new JetlensServer({ port: 0, maxConcurrent: 4, ops: defaultOps });
  const { port } = await server.listen();
  t.teardown(() => server.close());
  const base = `http://127.0.0.1:${port}`;
  const bodies = [
    JSON.stringify({ jets: [jets.jet(0), jets.jet(1)], options: { betas: [1, 2] } }),
    JSON.stringify({ jets: [jets.jet(2)], options: { select: 'd<=3', kappa: 1, beta: 1 } }),
  ];
  const n = Math.min(400, Math.ceil(CASES / 5));
  const bad: string[] = [];
  const end = Date.now() + SECONDS * 1000;
  let ran = 0;
  for (let c = 0; c < n && Date.now() < end; c++) {
    const k = c % 2;
    const body = Buffer.from(mutate(Buffer.from(bodies[k]))).toString('latin1');
    const path = k === 0 ? '/v1/observables' : '/v1/efp';
    try {
      const r = await fetch(base + path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      const j = (await r.json()) as { error?: string };
      if (!(r.status === 200 || (r.status >= 400 && r.status < 500 && typeof j.error === 'string' && j.error.length > 0))) bad.push(`case ${c}: ${r.status} ${j.error}`);
    } catch (e) {
      bad.push(`case ${c}: ${(e as Error).message}`);
    }
    ran++;
  }
  t.same(bad.slice(0, 10), [], 'no 500, no dropped connection');
  t.ok(ran > 20, `${ran} requests`);
});
