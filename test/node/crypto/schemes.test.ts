import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seededRng } from '../../../src/core/rng';
import {
  createNoncePool, dealPlainThresholdKey, dealThresholdKeyFromPrimes, decrypt, paillierScheme,
  paillierThresholdDecryption, plainModulus, plainScheme, plainThresholdDecryption, privateKeyFromPrimes,
} from '../../../src/crypto/index';
import type { AdditiveScheme } from '../../../src/crypto/index';
import { isProbablePrime } from '../../../src/crypto/primes';
import { P256, Q256, SAFE_128 } from './fixtures';

const sk = privateKeyFromPrimes(P256, Q256);
const pk = sk.publicKey;

/** The protocol-style computation Σ k_i·m_i − m_0 through any scheme. */
function linear(s: AdditiveScheme & { sub(a: bigint, b: bigint): bigint }, ms: bigint[], ks: bigint[]): bigint {
  const cs = ms.map((m) => s.encrypt(m));
  let acc = s.mulConst(cs[0]!, ks[0]!);
  for (let i = 1; i < cs.length; i++) acc = s.add(acc, s.mulConst(cs[i]!, ks[i]!));
  return s.sub(acc, cs[0]!);
}

describe('plain modulus', () => {
  it('is the largest prime below 2^bits, with exactly `bits` bits', () => {
    for (const bits of [256, 512, 1024]) {
      const n = plainModulus(bits);
      expect(n.toString(2)).toHaveLength(bits);
      expect(isProbablePrime(n, 4)).toBe(true);
      for (let x = n + 2n; x < 1n << BigInt(bits); x += 2n) expect(isProbablePrime(x, 2)).toBe(false);
    }
    expect(isProbablePrime(plainModulus(2048), 2)).toBe(true);
    expect(isProbablePrime(plainModulus(3072), 1)).toBe(true);
    expect(() => plainModulus(100)).toThrow(new RangeError('plain modulus: unsupported size 100: expected one of 256, 512, 1024, 2048, 3072'));
  });
});

describe('schemes run the same arithmetic', () => {
  const paillier = paillierScheme(pk, { rng: seededRng(1) });
  const djn = paillierScheme(pk, { variant: 'djn', rng: seededRng(2) });
  const pooled = paillierScheme(pk, { pool: createNoncePool(pk, { prefill: 3, rng: seededRng(3) }) });
  const plain = plainScheme(512);
  it('names, moduli and sizes', () => {
    expect([paillier.name, paillier.kind, paillier.ciphertextBytes, paillier.plaintextModulus]).toEqual(['paillier-512', 'paillier', 128, pk.n]);
    expect([plain.name, plain.kind, plain.ciphertextBytes, plain.plaintextModulus]).toEqual(['plain', 'plain', 64, plainModulus(512)]);
  });
  it('Σ k_i·m_i − m_0 agrees between Paillier (standard, DJN, pooled) and plain, modulo each n', () => {
    fc.assert(fc.property(fc.array(fc.bigInt({ min: 0n, max: 1n << 200n }), { minLength: 1, maxLength: 4 }), fc.array(fc.bigInt({ min: 0n, max: 1n << 40n }), { minLength: 4, maxLength: 4 }), (ms, ks) => {
      const expected = (n: bigint): bigint => ((ms.reduce((a, m, i) => a + m * ks[i]!, 0n) - ms[0]!) % n + n) % n;
      for (const s of [paillier, djn, pooled]) expect(decrypt(sk, linear(s, ms, ks))).toBe(expected(pk.n));
      expect(linear(plain, ms, ks)).toBe(expected(plain.plaintextModulus));
    }), { numRuns: 10 });
  });
  it('codecs and validation', () => {
    const c = paillier.encrypt(5n);
    expect(paillier.decodeCiphertext(paillier.encodeCiphertext(c))).toBe(c);
    expect(() => paillier.assertCiphertext(0n)).toThrow(new RangeError('ciphertext must be in [1, n²)'));
    expect(plain.decodeCiphertext(plain.encodeCiphertext(5n))).toBe(5n);
    expect(() => plain.encrypt(plain.plaintextModulus)).toThrow(new RangeError('plaintext must be in [0, n)'));
    expect(() => plain.add(-1n, 1n)).toThrow(new RangeError('plain ciphertext must be in [0, n)'));
    expect(() => plain.mulConst(1n, 1 as unknown as bigint)).toThrow(new TypeError('constant k must be a bigint, got number'));
    expect(() => plain.decodeCiphertext(new Uint8Array(63))).toThrow(new RangeError('decodeCiphertext: expected 64 bytes, got 63'));
    expect(() => plain.decodeCiphertext(new Uint8Array(64).fill(255))).toThrow(RangeError);
    expect(() => paillier.encrypt(pk.n)).toThrow(RangeError);
    const other = privateKeyFromPrimes(7n, 11n).publicKey;
    expect(() => paillierScheme(pk, { pool: createNoncePool(other) })).toThrow(new RangeError('nonce pool belongs to another public key'));
  });
});

describe('threshold facades', () => {
  const real = dealThresholdKeyFromPrimes({ p: SAFE_128[0], q: SAFE_128[1], holders: 5, threshold: 3, rng: seededRng(4) });
  const fake = dealPlainThresholdKey({ bits: 256, holders: 5, threshold: 3 });
  it('same code path decrypts under both', () => {
    for (const [key, scheme, td] of [
      [real, paillierScheme(real.publicKey, { rng: seededRng(5) }), paillierThresholdDecryption(real.publicKey)],
      [fake, plainScheme(256), plainThresholdDecryption(fake.publicKey)],
    ] as const) {
      const c = scheme.add(scheme.encrypt(40n), scheme.encrypt(2n));
      const parts = [key.shares[4]!, key.shares[1]!, key.shares[3]!].map((s) => td.partialDecrypt(s, c));
      expect(td.combine(parts)).toBe(42n);
      expect(() => td.combine(parts.slice(0, 2))).toThrow(new RangeError('need 3 partial decryptions, got 2'));
      expect(() => td.combine([parts[0]!, parts[0]!, parts[1]!])).toThrow(new RangeError(`duplicate partial decryption index ${parts[0]!.index}`));
      expect(() => td.combine([...parts.slice(0, 2), { index: 6, value: 1n }])).toThrow(new RangeError('unknown partial decryption index 6: expected 1..5'));
      const c2 = scheme.encrypt(7n);
      expect(() => td.combine([...parts.slice(0, 2), td.partialDecrypt(key.shares[0]!, c2)])).toThrow(new RangeError('partial decryptions are inconsistent (wrong key, different ciphertexts or a corrupted share)'));
      expect(() => td.partialDecrypt(key === real ? fake.shares[0]! : real.shares[0]!, c)).toThrow(new RangeError('key share belongs to another threshold key'));
    }
    expect(fake.publicKey).toEqual({ n: plainModulus(256), bits: 256, holders: 5, threshold: 3 });
    expect(() => dealPlainThresholdKey({ bits: 256, holders: 5, threshold: 6 })).toThrow(new RangeError('threshold must be an integer in [1, holders = 5], got 6'));
  });
});
