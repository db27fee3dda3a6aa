/**
 * Modular BigInt arithmetic shared by the crypto modules: bit lengths, gcd, inverses, a sliding-window
 * modular exponentiation and uniform sampling. Internal: not re-exported from ./index.
 * @module
 */
import type { Rng } from '../core/rng';
import { randomBelow } from '../core/rng';

/** Number of bits of a non-negative bigint (0 for 0n). */
export function bitLength(x: bigint): number {
  if (x < 0n) throw new RangeError('bitLength: expected a non-negative bigint');
  if (x === 0n) return 0;
  // toString(16) is linear; the leading hex digit gives the last bits exactly.
  const hex = x.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0]!, 16)));
}

/** Number of bytes needed to write a non-negative bigint (at least 1). */
export function byteLength(x: bigint): number {
  return Math.max(1, Math.ceil(bitLength(x) / 8));
}

/** Non-negative remainder of a mod m (m > 0). */
export function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** Greatest common divisor of |a| and |b|. */
export function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** Inverse of a modulo m; RangeError when gcd(a, m) ≠ 1. */
export function modInv(a: bigint, m: bigint): bigint {
  if (m <= 1n) throw new RangeError('modInv: modulus must be > 1');
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const qt = oldR / r;
    [oldR, r] = [r, oldR - qt * r];
    [oldS, s] = [s, oldS - qt * s];
  }
  if (oldR !== 1n) throw new RangeError('modInv: value is not invertible modulo m');
  return mod(oldS, m);
}

/** Window width for a sliding-window exponentiation of an exponent of `bits` bits. */
function windowFor(bits: number): number {
  if (bits <= 24) return 1;
  if (bits <= 80) return 3;
  if (bits <= 240) return 4;
  if (bits <= 672) return 5;
  return 6;
}

/**
 * base^exp mod m for exp ≥ 0, m ≥ 1, by left-to-right sliding windows over odd powers: for a
 * 2048-bit exponent it does ~2048 squarings and ~300 multiplications instead of ~1024.
 */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  if (m <= 0n) throw new RangeError('modPow: modulus must be positive');
  if (exp < 0n) throw new RangeError('modPow: exponent must be non-negative');
  if (m === 1n) return 0n;
  const b = mod(base, m);
  if (exp === 0n) return 1n;
  const bits = exp.toString(2);
  const w = windowFor(bits.length);
  if (w === 1) {
    let r = 1n;
    for (let i = 0; i < bits.length; i++) {
      r = (r * r) % m;
      if (bits.charCodeAt(i) === 49) r = (r * b) % m;
    }
    return r;
  }
  // Odd powers b, b^3, ..., b^(2^w − 1).
  const table: bigint[] = new Array<bigint>(1 << (w - 1));
  table[0] = b;
  const b2 = (b * b) % m;
  for (let i = 1; i < table.length; i++) table[i] = (table[i - 1]! * b2) % m;
  let r = 1n;
  let started = false;
  let i = 0;
  while (i < bits.length) {
    if (bits.charCodeAt(i) === 48) {
      if (started) r = (r * r) % m;
      i++;
      continue;
    }
    // Longest window of ≤ w bits starting at i and ending in a 1.
    let j = Math.min(i + w, bits.length) - 1;
    while (bits.charCodeAt(j) === 48) j--;
    const value = parseInt(bits.slice(i, j + 1), 2);
    if (started) for (let k = i; k <= j; k++) r = (r * r) % m;
    r = started ? (r * table[value >> 1]!) % m : table[value >> 1]!;
    started = true;
    i = j + 1;
  }
  return r;
}

/** Uniform bigint with exactly `bits` random bits (top bit not forced). */
export function randomBits(rng: Rng, bits: number): bigint {
  return randomBelow(rng, 1n << BigInt(bits));
}

/** Uniform element of Z*_n (rejects the negligible non-units). */
export function randomUnit(rng: Rng, n: bigint): bigint {
  for (;;) {
    const r = randomBelow(rng, n);
    if (r > 0n && gcd(r, n) === 1n) return r;
  }
}

/** Throws a TypeError unless x is a bigint. */
export function assertBigint(x: unknown, what: string): asserts x is bigint {
  if (typeof x !== 'bigint') throw new TypeError(`${what} must be a bigint, got ${typeof x}`);
}
