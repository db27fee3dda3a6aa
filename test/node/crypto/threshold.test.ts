import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seededRng } from '../../../src/core/rng';
import {
  combinePartials, dealThresholdKey, dealThresholdKeyFromPrimes, encrypt, add, mulConst, partialDecrypt,
} from '../../../src/crypto/index';
import type { KeyShare, PartialDecryption } from '../../../src/crypto/index';
import { SAFE_128, SAFE_256, refPow } from './fixtures';

function subsets<T>(xs: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (xs.length < k) return [];
  const [head, ...rest] = xs;
  return [...subsets(rest, k - 1).map((s) => [head!, ...s]), ...subsets(rest, k)];
}

const dealt = dealThresholdKeyFromPrimes({ p: SAFE_128[0], q: SAFE_128[1], holders: 5, threshold: 3, rng: seededRng(1) });
const pk = dealt.publicKey;
const n = pk.n, n2 = n * n;
const rng = seededRng(2);

describe('dealing', () => {
  it('public key and share structure; shares reconstruct d with d ≡ 0 mod m, d ≡ 1 mod n', () => {
    expect(pk).toEqual({ n: SAFE_128[0] * SAFE_128[1], bits: 256, holders: 5, threshold: 3 });
    expect(dealt.shares.map((s) => s.index)).toEqual([1, 2, 3, 4, 5]);
    const m = ((SAFE_128[0] - 1n) / 2n) * ((SAFE_128[1] - 1n) / 2n);
    // Lagrange at 0 over Z_{nm} with shares 1..3 (3 ≤ holders; denominators invertible? use Δ-scaled integers instead).
    const pts = dealt.shares.slice(0, 3);
    const delta = 120n;
    let dd = 0n;
    for (const { index: i, secret } of pts) {
      let num = delta, den = 1n;
      for (const { index: j } of pts) if (j !== i) { num *= BigInt(j); den *= BigInt(j - i); }
      dd += (num / den) * secret;
    }
    dd = ((dd % (n * m)) + n * m) % (n * m); // Δ·d mod nm
    expect(dd % m).toBe(0n);
    expect(dd % n).toBe(delta % n);
  });
  it('deals a real key from fresh safe primes (256-bit, seeded)', () => {
    const k = dealThresholdKey({ bits: 256, holders: 3, threshold: 2, rng: seededRng(3) });
    expect(k.publicKey.n.toString(2)).toHaveLength(256);
    const c = encrypt(k.publicKey, 31337n, rng);
    expect(combinePartials(k.publicKey, [partialDecrypt(k.shares[2]!, c), partialDecrypt(k.shares[0]!, c)])).toBe(31337n);
  });
});

describe('threshold decryption, 5 holders, t = 3', () => {
  it('partialDecrypt is c^(2Δs_i) mod n²', () => {
    const c = encrypt(pk, 7n, rng);
    const s = dealt.shares[3]!;
    expect(partialDecrypt(s, c)).toEqual({ index: 4, value: refPow(c, 2n * 120n * s.secret, n2) });
  });
  it('every 3-subset, every 4-subset and all 5 decrypt correctly, in any order', () => {
    const m = 123456789n;
    const c = encrypt(pk, m, rng);
    const parts = dealt.shares.map((s) => partialDecrypt(s, c));
    for (const k of [3, 4, 5]) {
      for (const sub of subsets(parts, k)) {
        expect(combinePartials(pk, sub)).toBe(m);
        expect(combinePartials(pk, [...sub].reverse())).toBe(m);
      }
    }
    expect(subsets(parts, 3)).toHaveLength(10);
  });
  it('decrypts homomorphic results (property)', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: n - 1n }), fc.bigInt({ min: 0n, max: n - 1n }), fc.bigInt({ min: 0n, max: 1000n }), (a, b, k) => {
      const c = mulConst(pk, add(pk, encrypt(pk, a, rng), encrypt(pk, b, rng)), k);
      const parts = [dealt.shares[4]!, dealt.shares[0]!, dealt.shares[2]!].map((s) => partialDecrypt(s, c));
      expect(combinePartials(pk, parts)).toBe(((a + b) * k) % n);
    }), { numRuns: 15 });
  });
  it('t − 1 partials: RangeError naming the count, for every 2-subset', () => {
    const c = encrypt(pk, 5n, rng);
    const parts = dealt.shares.map((s) => partialDecrypt(s, c));
    for (const sub of subsets(parts, 2)) expect(() => combinePartials(pk, sub)).toThrow(new RangeError('need 3 partial decryptions, got 2'));
    expect(() => combinePartials(pk, [])).toThrow(new RangeError('need 3 partial decryptions, got 0'));
  });
  it('t − 1 partials interpolated as if t were 2 do not reveal the plaintext (inconsistency detected)', () => {
    const c = encrypt(pk, 5n, rng);
    const parts = dealt.shares.map((s) => partialDecrypt(s, c));
    const weak = { ...pk, threshold: 2 };
    for (const sub of subsets(parts, 2)) {
      let out: bigint | undefined;
      try { out = combinePartials(weak, sub); } catch (e) {
        expect(e).toEqual(new RangeError('partial decryptions are inconsistent (wrong key, different ciphertexts or a corrupted share)'));
      }
      if (out !== undefined) expect(out).not.toBe(5n);
    }
  });
  it('duplicate and unknown indices, bad values, mixed ciphertexts, wrong key', () => {
    const c = encrypt(pk, 5n, rng), c2 = encrypt(pk, 6n, rng);
    const parts = dealt.shares.map((s) => partialDecrypt(s, c));
    const [p1, p2, p3] = parts as [PartialDecryption, PartialDecryption, PartialDecryption];
    expect(() => combinePartials(pk, [p1, p2, p2, p3])).toThrow(new RangeError('duplicate partial decryption index 2'));
    expect(() => combinePartials(pk, [p1, p2, { index: 6, value: 2n }])).toThrow(new RangeError('unknown partial decryption index 6: expected 1..5'));
    expect(() => combinePartials(pk, [p1, p2, { index: 0, value: 2n }])).toThrow(RangeError);
    expect(() => combinePartials(pk, [p1, p2, { index: 3, value: 0n }])).toThrow(new RangeError('partial decryption 3 value must be in [1, n²)'));
    expect(() => combinePartials(pk, [p1, p2, { index: 3, value: 2 as unknown as bigint }])).toThrow(new TypeError('partial decryption 3 value must be a bigint, got number'));
    expect(() => combinePartials(pk, 'x' as unknown as PartialDecryption[])).toThrow(TypeError);
    expect(() => combinePartials(pk, [p1, p2, partialDecrypt(dealt.shares[2]!, c2)])).toThrow(new RangeError('partial decryptions are inconsistent (wrong key, different ciphertexts or a corrupted share)'));
    const corrupted: KeyShare = { ...dealt.shares[2]!, secret: dealt.shares[2]!.secret + 1n };
    expect(() => combinePartials(pk, [p1, p2, partialDecrypt(corrupted, c)])).toThrow(RangeError);
    const other = dealThresholdKeyFromPrimes({ p: SAFE_256[0], q: SAFE_256[1], holders: 5, threshold: 3, rng: seededRng(4) });
    expect(() => combinePartials(other.publicKey, [p1, p2, p3])).toThrow(RangeError);
    const cOther = encrypt(other.publicKey, 5n, rng);
    expect(() => partialDecrypt(dealt.shares[0]!, cOther)).toThrow(new RangeError('ciphertext must be in [1, n²)'));
  });
  it('share and dealing validation', () => {
    const c = encrypt(pk, 5n, rng);
    expect(() => partialDecrypt({ ...dealt.shares[0]!, index: 6 }, c)).toThrow(new RangeError('key share index must be an integer in [1, 5], got 6'));
    expect(() => partialDecrypt({ ...dealt.shares[0]!, secret: -1n }, c)).toThrow(new RangeError('key share secret must be in [0, n²)'));
    expect(() => partialDecrypt(dealt.shares[0]!, SAFE_128[0])).toThrow(new RangeError('ciphertext is not a unit modulo n² (gcd(c, n) ≠ 1)'));
    expect(() => dealThresholdKeyFromPrimes({ p: SAFE_128[0], q: SAFE_128[0], holders: 3, threshold: 2 })).toThrow(new RangeError('safe primes p and q must be distinct'));
    expect(() => dealThresholdKeyFromPrimes({ p: SAFE_128[0], q: SAFE_128[1] + 2n, holders: 3, threshold: 2 })).toThrow(new RangeError('p and q must be safe primes (p = 2p′ + 1 with p′ prime)'));
    expect(() => dealThresholdKeyFromPrimes({ p: SAFE_128[0], q: SAFE_128[1], holders: 3, threshold: 4 })).toThrow(new RangeError('threshold must be an integer in [1, holders = 3], got 4'));
    expect(() => dealThresholdKeyFromPrimes({ p: SAFE_128[0], q: SAFE_128[1], holders: 0, threshold: 1 })).toThrow(new RangeError('holders must be an integer in [1, 1024], got 0'));
    expect(() => dealThresholdKey({ bits: 100 as 256, holders: 3, threshold: 2 })).toThrow(new RangeError('unsupported key size 100: expected one of 256, 512, 1024, 2048, 3072'));
  });
  it('threshold 1 and threshold = holders work', () => {
    for (const [holders, threshold] of [[3, 1], [4, 4]] as const) {
      const k = dealThresholdKeyFromPrimes({ p: SAFE_128[0], q: SAFE_128[1], holders, threshold, rng: seededRng(holders) });
      const c = encrypt(k.publicKey, 99n, rng);
      const parts = k.shares.map((s) => partialDecrypt(s, c));
      expect(combinePartials(k.publicKey, parts.slice(0, threshold))).toBe(99n);
      expect(combinePartials(k.publicKey, parts.slice(holders - threshold))).toBe(99n);
    }
  });
});
