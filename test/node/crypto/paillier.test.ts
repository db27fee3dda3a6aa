import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seededRng } from '../../../src/core/rng';
import {
  add, assertCiphertext, decrypt, encrypt, encryptWithNonce, generateKeyPair, mulConst,
  privateKeyFromPrimes, publicKeyFromModulus, rerandomize, sub,
} from '../../../src/crypto/index';
import type { PrivateKey } from '../../../src/crypto/index';
import { P256, Q256, refDecrypt, refEncrypt } from './fixtures';

const sk = privateKeyFromPrimes(P256, Q256);
const pk = sk.publicKey;
const n = pk.n;
const arbM = fc.bigInt({ min: 0n, max: n - 1n });

describe('Paillier known-answer vectors', () => {
  it('textbook p = 7, q = 11, m = 42, r = 23 gives c = 3840 (g = n + 1, computed by hand/Python)', () => {
    const tiny = privateKeyFromPrimes(7n, 11n);
    expect(tiny.publicKey).toEqual({ n: 77n, bits: 7 });
    const c = encryptWithNonce(tiny.publicKey, 42n, 23n);
    expect(c).toBe(3840n);
    expect(decrypt(tiny, 3840n)).toBe(42n);
  });
  it('p = 17, q = 19 vectors', () => {
    const k = privateKeyFromPrimes(17n, 19n);
    const vectors: [bigint, bigint, bigint][] = [[42n, 23n, 35763n], [0n, 2n, 9358n], [322n, 100n, 24438n]];
    for (const [m, r, c] of vectors) {
      expect(encryptWithNonce(k.publicKey, m, r)).toBe(c);
      expect(decrypt(k, c)).toBe(m);
    }
  });
  it('every plaintext of the n = 77 key decrypts back (exhaustive, several nonces)', () => {
    const tiny = privateKeyFromPrimes(7n, 11n);
    for (let m = 0n; m < 77n; m++) {
      for (const r of [1n, 2n, 23n, 76n]) {
        const c = encryptWithNonce(tiny.publicKey, m, r);
        expect(c).toBe(refEncrypt(77n, m, r));
        expect(decrypt(tiny, c)).toBe(m);
      }
    }
  });
  it('matches the naive reference (full g^m·r^n, non-CRT L(c^λ)·μ) on a 512-bit key', () => {
    fc.assert(fc.property(arbM, fc.bigInt({ min: 1n, max: n - 1n }), (m, r) => {
      const c = encryptWithNonce(pk, m, r);
      expect(c).toBe(refEncrypt(n, m, r));
      expect(decrypt(sk, c)).toBe(m);
      expect(refDecrypt(P256, Q256, c)).toBe(m);
    }), { numRuns: 25 });
  });
});

describe('homomorphic properties (512-bit key)', () => {
  const rng = seededRng(11);
  it('D(E(a)·E(b)) = a + b mod n', () => {
    fc.assert(fc.property(arbM, arbM, (a, b) => {
      expect(decrypt(sk, add(pk, encrypt(pk, a, rng), encrypt(pk, b, rng)))).toBe((a + b) % n);
    }), { numRuns: 30 });
  });
  it('D(E(a)^k) = k·a mod n', () => {
    fc.assert(fc.property(arbM, arbM, (a, k) => {
      expect(decrypt(sk, mulConst(pk, encrypt(pk, a, rng), k))).toBe((k * a) % n);
    }), { numRuns: 30 });
  });
  it('D(E(a)·E(b)⁻¹) = a − b mod n', () => {
    fc.assert(fc.property(arbM, arbM, (a, b) => {
      expect(decrypt(sk, sub(pk, encrypt(pk, a, rng), encrypt(pk, b, rng)))).toBe((((a - b) % n) + n) % n);
    }), { numRuns: 20 });
  });
  it('encryption is randomised and rerandomize keeps the plaintext but changes the ciphertext', () => {
    const c1 = encrypt(pk, 5n, rng), c2 = encrypt(pk, 5n, rng);
    expect(c1).not.toBe(c2);
    const c3 = rerandomize(pk, c1, rng);
    expect(c3).not.toBe(c1);
    expect(decrypt(sk, c3)).toBe(5n);
  });
});

describe('key generation', () => {
  it('produces exactly `bits`-bit moduli, deterministic for a seeded rng, that work', () => {
    const a = generateKeyPair(256, seededRng(5));
    const b = generateKeyPair(256, seededRng(5));
    expect(a.p).toBe(b.p);
    expect(a.publicKey.n.toString(2)).toHaveLength(256);
    expect(a.publicKey.bits).toBe(256);
    expect(a.p * a.q).toBe(a.publicKey.n);
    const c = encrypt(a.publicKey, 99n, seededRng(1));
    expect(decrypt(a, c)).toBe(99n);
    expect(refDecrypt(a.p, a.q, c)).toBe(99n);
  });
  it('rejects unsupported sizes', () => {
    expect(() => generateKeyPair(768 as 1024)).toThrow(new RangeError('unsupported key size 768: expected one of 256, 512, 1024, 2048, 3072'));
  });
});

describe('validation', () => {
  it('plaintext outside [0, n) → RangeError, non-bigint → TypeError', () => {
    expect(() => encrypt(pk, n)).toThrow(new RangeError('plaintext must be in [0, n) for a 512-bit key'));
    expect(() => encrypt(pk, -1n)).toThrow(RangeError);
    expect(() => encrypt(pk, 5 as unknown as bigint)).toThrow(new TypeError('plaintext must be a bigint, got number'));
  });
  it('ciphertext outside [1, n²) or not a unit → RangeError', () => {
    const c = encrypt(pk, 1n);
    expect(() => add(pk, 0n, c)).toThrow(new RangeError('ciphertext a must be in [1, n²)'));
    expect(() => add(pk, c, n * n)).toThrow(new RangeError('ciphertext b must be in [1, n²)'));
    expect(() => mulConst(pk, c, n)).toThrow(new RangeError('constant k must be in [0, n)'));
    expect(() => mulConst(pk, c, -1n)).toThrow(RangeError);
    expect(() => mulConst(pk, c, 1 as unknown as bigint)).toThrow(new TypeError('constant k must be a bigint, got number'));
    expect(() => decrypt(sk, P256 * 3n)).toThrow(new RangeError('ciphertext is not a unit modulo n² (gcd(c, n) ≠ 1)'));
    expect(() => assertCiphertext(pk, Q256)).toThrow(new RangeError('ciphertext is not a unit modulo n² (gcd(c, n) ≠ 1)'));
    expect(() => assertCiphertext(pk, n * n + 1n)).toThrow(new RangeError('ciphertext must be in [1, n²)'));
    expect(() => decrypt(sk, '7' as unknown as bigint)).toThrow(new TypeError('ciphertext must be a bigint, got string'));
    expect(() => rerandomize(pk, 0n)).toThrow(RangeError);
  });
  it('nonce r outside Z*_n → RangeError', () => {
    expect(() => encryptWithNonce(pk, 1n, 0n)).toThrow(new RangeError('nonce r must be in Z*_n'));
    expect(() => encryptWithNonce(pk, 1n, P256)).toThrow(new RangeError('nonce r must be in Z*_n'));
    expect(() => encryptWithNonce(pk, 1n, n)).toThrow(new RangeError('nonce r must be in Z*_n'));
  });
  it('mismatched private key (p·q ≠ n) → RangeError', () => {
    const bad: PrivateKey = { publicKey: pk, p: P256, q: Q256 + 2n };
    expect(() => decrypt(bad, encrypt(pk, 1n))).toThrow(new RangeError('private key does not match its public key (p·q ≠ n)'));
    const other = privateKeyFromPrimes(7n, 11n);
    expect(() => decrypt({ ...other, publicKey: pk }, 2n)).toThrow(RangeError);
  });
  it('malformed public keys', () => {
    expect(() => encrypt({ n: 78n, bits: 7 }, 1n)).toThrow(new RangeError('public key n must be an odd integer ≥ 15'));
    expect(() => encrypt({ n: 77n, bits: 8 }, 1n)).toThrow(new RangeError('public key bits (8) must equal the bit length of n (7)'));
    expect(() => encrypt({ n: 77, bits: 7 } as unknown as typeof pk, 1n)).toThrow(new TypeError('public key n must be a bigint, got number'));
    expect(() => encrypt(null as unknown as typeof pk, 1n)).toThrow(new TypeError('public key must be an object'));
    expect(() => publicKeyFromModulus(9n)).toThrow(new RangeError('modulus n must be ≥ 15'));
  });
  it('bad primes for privateKeyFromPrimes', () => {
    expect(() => privateKeyFromPrimes(7n, 7n)).toThrow(new RangeError('p and q must be distinct'));
    expect(() => privateKeyFromPrimes(8n, 7n)).toThrow(new RangeError('p and q must be odd primes ≥ 3'));
    expect(() => privateKeyFromPrimes(3n, 7n)).toThrow(new RangeError('gcd(n, (p−1)(q−1)) must be 1'));
    expect(privateKeyFromPrimes(3n, 5n).publicKey).toEqual({ n: 15n, bits: 4 });
    expect(() => privateKeyFromPrimes(5n, 11n)).toThrow(new RangeError('gcd(n, (p−1)(q−1)) must be 1'));
    expect(() => privateKeyFromPrimes(7 as unknown as bigint, 11n)).toThrow(new TypeError('prime p must be a bigint, got number'));
  });
});
