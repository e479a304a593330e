// The iteration order of a CPython 3.7 set/frozenset of int tuples. EnergyFlow's generator iterates such sets
// (frozenset(itertools.permutations(...)), a set of factor specs), so the order it shipped in its data file follows
// CPython's tuple hash and open addressing; reproducing both is the only way to know its column order without
// shipping that file. 64-bit CPython; the file was generated with the pre-3.8 tuple hash (checked against it).
const M = (1n << 64n) - 1n;

/** CPython <= 3.7 hash of a tuple whose items hash to `items` (small ints hash to themselves). */
export function tupleHash(items: readonly bigint[]): bigint {
  let x = 0x345678n;
  let mult = 1000003n;
  let len = items.length;
  for (const y of items) {
    len--;
    x = ((x ^ (y & M)) * mult) & M;
    mult = (mult + 82520n + BigInt(2 * len)) & M;
  }
  x = (x + 97531n) & M;
  return x === M ? M - 1n : x; // -1 is reserved: -2
}

/** Hash of a nested tuple of ints. */
export type PyTuple = readonly (number | PyTuple)[];
export function hashOf(t: PyTuple): bigint {
  return tupleHash(t.map((v) => (typeof v === 'number' ? BigInt(v) & M : hashOf(v))));
}

const LINEAR_PROBES = 9n;

function insertClean(table: (T | null)[], mask: bigint, hash: bigint, item: T): void {
  let perturb = hash;
  let i = hash & mask;
  for (;;) {
    if (table[Number(i)] === null) return void (table[Number(i)] = item);
    if (i + LINEAR_PROBES <= mask) {
      for (let j = 1n; j <= LINEAR_PROBES; j++) if (table[Number(i + j)] === null) return void (table[Number(i + j)] = item);
    }
    perturb >>= 5n;
    i = (i * 5n + 1n + perturb) & mask;
  }
}
type T = { key: string; hash: bigint; value: PyTuple };

/** The items of set(items) in CPython 3.7's iteration order (items added in the given order; duplicates once). */
export function pySetOrder<V extends PyTuple>(items: readonly V[]): V[] {
  let table: (T | null)[] = new Array(8).fill(null);
  const keys = new Set<string>();
  for (const value of items) {
    const key = JSON.stringify(value);
    if (keys.has(key)) continue;
    keys.add(key);
    const hash = hashOf(value);
    insertClean(table, BigInt(table.length - 1), hash, { key, hash, value });
    const mask = table.length - 1;
    if (keys.size * 3 >= mask * 2) {
      // set_table_resize(so, used * 4): the smallest power of two above it, entries re-inserted in table order
      let size = 8;
      while (size <= keys.size * 4) size <<= 1;
      const next: (T | null)[] = new Array(size).fill(null);
      for (const e of table) if (e) insertClean(next, BigInt(size - 1), e.hash, e);
      table = next;
    }
  }
  return table.filter((e): e is T => e !== null).map((e) => e.value as V);
}
