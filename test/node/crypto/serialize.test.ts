import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seededRng } from '../../../src/core/rng';
import {
  bigintToBytes, bytesToBigint, ciphertextBytes, dealThresholdKeyFromPrimes, decodeCiphertext, decodeCiphertexts,
  decodeKeyShare, decodePartialDecryption, decodePrivateKey, decodePublicKey, decodeThresholdPublicKey, decrypt,
  encodeCiphertext, encodeCiphertexts, encodeKeyShare, encodePartialDecryption, encodePrivateKey, encodePublicKey,
  encodeThresholdPublicKey, encrypt, partialDecrypt, privateKeyFromPrimes, combinePartials,
} from '../../../src/crypto/index';
import { P256, Q256, SAFE_128 } from './fixtures';

const sk = privateKeyFromPrimes(P256, Q256);
const pk = sk.publicKey;
const rng = seededRng(1);
const dealt = dealThresholdKeyFromPrimes({ p: SAFE_128[0], q: SAFE_128[1], holders: 5, threshold: 3, rng });
const tpk = dealt.publicKey;

describe('bytes ↔ bigint', () => {
  it('round trip and fixed width', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 1n << 700n }), (x) => {
      expect(bytesToBigint(bigintToBytes(x))).toBe(x);
      expect(bigintToBytes(x, 100)).toHaveLength(100);
      expect(bytesToBigint(bigintToBytes(x, 100))).toBe(x);
    }));
    expect(bigintToBytes(0x0102n)).toEqual(new Uint8Array([1, 2]));
    expect(bigintToBytes(0n, 3)).toEqual(new Uint8Array([0, 0, 0]));
    expect(bytesToBigint(new Uint8Array([]))).toBe(0n);
    expect(() => bigintToBytes(256n, 1)).toThrow(new RangeError('bigintToBytes: value needs 2 bytes, only 1 allowed'));
    expect(() => bigintToBytes(-1n)).toThrow(new RangeError('bigintToBytes: value must be non-negative'));
    expect(() => bytesToBigint([1] as unknown as Uint8Array)).toThrow(new TypeError('bytesToBigint: expected a Uint8Array'));
  });
});

describe('keys', () => {
  it('public, private, threshold public keys and shares round-trip', () => {
    expect(decodePublicKey(encodePublicKey(pk))).toEqual(pk);
    expect(encodePublicKey(pk)).toHaveLength(3 + 64);
    const sk2 = decodePrivateKey(encodePrivateKey(sk));
    expect(sk2).toEqual(sk);
    expect(decrypt(sk2, encrypt(pk, 77n, rng))).toBe(77n);
    expect(decodeThresholdPublicKey(encodeThresholdPublicKey(tpk))).toEqual(tpk);
    for (const s of dealt.shares) expect(decodeKeyShare(encodeKeyShare(s))).toEqual(s);
  });
  it('strict decode errors', () => {
    const enc = encodePublicKey(pk);
    expect(() => decodePublicKey(enc.subarray(0, enc.length - 1))).toThrow(new RangeError('decodePublicKey: expected 67 bytes, got 66'));
    expect(() => decodePublicKey(new Uint8Array([1]))).toThrow(new RangeError('decodePublicKey: too short (1 bytes)'));
    expect(() => decodePublicKey(encodeThresholdPublicKey(tpk))).toThrow(new RangeError('decodePublicKey: wrong tag 0x2 (expected 0x1)'));
    expect(() => decodePublicKey(enc, { minBits: 1024 })).toThrow(new RangeError('decodePublicKey: key size 512 outside [1024, 4096]'));
    const even = enc.slice(); even[even.length - 1]! &= 0xfe;
    expect(() => decodePublicKey(even)).toThrow(new RangeError('decodePublicKey: n must be odd'));
    const short = enc.slice(); short[3] = 0;
    expect(() => decodePublicKey(short)).toThrow(/decodePublicKey: n has \d+ bits, header says 512/);
    expect(() => decodePublicKey('x' as unknown as Uint8Array)).toThrow(new TypeError('decodePublicKey: expected a Uint8Array'));
    const priv = encodePrivateKey(sk); priv[priv.length - 1]! ^= 2;
    expect(() => decodePrivateKey(priv)).toThrow(RangeError);
    expect(() => encodePrivateKey({ ...sk, q: Q256 + 2n })).toThrow(new RangeError('encodePrivateKey: private key does not match its public key (p·q ≠ n)'));
    const t = encodeThresholdPublicKey(tpk); t[6] = 9; // threshold 9 > holders 5
    expect(() => decodeThresholdPublicKey(t)).toThrow(new RangeError('threshold must be an integer in [1, holders = 5], got 9'));
    const s = encodeKeyShare(dealt.shares[0]!); s[8] = 7;
    expect(() => decodeKeyShare(s)).toThrow(new RangeError('decodeKeyShare: index 7 outside 1..5'));
    const s2 = encodeKeyShare(dealt.shares[0]!); s2[9 + 32] = 0xff;
    expect(() => decodeKeyShare(s2)).toThrow(new RangeError('decodeKeyShare: secret must be below n²'));
    expect(() => decodeKeyShare(s2.subarray(1))).toThrow(RangeError);
  });
});

describe('ciphertexts and partial decryptions', () => {
  it('fixed width 2·bytes(n) and round trip (property)', () => {
    expect(ciphertextBytes(pk)).toBe(128);
    fc.assert(fc.property(fc.array(fc.bigInt({ min: 0n, max: pk.n - 1n }), { maxLength: 5 }), (ms) => {
      const cs = ms.map((m) => encrypt(pk, m, rng));
      const bytes = encodeCiphertexts(pk, cs);
      expect(bytes).toHaveLength(128 * cs.length);
      expect(decodeCiphertexts(pk, bytes)).toEqual(cs);
    }), { numRuns: 20 });
    expect(encodeCiphertext(pk, 1n)).toHaveLength(128);
  });
  it('strict ciphertext decode: length, range, unit', () => {
    const good = encodeCiphertext(pk, encrypt(pk, 1n, rng));
    expect(() => decodeCiphertext(pk, good.subarray(1))).toThrow(new RangeError('decodeCiphertext: expected 128 bytes, got 127'));
    expect(() => decodeCiphertext(pk, new Uint8Array(128))).toThrow(new RangeError('ciphertext must be in [1, n²)'));
    expect(() => decodeCiphertext(pk, new Uint8Array(128).fill(0xff))).toThrow(new RangeError('ciphertext must be in [1, n²)'));
    expect(() => decodeCiphertext(pk, bigintToBytes(P256, 128))).toThrow(new RangeError('ciphertext is not a unit modulo n² (gcd(c, n) ≠ 1)'));
    expect(() => decodeCiphertexts(pk, new Uint8Array(129))).toThrow(new RangeError('decodeCiphertexts: length 129 is not a multiple of 128'));
    expect(() => encodeCiphertext(pk, 0n)).toThrow(new RangeError('encodeCiphertext: ciphertext must be in [1, n²)'));
  });
  it('partial decryptions round-trip and still combine; bad ones are rejected', () => {
    const c = encrypt(tpk, 4242n, rng);
    const parts = dealt.shares.slice(1, 4).map((s) => partialDecrypt(s, c));
    const decoded = parts.map((pd) => decodePartialDecryption(tpk, encodePartialDecryption(tpk, pd)));
    expect(decoded).toEqual(parts);
    expect(combinePartials(tpk, decoded)).toBe(4242n);
    const b = encodePartialDecryption(tpk, parts[0]!);
    expect(b).toHaveLength(2 + 64);
    const bad = b.slice(); bad[1] = 9;
    expect(() => decodePartialDecryption(tpk, bad)).toThrow(new RangeError('decodePartialDecryption: index 9 outside 1..5'));
    expect(() => decodePartialDecryption(tpk, b.subarray(1))).toThrow(new RangeError('decodePartialDecryption: expected 66 bytes, got 65'));
    const zero = new Uint8Array(66); zero[1] = 1;
    expect(() => decodePartialDecryption(tpk, zero)).toThrow(new RangeError('decodePartialDecryption: value must be in [1, n²)'));
    expect(() => encodePartialDecryption(tpk, { index: 0, value: 1n })).toThrow(new RangeError('encodePartialDecryption: index 0 outside 1..5'));
  });
});
