import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seededRng } from '../../../src/core/rng';
import {
  createNoncePool, decrypt, djnNonceFor, djnSetup, encryptOnline, privateKeyFromPrimes, DJN_EXPONENT_BITS,
  assertDjnParams,
} from '../../../src/crypto/index';
import { P256, Q256, refPow } from './fixtures';

const sk = privateKeyFromPrimes(P256, Q256);
const pk = sk.publicKey;
const n = pk.n, n2 = n * n;

describe('standard nonce pool', () => {
  it('fills to capacity, hands out each term once, counts misses, and terms are n-th residues', () => {
    const pool = createNoncePool(pk, { capacity: 4, prefill: 2, rng: seededRng(1) });
    expect(pool.size).toBe(2);
    expect(pool.fill()).toBe(2);
    expect(pool.fill()).toBe(0);
    const terms = [pool.take(), pool.take(), pool.take(), pool.take()];
    expect(new Set(terms).size).toBe(4);
    expect(pool.misses).toBe(0);
    pool.take();
    expect(pool.misses).toBe(1);
    // An n-th residue decrypts to 0: it is E(0; r).
    for (const t of terms) expect(decrypt(sk, t)).toBe(0n);
  });
  it('encryptOnline decrypts correctly (property)', () => {
    const pool = createNoncePool(pk, { capacity: 8, rng: seededRng(2) });
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: n - 1n }), (m) => {
      expect(decrypt(sk, encryptOnline(pk, m, pool))).toBe(m);
    }), { numRuns: 20 });
  });
  it('supply validates terms and respects capacity; a rejected plaintext does not burn a term', () => {
    const pool = createNoncePool(pk, { capacity: 2, rng: seededRng(3) });
    expect(() => pool.supply([0n])).toThrow(new RangeError('nonce term must be in [1, n²)'));
    expect(() => pool.supply([5 as unknown as bigint])).toThrow(TypeError);
    expect(pool.supply([1n, refPow(2n, n, n2), refPow(3n, n, n2)])).toBe(2);
    expect(() => encryptOnline(pk, n, pool)).toThrow(RangeError);
    expect(pool.size).toBe(2);
    expect(decrypt(sk, encryptOnline(pk, 9n, pool))).toBe(9n);
  });
  it('option and key validation', () => {
    expect(() => createNoncePool(pk, { capacity: 0 })).toThrow(new RangeError('pool capacity must be a positive integer, got 0'));
    expect(() => createNoncePool(pk, { prefill: -1 })).toThrow(RangeError);
    expect(() => createNoncePool(pk, { variant: 'fast' as 'djn' })).toThrow(new RangeError("unknown encryption variant 'fast'"));
    const other = privateKeyFromPrimes(7n, 11n).publicKey;
    const pool = createNoncePool(other, { rng: seededRng(4) });
    expect(() => encryptOnline(pk, 1n, pool)).toThrow(new RangeError('nonce pool belongs to another public key'));
    expect(() => pool.fill(-1)).toThrow(RangeError);
  });
});

describe('DJN short-exponent randomness', () => {
  const params = djnSetup(pk, seededRng(7));
  it('h_s is an n-th power of −x² (decrypts to 0) and defaults to 256-bit exponents', () => {
    expect(params.exponentBits).toBe(DJN_EXPONENT_BITS);
    expect(DJN_EXPONENT_BITS).toBe(256);
    expect(decrypt(sk, params.hs)).toBe(0n);
  });
  it('the fixed-base table computes h_s^α exactly, for several window widths', () => {
    for (const window of [1, 3, 6, 8]) {
      const p = { ...params, window };
      fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), (alpha) => {
        expect(djnNonceFor(p, alpha)).toBe(refPow(params.hs, alpha, n2));
      }), { numRuns: 15 });
    }
    expect(djnNonceFor(params, 0n)).toBe(1n);
    expect(() => djnNonceFor(params, 1n << 256n)).toThrow(new RangeError('DJN exponent α must be in [0, 2^256)'));
  });
  it('DJN encryptions decrypt correctly and differ', () => {
    const pool = createNoncePool(pk, { variant: 'djn', djn: params, rng: seededRng(8), prefill: 3 });
    expect(pool.djn).toBe(params);
    const cs = [1n, 1n, n - 1n].map((m) => encryptOnline(pk, m, pool));
    expect(cs[0]).not.toBe(cs[1]);
    expect(cs.map((c) => decrypt(sk, c))).toEqual([1n, 1n, n - 1n]);
  });
  it('rejects parameters of another key or malformed', () => {
    const other = privateKeyFromPrimes(7n, 11n).publicKey;
    expect(() => assertDjnParams(other, params)).toThrow(new RangeError('DJN params belong to another public key'));
    expect(() => assertDjnParams(pk, { ...params, hs: 1n })).toThrow(new RangeError('DJN params hs must be in (1, n²)'));
    expect(() => assertDjnParams(pk, { ...params, exponentBits: 64 })).toThrow(new RangeError('DJN exponentBits must be an integer in [128, 4096], got 64'));
    expect(() => assertDjnParams(pk, { ...params, window: 0 })).toThrow(new RangeError('DJN window must be an integer in [1, 10], got 0'));
    expect(() => assertDjnParams(pk, { ...params, hs: 5 as unknown as bigint })).toThrow(new TypeError('DJN params hs must be a bigint, got number'));
    expect(() => createNoncePool(other, { variant: 'djn', djn: params })).toThrow(RangeError);
  });
});
