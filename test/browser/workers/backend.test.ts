import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCryptoPool, type CryptoPool } from '../../../workers/pool';
import { workerBackend } from '../../../workers/backend';
import type { DealtKey } from '../../../workers/crypto-api';
import type { CryptoBackend } from '../../../src/protocol/crypto-backend';

let pool: CryptoPool;
let dealt: DealtKey;
let backend: CryptoBackend;

beforeAll(async () => {
  pool = createCryptoPool({ size: 2 });
  dealt = await pool.dealThresholdKey({ bits: 512, holders: 3, threshold: 2 });
  backend = workerBackend(pool, dealt.publicKey);
});
afterAll(() => pool.terminate());

/** Threshold-decrypts through the backend with holders 1 and 3. */
async function open(c: readonly bigint[]): Promise<bigint[]> {
  const parts = await Promise.all([dealt.shares[0]!, dealt.shares[2]!].map((s) => backend.partialDecryptVector(s, c)));
  return backend.combineVector(dealt.publicKey, parts);
}

describe('workerBackend (CryptoBackend over the pool, 512-bit threshold key)', () => {
  it('describes the key', () => {
    const n = dealt.publicKey.n;
    expect(backend.name).toBe('paillier-512');
    expect(backend.plaintextModulus).toBe(n);
    expect(backend.ciphertextModulus).toBe(n * n);
    expect(backend.ciphertextBytes).toBe(128);
    expect(backend.isValidCiphertext(n * n - 1n)).toBe(true);
    expect(backend.isValidCiphertext(n * n)).toBe(false);
    expect(backend.isValidCiphertext(0n)).toBe(false);
    expect(backend.isValidPartial(1n)).toBe(true);
    expect(backend.isValidPartial(-1n)).toBe(false);
  });

  it('encrypts, adds, scales and merges push-sum states homomorphically', async () => {
    const n = dealt.publicKey.n;
    const a = [3n, 0n, 100n, n - 5n, 17n, 1n, 2n, 4n];
    const b = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n];
    const [ea, eb] = await Promise.all([backend.encryptVector(a), backend.encryptVector(b)]);
    expect(ea.every((c) => backend.isValidCiphertext(c))).toBe(true);
    await expect(open(ea)).resolves.toEqual(a);
    await expect(open(await backend.addVectors(ea, eb))).resolves.toEqual(a.map((x, i) => (x + b[i]!) % n));
    await expect(open(await backend.mulConstVector(eb, 10n))).resolves.toEqual(b.map((x) => 10n * x));
    await expect(open(await backend.scaleByPowerOfTwo(eb, 5))).resolves.toEqual(b.map((x) => 32n * x));
    await expect(open(await backend.scaleByPowerOfTwo(eb, 0))).resolves.toEqual(b);
    // a/2^1 + b/2^3 over the common denominator 2^3: 4a + b.
    const merged = await backend.mergeScaled(ea, 1, eb, 3);
    expect(merged.e).toBe(3);
    await expect(open(merged.c)).resolves.toEqual(a.map((x, i) => (4n * x + b[i]!) % n));
    expect(backend.elapsedMs()).toBeGreaterThan(0);
  });

  it('rejects bad inputs with precise errors', async () => {
    const ea = await backend.encryptVector([1n, 2n]);
    await expect(backend.addVectors(ea, [ea[0]!])).rejects.toThrow(new RangeError('addVectors: vector lengths differ (2 vs 1)'));
    await expect(backend.scaleByPowerOfTwo(ea, -1)).rejects.toThrow(
      new RangeError('scaleByPowerOfTwo: exponent must be an integer in [0, 65536], got -1'),
    );
    const one = await backend.partialDecryptVector(dealt.shares[0]!, ea);
    await expect(backend.combineVector(dealt.publicKey, [one])).rejects.toThrow(
      new RangeError('combineVector: need 2 partial decryption vectors, got 1'),
    );
    await expect(backend.combineVector(dealt.publicKey, [one, [one[0]!, { index: 2, value: one[1]!.value }]])).rejects.toThrow(
      new RangeError('combineVector: holder 1 mixes indices 1 and 2'),
    );
    await expect(backend.combineVector(dealt.publicKey, [[], []])).resolves.toEqual([]);
  });
});
