// Issue #19 item 2: every native entry point takes ONE options object read by name (native/common.h Opts).
// For each entry point: a misspelt key and a wrong type are clear errors naming the op and the key, an unknown
// key is refused, and the same object with its keys in reverse order computes identical results.
import t from 'tap';
import { loadNative } from '../src/backend/native.js';
import { JetBatch } from '../src/jets/batch.js';
import { EFPSet } from '../src/efp/index.js';
import { allocateSpectra, spectraReference, type Spectra } from '../src/semd/spectrum.js';

const native = loadNative();
const skip = native ? false : 'the native addon is not built (npm run build)';

type Opts = Record<string, unknown>;
interface Case {
  op: string;
  /** A fresh, valid options object (new output arrays each call). */
  make: () => Opts;
  /** A key whose value is replaced by a string (or a number for string keys): must be named in the error. */
  wrongType: string;
  /** A required key: dropping it (renamed with a typo) must name the op and the key. */
  required: string;
}

function jets(): JetBatch {
  return JetBatch.fromNested([
    [[50, 0.1, 0.2], [30, -0.2, 0.1], [10, 0.3, -0.3], [5, 0.05, 0.25]],
    [[40, 0.0, 3.0], [35, 0.1, -3.1], [20, -0.1, 2.9]],
    [[60, 0.2, -1.0], [15, 0.1, -0.9], [12, 0.4, -1.3], [8, 0.25, -1.1], [3, 0.0, -0.8]],
  ], { labels: [1, 0, 1] });
}

function csr(b: JetBatch) {
  return { offsets: b.offsets, pt: b.pt, y: b.y, phi: b.phi };
}

function cases(): Case[] {
  const b = jets();
  const n = b.length;
  const set = new EFPSet('d<=3');
  const spec: Spectra = spectraReference(b);
  const K = 4;
  const u = new Float64Array(n * (K + 1));
  let T = 0;
  for (let j = 0; j < n; j++) T = Math.max(T, spec.cum[spec.offsets[j + 1] - 1]);
  native!.semdEmbed({ spec, K, T, out: u, threads: 1 });
  const f = Float64Array.of(0.1, 0.5, 0.3, 0.9, 0.2, 0.7);
  const g = Float64Array.of(0.2, 0.4, 0.1, 0.8, 0.3, 0.6);
  const h = Float64Array.of(0.9, 0.1, 0.5, 0.2, 0.4, 0.3);
  const labels = Uint8Array.of(1, 0, 1, 0, 1, 0);
  const weights = Float64Array.of(1, 2, 1, 0.5, 1, 1);
  return [
    { op: 'jetScalarPt', make: () => ({ ...csr(b), out: new Float64Array(n), threads: 1 }), wrongType: 'out', required: 'pt' },
    {
      op: 'jssImages',
      make: () => ({
        ...csr(b), out: new Float32Array(n * 9 * 9), npix: 9, width: 0.8, center: 'leading', rotate: 'subjet', flip: true,
        normalize: true, threads: 1,
      }),
      wrongType: 'npix', required: 'width',
    },
    {
      op: 'jssObservables',
      make: () => ({
        ...csr(b), out: new Float64Array(n * (6 + 2 + 3)), ecfBetas: Float64Array.of(1), needE3: Uint8Array.of(1),
        tauBetas: Float64Array.of(1), nMax: 3, axes: 'wta', threads: 1,
      }),
      wrongType: 'axes', required: 'nMax',
    },
    {
      op: 'jssGroom',
      make: () => ({
        ...csr(b), keep: new Uint8Array(b.size), info: new Float64Array(2 * n), method: 'softdrop', algorithm: 'ca',
        zCut: 0.1, beta: 0, R0: 0.8, threads: 1,
      }),
      wrongType: 'zCut', required: 'algorithm',
    },
    {
      op: 'efpCompute',
      make: () => ({
        ...csr(b), program: set.plan.program, measure: 'hadr', kappa: 1, beta: 1, normed: true, out: new Float64Array(n * set.length),
        threads: 1,
      }),
      wrongType: 'normed', required: 'measure',
    },
    { op: 'aucSweep', make: () => ({ scores: f, labels, weights }), wrongType: 'labels', required: 'scores' },
    { op: 'adoFull', make: () => ({ f, g, labels, weights }), wrongType: 'g', required: 'f' },
    { op: 'adoDisagree', make: () => ({ candidate: f, reference: g, current: h, labels, weights }), wrongType: 'current', required: 'reference' },
    { op: 'adoSubset', make: () => ({ candidate: f, reference: g, current: h, labels, weights }), wrongType: 'weights', required: 'candidate' },
    {
      op: 'adoDisagreeBatch',
      make: () => ({ candidates: Float64Array.from([...f, ...h]), k: 2, reference: g, current: h, labels, out: new Float64Array(4), threads: 1 }),
      wrongType: 'k', required: 'out',
    },
    {
      op: 'adoSubsetBatch',
      make: () => ({ candidates: Float64Array.from([...f, ...h]), k: 2, reference: g, current: h, labels, out: new Float64Array(4), threads: 1 }),
      wrongType: 'candidates', required: 'k',
    },
    {
      op: 'semdSpectra',
      make: () => ({ ...csr(b), raw: false, beta: 1, spec: allocateSpectra(b), threads: 1 }),
      wrongType: 'raw', required: 'beta',
    },
    {
      op: 'semdMatrix',
      make: () => ({ specA: spec, specB: spec, out: new Float64Array(n * n), threads: 1 }),
      wrongType: 'out', required: 'specA',
    },
    { op: 'semdEmbed', make: () => ({ spec, K, T, out: new Float64Array(n * (K + 1)), threads: 1 }), wrongType: 'T', required: 'K' },
    {
      op: 'semdKnn',
      make: () => ({ spec, u, D: K + 1, k: 1, brute: false, outIndex: new Int32Array(n), outDist: new Float64Array(n), threads: 1, q0: 0, q1: n }),
      wrongType: 'brute', required: 'D',
    },
    {
      op: 'semdBallCounts',
      make: () => ({
        specRef: spec, uRef: u, D: K + 1, labels: Uint8Array.of(1, 0, 1), specQuery: spec, uQuery: u, eps: Float64Array.of(0.1, 0.5),
        self: true, outS: new Int32Array(n * 2), outB: new Int32Array(n * 2), threads: 1,
      }),
      wrongType: 'eps', required: 'self',
    },
    {
      op: 'paddedToCsr',
      make: () => ({ data: Float64Array.of(1, 0, 0, 2, 0.1, 0.1), n: 1, m: 2, f: 3, ptLimit: 1e20, yLimit: 100, phiLimit: 10 }),
      wrongType: 'm', required: 'ptLimit',
    },
  ];
}

/** Runs an op; returns the result and a copy of every typed array in the options (the outputs). */
async function run(op: string, o: Opts): Promise<unknown[]> {
  const r = await native![op](o);
  const outs = Object.keys(o).sort().filter((k) => ArrayBuffer.isView(o[k])).map((k) => [k, Array.from(o[k] as Float64Array)]);
  return [r, outs];
}

function reversed(o: Opts): Opts {
  const r: Opts = {};
  for (const k of Object.keys(o).reverse()) r[k] = o[k];
  return r;
}

async function errorOf(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    return (e as Error).message;
  }
  return '(no error)';
}

t.test('every native entry point reads one options object by name', { skip }, async (t) => {
  const all = cases();
  for (const c of all) {
    const fn = (o: Opts) => native![c.op](o);
    t.equal(typeof native![c.op], 'function', `${c.op} is exported`);
    const first = await run(c.op, c.make());
    t.same(await run(c.op, reversed(c.make())), first, `${c.op}: keys in reverse order give identical results`);

    // a misspelt optional or extra key is refused, naming the op and the key
    const extra = { ...c.make(), thraeds: 2 };
    t.match(await errorOf(() => fn(extra)), new RegExp(`^${c.op}: unknown option 'thraeds' \\(accepted: .*\\)`), `${c.op}: unknown key`);
    // a misspelt required key: the error names the op and the key it expected
    const typo = c.make();
    typo[c.required + 'x'] = typo[c.required];
    delete typo[c.required];
    t.match(await errorOf(() => fn(typo)), new RegExp(`${c.op}\\.${c.required}: expected .*\\(missing\\)`), `${c.op}: misspelt ${c.required}`);
    // a wrong type names the op and the key
    const wrong = c.make();
    wrong[c.wrongType] = typeof wrong[c.wrongType] === 'string' ? 7 : 'seven';
    t.match(await errorOf(() => fn(wrong)), new RegExp(`${c.op}\\.${c.wrongType}: `), `${c.op}: wrong type for ${c.wrongType}`);
    // positional arguments (the old calling convention) are refused
    t.match(await errorOf(() => fn(new Float64Array(3) as unknown as Opts)), new RegExp(`${c.op}: expected an options object`), `${c.op}: positional call`);
  }
  t.equal(all.length, 17, 'the table covers every converted entry point');
});

t.test('enums travel as the TypeScript strings; an unknown one lists the accepted values', { skip }, async (t) => {
  const [images, obs, , efp] = cases().slice(1, 5);
  t.match(await errorOf(() => native!.jssImages({ ...images.make(), center: 'middle' })),
    /jssImages.center: unknown value 'middle' \(expected one of centroid, leading, none\)/);
  t.match(await errorOf(() => native!.jssImages({ ...images.make(), rotate: 1 })), /jssImages.rotate: expected a string/);
  t.match(await errorOf(() => native!.jssObservables({ ...obs.make(), axes: 'onepas' })),
    /jssObservables.axes: unknown value 'onepas' \(expected one of kt, wta, onepass\)/);
  t.match(await errorOf(() => native!.efpCompute({ ...efp.make(), measure: 0 })), /efpCompute.measure: expected a string/);
  t.match(await errorOf(() => native!.efpCompute({ ...efp.make(), kappa: 'pfx' })), /efpCompute.kappa: expected a finite number or 'pf'/);
  t.match(await errorOf(() => native!.efpCompute({ ...efp.make(), normed: 1 })), /efpCompute.normed: expected a boolean/);
  t.match(await errorOf(() => native!.jssObservables({ ...obs.make(), nMax: 65 })), /jssObservables.nMax: expected an integer in \[0, 64\]/);
  // kappa 'pf' and the three measures all run
  for (const measure of ['hadr', 'hadrdot', 'ee']) await native!.efpCompute({ ...efp.make(), measure, kappa: 'pf' });
});
