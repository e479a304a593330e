import t from 'tap';
import { JetRng } from '../src/jets/generator/rng.js';
import { Rng } from '../src/util/rng.js';

// The generator's buffered stream (src/jets/generator/rng.ts) must draw exactly Rng's numbers: every generated
// byte depends on it. Calls are interleaved in a seeded random pattern (words, uniforms, normals with their spare),
// across buffer refills, for many seeds, including reseeding one object as the generator does per jet.
t.test('JetRng draws the same stream as Rng (interleaved calls, reseeded, many seeds)', async (t) => {
  const pattern = new Rng(99);
  const jet = new JetRng();
  let mismatches = 0, draws = 0;
  const seeds = [0, 1, 2, 12345, 0x9e3779b9, 2 ** 32 - 1, 2 ** 31, 4294967296 + 7, -5, 1.5];
  for (let k = 0; k < 300; k++) seeds.push(pattern.nextUint32() * (k % 3 === 0 ? 4096 : 1));
  for (const seed of seeds) {
    const ref = new Rng(seed);
    jet.reseed(seed);
    const calls = 50 + (pattern.nextUint32() % 400);
    for (let c = 0; c < calls; c++) {
      const which = pattern.nextUint32() % 3;
      const a = which === 0 ? ref.nextUint32() : which === 1 ? ref.uniform() : ref.normal();
      const b = which === 0 ? jet.nextUint32() : which === 1 ? jet.uniform() : jet.normal();
      draws++;
      if (!Object.is(a, b)) mismatches++;
    }
  }
  t.ok(draws > 50000, `${draws} draws compared`);
  t.equal(mismatches, 0, 'every draw identical');
  t.equal(new JetRng(7).nextUint32(), new Rng(7).nextUint32(), 'constructor seed = reseed');
});
