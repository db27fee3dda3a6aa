/**
 * Randomness sources. Two kinds, never mixed up:
 * - {@link secureRng}: `crypto.getRandomValues`, for everything that protects a person (noise shares,
 *   encryption randomness, masks, join secrets).
 * - {@link seededRng}: a deterministic xoshiro128** stream, only for reproducible simulations and tests.
 * @module
 */

/** A source of uniform random numbers. */
export interface Rng {
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform float in [0, 1) with 53 random bits. */
  nextFloat(): number;
  /** Fills `bytes` with uniform random bytes and returns it. */
  fillBytes(bytes: Uint8Array): Uint8Array;
}

function floatFrom(rng: { nextUint32(): number }): number {
  // 53 bits: 27 high bits and 26 low bits.
  const hi = rng.nextUint32() >>> 5;
  const lo = rng.nextUint32() >>> 6;
  return (hi * 67108864 + lo) / 9007199254740992;
}

/** Cryptographically secure randomness from `crypto.getRandomValues` (Node ≥ 20, browsers, workers). */
export function secureRng(): Rng {
  // One getRandomValues call per 16 KiB: an iteration's noise shares take thousands of words, and each
  // call leaves JavaScript for the browser's generator (on Linux a getrandom system call, where a
  // page's main thread on a loaded device is likely to be descheduled).
  const buf = new Uint32Array(4096);
  let pos = buf.length;
  const self: Rng = {
    nextUint32() {
      if (pos >= buf.length) {
        globalThis.crypto.getRandomValues(buf);
        pos = 0;
      }
      return buf[pos++]!;
    },
    nextFloat: () => floatFrom(self),
    fillBytes(bytes) {
      // getRandomValues accepts at most 65536 bytes per call.
      for (let off = 0; off < bytes.length; off += 65536) {
        globalThis.crypto.getRandomValues(bytes.subarray(off, Math.min(bytes.length, off + 65536)));
      }
      return bytes;
    },
  };
  return self;
}

/**
 * Deterministic xoshiro128** generator seeded through splitmix32. For simulations and tests only:
 * it is predictable and must never produce noise, masks or keys for a real participant.
 * @param seed any 32-bit integer
 */
export function seededRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new TypeError(`seededRng: seed must be an integer, got ${seed}`);
  let z = seed >>> 0;
  const splitmix = (): number => {
    z = (z + 0x9e3779b9) >>> 0;
    let t = z;
    t = Math.imul(t ^ (t >>> 16), 0x85ebca6b) >>> 0;
    t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35) >>> 0;
    return (t ^ (t >>> 16)) >>> 0;
  };
  let a = splitmix(), b = splitmix(), c = splitmix(), d = splitmix();
  const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;
  const self: Rng = {
    nextUint32() {
      const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
      const t = (b << 9) >>> 0;
      c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = rotl(d, 11);
      a >>>= 0; b >>>= 0; c >>>= 0;
      return result;
    },
    nextFloat: () => floatFrom(self),
    fillBytes(bytes) {
      for (let i = 0; i < bytes.length; i += 4) {
        let x = self.nextUint32();
        for (let j = 0; j < 4 && i + j < bytes.length; j++) { bytes[i + j] = x & 0xff; x >>>= 8; }
      }
      return bytes;
    },
  };
  return self;
}

/**
 * `bytes` uniform random bytes as lowercase hex (2 characters each): ids and secrets.
 * @throws RangeError unless `bytes` is a non-negative integer
 */
export function randomHex(rng: Rng, bytes: number): string {
  if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`randomHex: bytes must be a non-negative integer, got ${bytes}`);
  return [...rng.fillBytes(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Uniform bigint in [0, bound) by rejection sampling on the bit length of `bound`. */
export function randomBelow(rng: Rng, bound: bigint): bigint {
  if (typeof bound !== 'bigint' || bound <= 0n) throw new RangeError(`randomBelow: bound must be a positive bigint`);
  const bits = bound.toString(2).length;
  const bytes = new Uint8Array(Math.ceil(bits / 8));
  const excess = bytes.length * 8 - bits;
  for (;;) {
    rng.fillBytes(bytes);
    bytes[0] = bytes[0]! & (0xff >>> excess);
    let x = 0n;
    for (const b of bytes) x = (x << 8n) | BigInt(b);
    if (x < bound) return x;
  }
}
