import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCryptoPool, type CryptoPool } from '../../../workers/pool';
import type { DealProgress, DealtKey } from '../../../workers/crypto-api';

let pool: CryptoPool;
let dealt: DealtKey;
const progress: DealProgress[] = [];

beforeAll(async () => {
  pool = createCryptoPool({ size: 2 });
  // 512-bit n from two 256-bit safe primes: a fraction of a second.
  dealt = await pool.dealThresholdKey({ bits: 512, holders: 5, threshold: 3 }, (p) => progress.push(p));
});
afterAll(() => pool.terminate());

it('deals a threshold key in a worker and reports progress through the proxy', () => {
  expect(dealt.publicKey).toMatchObject({ bits: 512, holders: 5, threshold: 3 });
  expect(dealt.shares.map((s) => s.index)).toEqual([1, 2, 3, 4, 5]);
  for (const s of dealt.shares) expect(s.publicKey.n).toBe(dealt.publicKey.n);
  expect(progress.length).toBeGreaterThan(0);
  expect(progress.at(-1)).toEqual({ phase: 'done', tested: 0 });
});

it('round-trips encrypt → partial decryptions in workers → combine, for several holder subsets', async () => {
  const pk = dealt.publicKey;
  const values = [0n, 1n, 42n, 10n ** 30n, pk.n - 1n, 7n, 8n, 9n, 10n];
  const cts = await pool.encryptVector(pk, values, 'djn');
  const partials = await Promise.all(dealt.shares.map((s) => pool.partialDecryptVector(s, cts)));
  expect(partials.map((p) => p.index)).toEqual([1, 2, 3, 4, 5]);
  for (const subset of [[0, 1, 2], [4, 2, 0], [1, 3, 4], [0, 1, 2, 3, 4]]) {
    await expect(pool.combineVector(pk, subset.map((i) => partials[i]!))).resolves.toEqual(values);
  }
  // A homomorphic sum decrypts through the threshold path too.
  const doubled = await pool.addMany(pk, [cts, cts]);
  const parts = await Promise.all([0, 2, 4].map((i) => pool.partialDecryptVector(dealt.shares[i]!, doubled)));
  await expect(pool.combineVector(pk, parts)).resolves.toEqual(values.map((v) => (2n * v) % pk.n));
});

it('refuses fewer partial decryptions than the threshold, naming the count', async () => {
  const pk = dealt.publicKey;
  const cts = await pool.encryptVector(pk, [5n]);
  const two = await Promise.all(dealt.shares.slice(0, 2).map((s) => pool.partialDecryptVector(s, cts)));
  const out = pool.combineVector(pk, two);
  await expect(out).rejects.toBeInstanceOf(RangeError);
  await expect(out).rejects.toThrow('combineVector: need 3 partial decryption vectors, got 2');
});

it('validates dealing parameters at the worker boundary', async () => {
  await expect(pool.dealThresholdKey({ bits: 512, holders: 3, threshold: 4 })).rejects.toThrow(
    new RangeError('dealThresholdKey: threshold: expected an integer in [1, 3], got 4'),
  );
  await expect(pool.dealThresholdKey({ bits: 500, holders: 3, threshold: 2 })).rejects.toThrow(
    new RangeError('dealThresholdKey: bits: unsupported key size 500, expected one of 256, 512, 1024, 2048, 3072'),
  );
});
