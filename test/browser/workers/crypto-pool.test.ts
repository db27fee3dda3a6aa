import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chunkRanges, createCryptoPool, type CryptoPool } from '../../../workers/pool';
import { runCryptoSelfTest } from '../../../workers/selftest';
import type { PrivateKey, PublicKey } from '../../../src/crypto/types';

let pool: CryptoPool;
let sk: PrivateKey;
let pk: PublicKey;

beforeAll(async () => {
  pool = createCryptoPool({ size: 2 });
  sk = await pool.generateKeyPair(512);
  pk = sk.publicKey;
});
afterAll(() => pool.terminate());

describe('chunkRanges', () => {
  it('covers [0, length) with contiguous near-equal chunks of at least minChunk', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 16 }), (length, parts, min) => {
        const r = chunkRanges(length, parts, min);
        expect(r.length).toBeGreaterThanOrEqual(1);
        expect(r.length).toBeLessThanOrEqual(parts);
        expect(r[0]![0]).toBe(0);
        expect(r[r.length - 1]![1]).toBe(length);
        for (let i = 1; i < r.length; i++) expect(r[i]![0]).toBe(r[i - 1]![1]);
        const sizes = r.map(([s, e]) => e - s);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        if (r.length > 1) expect(Math.min(...sizes)).toBeGreaterThanOrEqual(min);
      }),
    );
    expect(chunkRanges(10, 2, 4)).toEqual([[0, 5], [5, 10]]);
    expect(chunkRanges(7, 4, 4)).toEqual([[0, 7]]);
    expect(() => chunkRanges(-1, 2)).toThrow(new RangeError('chunkRanges: length must be a non-negative integer, got -1'));
  });
});

describe('crypto pool (512-bit key, 2 workers)', () => {
  it('generates a 512-bit key whose primes multiply to n', () => {
    expect(pk.bits).toBe(512);
    expect(pk.n.toString(2).length).toBe(512);
    expect(sk.p * sk.q).toBe(pk.n);
  });

  for (const variant of ['standard', 'djn'] as const) {
    it(`encrypts (${variant}), adds and decrypts vectors split across workers`, async () => {
      const a = Array.from({ length: 37 }, (_, i) => BigInt(i) * 1_000_003n);
      const b = a.map((x) => x * 2n + 1n);
      const c = a.map((_, i) => (i === 0 ? pk.n - 1n : BigInt(i)));
      const [ea, eb, ec] = await Promise.all([a, b, c].map((v) => pool.encryptVector(pk, v, variant)));
      expect(ea).toHaveLength(37);
      // Ciphertexts live in [1, n²) and hide equal plaintexts (fresh randomness each time).
      for (const x of ea!) expect(x > 0n && x < pk.n * pk.n).toBe(true);
      const again = await pool.encryptVector(pk, a, variant);
      expect(again.some((x, i) => x === ea![i])).toBe(false);
      await expect(pool.decryptVector(sk, ea!)).resolves.toEqual(a);
      const sum = await pool.addMany(pk, [ea!, eb!, ec!]);
      const expected = a.map((x, i) => (x + b[i]! + c[i]!) % pk.n);
      await expect(pool.decryptVector(sk, sum)).resolves.toEqual(expected);
    });
  }

  it('multiplies by constants and combines linearly', async () => {
    const a = [5n, 0n, 123456789n, pk.n - 2n, 42n, 7n, 8n, 9n, 10n];
    const b = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n];
    const [ea, eb] = await Promise.all([pool.encryptVector(pk, a), pool.encryptVector(pk, b)]);
    const times3 = await pool.mulConstVector(pk, ea, 3n);
    await expect(pool.decryptVector(sk, times3)).resolves.toEqual(a.map((x) => (3n * x) % pk.n));
    const each = await pool.mulConstVector(pk, ea, b);
    await expect(pool.decryptVector(sk, each)).resolves.toEqual(a.map((x, i) => (x * b[i]!) % pk.n));
    const lin = await pool.linearCombine(pk, [ea, eb], [4n, 1n]);
    await expect(pool.decryptVector(sk, lin)).resolves.toEqual(a.map((x, i) => (4n * x + b[i]!) % pk.n));
  });

  it('fills and consumes precomputed nonces per worker', async () => {
    const fresh = await pool.generateKeyPair(256);
    await expect(pool.noncesAvailable(fresh.publicKey, 'djn')).resolves.toBe(0);
    await expect(pool.precomputeNonces(fresh.publicKey, 11, 'djn')).resolves.toBe(11);
    await expect(pool.noncesAvailable(fresh.publicKey, 'djn')).resolves.toBe(11);
    await expect(pool.noncesAvailable(fresh.publicKey, 'standard')).resolves.toBe(0);
    const values = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n];
    // Which worker takes which chunk depends on the chunk sizes (time-based): each worker spends its own.
    const cts = await pool.encryptVector(fresh.publicKey, values, 'djn');
    const left = await pool.noncesAvailable(fresh.publicKey, 'djn');
    expect(left).toBeGreaterThanOrEqual(3);
    expect(left).toBeLessThan(11);
    await expect(pool.decryptVector(fresh, cts)).resolves.toEqual(values);
    // One worker: exactly one nonce per encryption, then fresh randomness once it runs dry.
    const one = createCryptoPool({ size: 1 });
    try {
      await expect(one.precomputeNonces(fresh.publicKey, 11, 'djn')).resolves.toBe(11);
      const c1 = await one.encryptVector(fresh.publicKey, values, 'djn');
      await expect(one.noncesAvailable(fresh.publicKey, 'djn')).resolves.toBe(3);
      await expect(one.decryptVector(fresh, c1)).resolves.toEqual(values);
      const more = await one.encryptVector(fresh.publicKey, values, 'djn');
      await expect(one.noncesAvailable(fresh.publicKey, 'djn')).resolves.toBe(0);
      await expect(one.decryptVector(fresh, more)).resolves.toEqual(values);
    } finally {
      one.terminate();
    }
  });

  it('tops nonces up at idle priority without delaying normal calls', async () => {
    const own = createCryptoPool({ size: 1 });
    try {
      const key = await own.generateKeyPair(256);
      let filled = false;
      const fill = own.precomputeNoncesWhenIdle(key.publicKey, 40).then((n) => {
        filled = true;
        return n;
      });
      const cts = await own.encryptVector(key.publicKey, [1n, 2n, 3n, 4n]);
      // The encryption overtook the queued background chunks.
      expect(filled).toBe(false);
      await expect(fill).resolves.toBe(40);
      await expect(own.noncesAvailable(key.publicKey)).resolves.toBe(40);
      await expect(own.decryptVector(key, cts)).resolves.toEqual([1n, 2n, 3n, 4n]);
      // Already full: nothing to do.
      await expect(own.precomputeNoncesWhenIdle(key.publicKey, 10)).resolves.toBe(40);
      await expect(own.precomputeNoncesWhenIdle(key.publicKey, -1)).rejects.toThrow(
        new RangeError('precomputeNoncesWhenIdle: target must be an integer in [0, 65536], got -1'),
      );
      const pending = own.precomputeNoncesWhenIdle(key.publicKey, 1000);
      own.terminate();
      await expect(pending).rejects.toThrow('crypto pool: terminated; create a new pool');
    } finally {
      own.terminate();
    }
  });

  it('handles empty vectors', async () => {
    await expect(pool.encryptVector(pk, [])).resolves.toEqual([]);
    await expect(pool.addMany(pk, [[], []])).resolves.toEqual([]);
  });

  it('runCryptoSelfTest reports a correct homomorphic sum', async () => {
    const r = await runCryptoSelfTest(pool, 256, 5);
    expect(r.ok).toBe(true);
    expect(r.values).toHaveLength(5);
    expect(r.sum).toBe(r.values.reduce((x, y) => x + y, 0n));
    expect(r.decrypted).toBe(r.sum);
    expect(r.error).toBeUndefined();
    const bad = await runCryptoSelfTest(pool, 100);
    expect(bad.ok).toBe(false);
    expect(bad.error).toBe('generateKeyPair: bits: unsupported key size 100, expected one of 256, 512, 1024, 2048, 3072');
  });
});

describe('errors cross the worker boundary with class and message', () => {
  it('rejects plaintexts outside [0, n) and non-bigints', async () => {
    const out = pool.encryptVector(pk, [1n, pk.n]);
    await expect(out).rejects.toBeInstanceOf(RangeError);
    await expect(out).rejects.toThrow('encryptVector: values[1] must be in [0, n)');
    const notBig = pool.encryptVector(pk, [5 as unknown as bigint]);
    await expect(notBig).rejects.toBeInstanceOf(TypeError);
    await expect(notBig).rejects.toThrow('encryptVector: values[0]: expected a bigint, got number 5');
    await expect(pool.encryptVector(pk, [1n], 'fast' as 'djn')).rejects.toThrow(
      "encryptVector: variant: expected one of 'standard', 'djn', got 'fast'",
    );
  });

  it('rejects malformed keys', async () => {
    await expect(pool.encryptVector({ n: pk.n, bits: 511 }, [1n])).rejects.toThrow(
      new RangeError('encryptVector: pk: n has 512 bits but bits says 511'),
    );
    await expect(pool.encryptVector(null as unknown as PublicKey, [1n])).rejects.toThrow(
      new TypeError('encryptVector: pk: expected a public key object, got null'),
    );
    const wrong: PrivateKey = { publicKey: pk, p: sk.p, q: sk.q + 2n };
    await expect(pool.decryptVector(wrong, [1n])).rejects.toThrow(new RangeError('decryptVector: sk: p·q does not equal publicKey.n'));
  });

  it('rejects mismatched vector lengths and out-of-range ciphertexts', async () => {
    const c = await pool.encryptVector(pk, [1n, 2n]);
    await expect(pool.addMany(pk, [c, [c[0]!]])).rejects.toThrow(new RangeError('addMany: vector 1 has 1 elements, vector 0 has 2'));
    await expect(pool.decryptVector(sk, [pk.n * pk.n])).rejects.toThrow(new RangeError('ciphertext must be in [1, n²)'));
    await expect(pool.mulConstVector(pk, c, [1n])).rejects.toThrow(new RangeError('mulConstVector: 1 constants for 2 ciphertexts'));
  });

  it('rejects unsupported key sizes', async () => {
    await expect(pool.generateKeyPair(1000)).rejects.toThrow(
      new RangeError('generateKeyPair: bits: unsupported key size 1000, expected one of 256, 512, 1024, 2048, 3072'),
    );
    await expect(pool.generateKeyPair(2.5)).rejects.toThrow(new RangeError('generateKeyPair: bits: expected an integer in [1, 16384], got 2.5'));
  });
});

describe('termination', () => {
  it('rejects pending calls and every later call', async () => {
    const own = createCryptoPool({ size: 1 });
    const key = await own.generateKeyPair(256);
    const pending = own.encryptVector(key.publicKey, Array.from({ length: 300 }, (_, i) => BigInt(i)));
    own.terminate();
    expect(own.terminated).toBe(true);
    await expect(pending).rejects.toThrow('crypto pool: terminated; create a new pool');
    await expect(own.decryptVector(key, [1n])).rejects.toThrow('crypto pool: terminated; create a new pool');
    await expect(own.generateKeyPair(256)).rejects.toThrow('crypto pool: terminated; create a new pool');
  });

  it('rejects a bad pool size', () => {
    expect(() => createCryptoPool({ size: 0 })).toThrow(new RangeError('createCryptoPool: size must be an integer in [1, 8], got 0'));
    expect(() => createCryptoPool({ size: 9 })).toThrow(RangeError);
  });
});
