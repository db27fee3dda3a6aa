import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../src/core/rng';
import fc from 'fast-check';
import { findSafePrime, isSafePrime } from '../../../src/crypto/index';
import { pow2Mod } from '../../../src/crypto/safe-prime';
import type { SafePrimeProgress } from '../../../src/crypto/index';
import { refPow } from './fixtures';

/** Independent Fermat check with several bases (reference, not the code under test). */
function fermat(x: bigint): boolean {
  return [2n, 3n, 5n, 7n, 11n, 13n].every((a) => refPow(a, x - 1n, x) === 1n);
}

describe('safe primes', () => {
  it('pow2Mod (square-and-shift) equals 2^e mod m', () => {
    fc.assert(fc.property(fc.bigInt({ min: 1n, max: 1n << 300n }), fc.bigInt({ min: 2n, max: 1n << 300n }), (e, m) => {
      expect(pow2Mod(e, m)).toBe(refPow(2n, e, m));
    }), { numRuns: 200 });
    expect(pow2Mod(10n, 1000n)).toBe(24n);
  });
  it('isSafePrime on small known values', () => {
    const safe = [5n, 7n, 11n, 23n, 47n, 59n, 83n, 107n, 167n, 179n, 227n, 263n, 347n, 359n, 383n, 467n, 479n, 503n];
    const set = new Set(safe);
    for (let x = 0n; x < 510n; x++) expect(isSafePrime(x)).toBe(set.has(x));
    expect(() => isSafePrime(7 as unknown as bigint)).toThrow(new TypeError('isSafePrime: p must be a bigint'));
  });
  it('finds safe primes with exactly the requested bits (top two set), deterministic per seed', () => {
    for (const bits of [64, 128, 256]) {
      const p = findSafePrime(bits, seededRng(bits));
      expect(p.toString(2)).toHaveLength(bits);
      expect(p >> BigInt(bits - 2)).toBe(3n);
      expect(fermat(p)).toBe(true);
      expect(fermat((p - 1n) / 2n)).toBe(true);
      expect(isSafePrime(p)).toBe(true);
      expect(findSafePrime(bits, seededRng(bits))).toBe(p);
    }
  });
  it('reports progress per sieve window and validates bits', () => {
    const seen: SafePrimeProgress[] = [];
    // 512-bit searches usually need a few windows of 2^16 offsets.
    const p = findSafePrime(512, seededRng(77), (pr) => seen.push(pr));
    expect(isSafePrime(p)).toBe(true);
    expect(seen.length).toBeGreaterThanOrEqual(1);
    seen.forEach((pr, i) => { expect(pr.windows).toBe(i + 1); expect(pr.tested).toBeGreaterThan(0); });
    expect(() => findSafePrime(32)).toThrow(new RangeError('findSafePrime: bits must be an integer in [64, 4096], got 32'));
    expect(() => findSafePrime(100.5)).toThrow(RangeError);
  });
});
