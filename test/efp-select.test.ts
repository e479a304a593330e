import t from 'tap';
import { JetlensInputError } from '../src/errors.js';
import { EFPSet } from '../src/efp/efpset.js';
import { parseSelection } from '../src/efp/select.js';

const count = (sel: Parameters<typeof parseSelection>[0]) => new EFPSet(sel).length;

t.test('string, tuple, list and object forms', async (t) => {
  t.equal(count('d<=5'), 102);
  t.equal(count(' d <= 5 '), 102);
  t.equal(count(['d<=', 5]), 102);
  t.equal(count({ d: 5 }), 102);
  t.equal(count(['d<=7', 'p==1']), 490);
  t.equal(count([['d<=', 7], 'p==1']), 490);
  t.equal(count('d<=7 and p==1'), 490);
  t.equal(count('d<=7, p==1'), 490);
  t.equal(count('d<=7 && c<=3'), 995);
  const n3 = new EFPSet('n==3 and c<=3');
  t.ok(n3.specs.every((s) => s.n === 3 && s.c <= 3));
  t.ok(n3.length > 0);
  const range = new EFPSet({ d: 6, n: [3, 4] });
  t.ok(range.specs.every((s) => s.n >= 3 && s.n <= 4 && s.d <= 6));
  t.equal(range.length, new EFPSet(['d<=6', 'n>=3', 'n<=4']).length);
  t.equal(count(['d<=4', 'p>1']), 36 - 21);
  t.equal(count(['d==2', 'p!=1']), 1);
  t.equal(count(['d<3', 'd>1']), 3);
});

t.test('selected composites bring their factors along (EnergyFlow silently drops them)', async (t) => {
  const set = new EFPSet(['d<=4', 'p>1']);
  t.ok(set.specs.every((s) => s.p > 1));
  t.ok(set.primes.length > 0);
});

t.test('explicit graphs', async (t) => {
  const one = new EFPSet([[0, 1], [0, 1], [1, 2]]);
  t.equal(one.length, 1);
  t.match(one.specs[0], { n: 3, d: 3, e: 2, k: -1 });
  const many = new EFPSet([[[0, 1]], [[0, 1], [1, 2], [2, 0]], [[5, 7], [8, 9]], []]);
  t.equal(many.length, 4);
  t.same(many.specs.map((s) => s.p), [1, 1, 2, 1]);
  t.equal(many.specs[3].d, 0);
  t.equal(many.primes.length, 3, 'the two single edges of graph 2 reuse the one-edge prime');
  // arbitrary labels are relabelled in order of appearance
  t.same(new EFPSet([[[10, 20], [20, 30]]]).graphs[0], [[0, 1], [1, 2]]);
});

t.test('malformed input names the token', async (t) => {
  const bad: [unknown, RegExp][] = [
    ['d<=x', /cannot parse 'd<=x'/],
    ['q<=5', /unknown column 'q'/],
    ['d=<5', /cannot parse 'd=<5'/],
    ['d<=5 and', /cannot parse|empty/],
    [['d<=', 5.5], /integer/],
    [['d=>', 5], /cannot parse 'd=>'/],
    [{ d: 'five' }, /\{d: "five"\}/],
    [{ z: 3 }, /unknown column 'z'/],
    [42, /cannot use 42/],
    [[], /empty/],
    [[[0, 0]], /self-loops/],
    [[[[0, 1]], [[0, 1, 2]]], /EFP graph 1/],
    ['d>99', /matches no graph/],
  ];
  for (const [sel, re] of bad) {
    t.throws(() => new EFPSet(sel as never), JetlensInputError, JSON.stringify(sel));
    t.throws(() => new EFPSet(sel as never), re, JSON.stringify(sel));
  }
});
