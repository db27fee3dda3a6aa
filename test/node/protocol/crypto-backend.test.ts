import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seededRng } from '../../../src/core/rng';
import { dealThresholdKey } from '../../../src/crypto/threshold';
import { dealPlainThresholdKey } from '../../../src/crypto/schemes';
import { paillierBackend, plainBackend, widePlainBackend } from '../../../src/protocol/crypto-backend';
import type { CryptoBackend } from '../../../src/protocol/crypto-backend';
import type { KeyShare, ThresholdPublicKey } from '../../../src/crypto/types';

const paillier = dealThresholdKey({ bits: 512, holders: 4, threshold: 3, rng: seededRng(11) });
const plain = dealPlainThresholdKey({ bits: 512, holders: 4, threshold: 3 });
const cases: [string, CryptoBackend, ThresholdPublicKey, KeyShare[]][] = [
  ['paillier-512', paillierBackend(paillier.publicKey, { rng: seededRng(3) }), paillier.publicKey, paillier.shares],
  ['plain', plainBackend(plain.publicKey), plain.publicKey, plain.shares],
];

describe.each(cases)('in-thread backend %s', (_name, backend, pk, shares) => {
  const n = pk.n;
  const decrypt = async (c: bigint[], holders = [1, 2, 3]): Promise<bigint[]> => {
    const partials = await Promise.all(holders.map((h) => backend.partialDecryptVector(shares[h - 1]!, c)));
    return backend.combineVector(pk, partials);
  };

  it('encrypts, adds, scales and threshold-decrypts like plaintext arithmetic mod n', async () => {
    const a = [5n, n - 3n, 0n, 123456789n];
    const b = [7n, 10n, n - 1n, 1n];
    const ea = await backend.encryptVector(a);
    const eb = await backend.encryptVector(b);
    for (const c of ea) expect(backend.isValidCiphertext(c)).toBe(true);
    expect(await decrypt(await backend.addVectors(ea, eb))).toEqual(a.map((x, i) => (x + b[i]!) % n));
    expect(await decrypt(await backend.mulConstVector(ea, 3n), [2, 3, 4])).toEqual(a.map((x) => (x * 3n) % n));
    expect(await decrypt(await backend.scaleByPowerOfTwo(ea, 5))).toEqual(a.map((x) => (x * 32n) % n));
    const merged = await backend.mergeScaled(ea, 2, eb, 5);
    expect(merged.e).toBe(5);
    expect(await decrypt(merged.c)).toEqual(a.map((x, i) => (x * 8n + b[i]!) % n));
  });

  it('refuses too few or duplicate partial decryptions and bad inputs', async () => {
    const c = await backend.encryptVector([42n]);
    const p1 = await backend.partialDecryptVector(shares[0]!, c);
    const p2 = await backend.partialDecryptVector(shares[1]!, c);
    await expect(backend.combineVector(pk, [p1, p2])).rejects.toThrow(RangeError);
    await expect(backend.combineVector(pk, [p1, p1, p2])).rejects.toThrow(/duplicate/);
    await expect(backend.encryptVector([n])).rejects.toThrow(RangeError);
    await expect(backend.addVectors(c, [])).rejects.toThrow(/lengths/);
    await expect(backend.scaleByPowerOfTwo(c, -1)).rejects.toThrow(RangeError);
    expect(backend.isValidCiphertext(-1n)).toBe(false);
    expect(backend.isValidCiphertext(backend.ciphertextModulus)).toBe(false);
  });

  it('accounts the time spent', async () => {
    const before = backend.elapsedMs();
    await backend.encryptVector([1n, 2n, 3n]);
    expect(backend.elapsedMs()).toBeGreaterThanOrEqual(before);
  });
});

describe('paillier backend hides plaintexts', () => {
  it('produces ciphertexts different from the plaintext and from each other', async () => {
    const be = cases[0]![1];
    const [c1, c2] = await be.encryptVector([5n, 5n]);
    expect(c1).not.toBe(5n);
    expect(c1).not.toBe(c2);
    expect(be.ciphertextModulus).toBe(paillier.publicKey.n ** 2n);
  });
});

describe('widePlainBackend', () => {
  it('mergeScaled is (a·2^(e−ea) + b·2^(e−eb)) mod 2^bits − 1 element-wise (property)', async () => {
    const bits = 300;
    const n = (1n << BigInt(bits)) - 1n;
    const be = widePlainBackend(bits);
    const elem = fc.bigInt({ min: 0n, max: n - 1n });
    await fc.assert(fc.asyncProperty(
      fc.array(fc.tuple(elem, elem), { minLength: 1, maxLength: 4 }), fc.nat(40), fc.nat(40),
      async (pairs, ea, eb) => {
        const a = pairs.map((p) => p[0]), b = pairs.map((p) => p[1]);
        const { c, e } = await be.mergeScaled(a, ea, b, eb);
        expect(e).toBe(Math.max(ea, eb));
        c.forEach((x, i) => {
          expect(x).toBe((a[i]! * 2n ** BigInt(e - ea) + b[i]! * 2n ** BigInt(e - eb)) % n);
        });
      },
    ), { numRuns: 200 });
    await expect(be.mergeScaled([1n], 0, [1n, 2n], 0)).rejects.toThrow(/lengths/);
    await expect(be.mergeScaled([1n], -1, [1n], 0)).rejects.toThrow(/exponent/);
    // n − 1 + 1 wraps to 0 (the canonical residue, never n itself).
    expect((await be.mergeScaled([n - 1n], 0, [1n], 0)).c).toEqual([0n]);
  });
});
