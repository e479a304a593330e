/**
 * The generator's random stream: the same numbers as src/util/rng.ts's Rng (xoshiro128** seeded through
 * splitmix32; uniform() from two words, normal() by the polar method with a spare), made cheap to call from the hot
 * loops. Why a second class: the generator draws ~1,000 numbers per jet from a dozen call sites; Rng.nextUint32 is
 * big enough that V8 stops inlining it inside large callers (shower, fragmentation), and every call that is not
 * inlined returns its double boxed in a fresh heap number (profiled: ~9 KB of garbage per jet, nearly all from
 * uniform()). Here the state steps 64 words at a time into a buffer, so nextUint32 is a bounds check and a load,
 * small enough to inline everywhere; and one object is reseeded per jet instead of allocating a new Rng.
 * test/generator-rng.test.ts checks it draws exactly Rng's stream (interleaved calls, many seeds).
 */

/** What the generator's code draws from: JetRng in the generator, Rng (src/util/rng.ts) works as well. */
export interface RandomStream {
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number;
  /** Standard normal. */
  normal(): number;
}

/** Words per refill (a multiple of 4: refill makes four per loop turn). */
const BUF = 64;

export class JetRng implements RandomStream {
  private readonly s = new Int32Array(4);
  private readonly buf = new Uint32Array(BUF);
  private at = BUF;
  private readonly pair = new Float64Array(2);
  private hasSpare = false;

  constructor(seed = 0) {
    this.reseed(seed);
  }

  /** Restarts the stream as `new Rng(seed)` would (src/util/rng.ts: same splitmix32 seeding). */
  reseed(seed: number): this {
    let x = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
    const s = this.s;
    for (let k = 0; k < 4; k++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      s[k] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
    this.at = BUF;
    this.hasSpare = false;
    return this;
  }

  nextUint32(): number {
    if (this.at === BUF) this.refill();
    return this.buf[this.at++];
  }

  uniform(): number {
    const at = this.at;
    if (at < BUF - 1) {
      // Both words in the buffer (all but one call in 32): one bounds test instead of two.
      this.at = at + 2;
      return ((this.buf[at] >>> 5) * 67108864 + (this.buf[at + 1] >>> 6)) / 9007199254740992;
    }
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /**
   * Rng.normal's numbers; the polar method's loop is out of line (it returns nothing, so nothing is boxed) and
   * this wrapper stays small enough to inline into the shower and fragmentation loops.
   */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.pair[1];
    }
    this.polarPair();
    this.hasSpare = true;
    return this.pair[0];
  }

  /** Marsaglia's polar method (as Rng.normal): pair[0] = u f is returned first, pair[1] = v f is the spare. */
  private polarPair(): void {
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.pair[0] = u * f;
    this.pair[1] = v * f;
  }

  /**
   * The next BUF words of xoshiro128** (Rng.nextUint32's step, state kept in locals), four steps per loop turn
   * (V8 does not unroll: ~20% less time per word than one step per turn).
   */
  private refill(): void {
    const s = this.s, b = this.buf;
    let s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
    for (let k = 0; k < BUF; k += 4) {
      let r = Math.imul(s1, 5);
      b[k] = Math.imul((r << 7) | (r >>> 25), 9); // stored modulo 2^32: Rng's `>>> 0`
      let t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      r = Math.imul(s1, 5);
      b[k + 1] = Math.imul((r << 7) | (r >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      r = Math.imul(s1, 5);
      b[k + 2] = Math.imul((r << 7) | (r >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      r = Math.imul(s1, 5);
      b[k + 3] = Math.imul((r << 7) | (r >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
    }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
    this.at = 0;
  }
}
