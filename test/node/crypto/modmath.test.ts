import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seededRng } from '../../../src/core/rng';
import { bitLength, byteLength, gcd, mod, modInv, modPow, randomUnit } from '../../../src/crypto/modmath';
import { isProbablePrime, randomPrime } from '../../../src/crypto/primes';
import { refInv, refPow } from './fixtures';

describe('modPow (sliding window)', () => {
  it('matches binary exponentiation for every exponent size class', () => {
    fc.assert(fc.property(
      fc.bigInt({ min: 0n, max: (1n << 600n) }), fc.bigInt({ min: 0n, max: (1n << 900n) }), fc.bigInt({ min: 1n, max: (1n << 520n) }),
      (b, e, m) => { expect(modPow(b, e, m)).toBe(refPow(b, e, m)); },
    ), { numRuns: 200 });
  });
  it('edge cases: exponent 0, modulus 1, negative base, small exponents', () => {
    expect(modPow(5n, 0n, 7n)).toBe(1n);
    expect(modPow(5n, 3n, 1n)).toBe(0n);
    expect(modPow(-2n, 3n, 7n)).toBe(6n);
    expect(modPow(3n, 200n, 1000003n)).toBe(refPow(3n, 200n, 1000003n));
    expect(() => modPow(2n, -1n, 7n)).toThrow(new RangeError('modPow: exponent must be non-negative'));
    expect(() => modPow(2n, 1n, 0n)).toThrow(new RangeError('modPow: modulus must be positive'));
  });
});

describe('small helpers', () => {
  it('bitLength / byteLength', () => {
    expect([0n, 1n, 2n, 255n, 256n, (1n << 100n) - 1n, 1n << 100n].map(bitLength)).toEqual([0, 1, 2, 8, 9, 100, 101]);
    expect([0n, 255n, 256n].map(byteLength)).toEqual([1, 1, 2]);
    expect(() => bitLength(-1n)).toThrow(RangeError);
  });
  it('gcd, mod and modInv agree with references', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }), fc.bigInt({ min: 2n, max: 1n << 200n }), (a, m) => {
      const r = mod(a, m);
      expect(r >= 0n && r < m && (a - r) % m === 0n).toBe(true);
      if (gcd(a, m) === 1n) expect(modInv(a, m)).toBe(refInv(a, m));
      else expect(() => modInv(a, m)).toThrow(new RangeError('modInv: value is not invertible modulo m'));
    }), { numRuns: 200 });
    expect(gcd(12n, -18n)).toBe(6n);
  });
  it('randomUnit returns units', () => {
    const rng = seededRng(3);
    for (let i = 0; i < 50; i++) expect(gcd(randomUnit(rng, 77n), 77n)).toBe(1n);
  });
});

describe('primes', () => {
  it('isProbablePrime agrees with trial division below 20000 and rejects Carmichael numbers', () => {
    const isPrime = (x: number): boolean => { if (x < 2) return false; for (let d = 2; d * d <= x; d++) if (x % d === 0) return false; return true; };
    for (let x = 0; x < 20000; x++) expect(isProbablePrime(BigInt(x), 4)).toBe(isPrime(x));
    for (const c of [561n, 1105n, 1729n, 2465n, 2821n, 6601n, 8911n, 3215031751n, 3825123056546413051n]) expect(isProbablePrime(c)).toBe(false);
    expect(isProbablePrime((1n << 127n) - 1n)).toBe(true);
    expect(isProbablePrime((1n << 128n) + 1n)).toBe(false);
  });
  it('randomPrime has exactly the requested bits, top two set', () => {
    const rng = seededRng(9);
    for (const bits of [16, 64, 128]) {
      const p = randomPrime(bits, rng);
      expect(bitLength(p)).toBe(bits);
      expect(p >> BigInt(bits - 2)).toBe(3n);
      expect(isProbablePrime(p)).toBe(true);
    }
    expect(() => randomPrime(8, rng)).toThrow(RangeError);
  });
});
