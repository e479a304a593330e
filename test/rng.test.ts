import t from 'tap';
import { Rng } from '../src/util/rng.js';

t.test('seeded, uniform in [0,1), normal moments', async (t) => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const xa = Array.from({ length: 5 }, () => a.uniform());
  t.same(xa, Array.from({ length: 5 }, () => b.uniform()), 'same seed, same numbers');
  t.not(xa[0], c.uniform(), 'different seed differs');
  const r = new Rng(1);
  let s = 0, s2 = 0, min = 1, max = 0;
  const n = 200000;
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    min = Math.min(min, u);
    max = Math.max(max, u);
    const z = r.normal();
    s += z;
    s2 += z * z;
  }
  t.ok(min >= 0 && max < 1);
  t.ok(Math.abs(s / n) < 0.01, `normal mean ${s / n}`);
  t.ok(Math.abs(s2 / n - 1) < 0.02, `normal variance ${s2 / n}`);
  const p = r.permutation(100);
  t.same(Array.from(p).sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
});
