/**
 * The worker's exposed object, called directly in the page (no worker): every boundary check with
 * its exact error, including shapes the pool's own pre-checks would stop earlier.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createCryptoService } from '../../../workers/crypto-service';
import type { CryptoWorkerApi } from '../../../workers/crypto-api';
import type { PrivateKey } from '../../../src/crypto/types';

let api: CryptoWorkerApi;
let sk: PrivateKey;

beforeAll(() => {
  api = createCryptoService();
  sk = api.generateKeyPair(256);
});

const bad = <T>(v: unknown): T => v as T;

describe('crypto service boundary checks', () => {
  it('checks vectors element by element', () => {
    const pk = sk.publicKey;
    expect(() => api.encryptVector(pk, bad('1,2'), 'standard')).toThrow(new TypeError('encryptVector: values: expected an array of bigints, got string'));
    expect(() => api.encryptVector(pk, [1n, bad(null)], 'standard')).toThrow(new TypeError('encryptVector: values[1]: expected a bigint, got null'));
    expect(() => api.encryptVector(pk, [-1n], 'standard')).toThrow(new RangeError('encryptVector: values[0] must be in [0, n)'));
    expect(() => api.addMany(pk, bad([]))).toThrow(new RangeError('addMany: vectors: expected between 1 and 4096 elements, got 0'));
    expect(() => api.addMany(pk, bad([[1n], 'x']))).toThrow(new TypeError('addMany: vectors[1]: expected an array of bigints, got string'));
  });

  it('checks keys: shape, bit length, factorisation', () => {
    expect(() => api.encryptVector(bad({ n: 15 }), [1n], 'standard')).toThrow(new TypeError('encryptVector: pk.n: expected a bigint, got number 15'));
    expect(() => api.encryptVector(bad({ n: 16n, bits: 5 }), [1n], 'standard')).toThrow(new RangeError('encryptVector: pk.n: expected an odd modulus > 1'));
    expect(() => api.encryptVector(bad([sk.publicKey]), [1n], 'standard')).toThrow(new TypeError('encryptVector: pk: expected a public key object, got array'));
    expect(() => api.decryptVector(bad({ publicKey: sk.publicKey, p: sk.p }), [1n])).toThrow(new TypeError('decryptVector: sk.q: expected a bigint, got undefined'));
    expect(() => api.decryptVector({ publicKey: sk.publicKey, p: 1n, q: sk.publicKey.n }, [1n])).toThrow(
      new RangeError('decryptVector: sk: p·q does not equal publicKey.n'),
    );
  });

  it('checks constants and combination shapes', () => {
    const pk = sk.publicKey;
    const c = api.encryptVector(pk, [4n, 5n], 'djn');
    expect(() => api.linearCombine(pk, [c, c], [1n])).toThrow(new RangeError('linearCombine: 1 constants for 2 vectors'));
    expect(() => api.mulConstVector(pk, c, bad(2))).toThrow(new TypeError('mulConstVector: k: expected a bigint, got number 2'));
    expect(() => api.mulConstVector(pk, c, pk.n)).toThrow(new RangeError('constant k must be in [0, n)'));
    expect(api.decryptVector(sk, api.linearCombine(pk, [c, c], [2n, 1n]))).toEqual([12n, 15n]);
  });

  it('checks threshold shares and partial decryption vectors', async () => {
    const dealt = await api.dealThresholdKey({ bits: 256, holders: 3, threshold: 2 });
    const share = dealt.shares[0]!;
    expect(() => api.partialDecryptVector({ ...share, index: 4 }, [1n])).toThrow(
      new RangeError('partialDecryptVector: share.index: expected an integer in [1, 3], got 4'),
    );
    expect(() => api.partialDecryptVector({ ...share, secret: 0n }, [1n])).toThrow(
      new RangeError('partialDecryptVector: share.secret: expected a positive bigint'),
    );
    expect(() => api.combineVector(dealt.publicKey, bad([{ index: 1, values: [1n] }, null]))).toThrow(
      new TypeError('combineVector: partials[1]: expected a partial decryption vector object'),
    );
    expect(() => api.combineVector(bad({ ...dealt.publicKey, threshold: 5 }), [])).toThrow(
      new RangeError('combineVector: pk.threshold: expected an integer in [1, 3], got 5'),
    );
    const cts = api.encryptVector(dealt.publicKey, [9n, 10n], 'standard');
    const p1 = api.partialDecryptVector(share, cts);
    const p2 = api.partialDecryptVector(dealt.shares[1]!, cts);
    expect(() => api.combineVector(dealt.publicKey, [p1, { index: 2, values: [p2.values[0]!] }])).toThrow(
      new RangeError('combineVector: vector 1 has 1 elements, vector 0 has 2'),
    );
    expect(() => api.combineVector(dealt.publicKey, [p1, p1])).toThrow(new RangeError('duplicate partial decryption index 1'));
    expect(api.combineVector(dealt.publicKey, [p2, p1])).toEqual([9n, 10n]);
  });

  it('checks nonce and benchmark parameters', () => {
    const pk = sk.publicKey;
    expect(() => api.precomputeNonces(pk, -1, 'standard')).toThrow(new RangeError('precomputeNonces: count: expected an integer in [0, 65536], got -1'));
    expect(api.precomputeNonces(pk, 3, 'standard')).toBe(3);
    expect(api.noncesAvailable(pk, 'standard')).toBe(3);
    // A fresh structured clone of the same key finds the same pool.
    expect(api.noncesAvailable({ n: pk.n, bits: pk.bits }, 'standard')).toBe(3);
    expect(() => api.benchmark({ bits: 256, ops: bad(['encrypt', 'sign']), reps: 1, keygenReps: 1 }, 'standard')).toThrow(
      new TypeError("benchmark: ops[1]: expected one of 'keygen', 'thresholdKeygen', 'encrypt', 'encryptOnline', 'decrypt', 'add', 'mulConst', 'partialDecrypt', 'combine', got 'sign'"),
    );
    expect(() => api.benchmark({ bits: 256, ops: ['add'], reps: 2, keygenReps: 3 }, 'standard')).toThrow(
      new RangeError('benchmark: keygenReps: expected an integer in [1, 2], got 3'),
    );
  });

  it('benchmark returns one positive median per requested op, in report order', () => {
    const rows = api.benchmark({ bits: 256, ops: ['decrypt', 'encrypt', 'add', 'keygen'], reps: 3, keygenReps: 1 }, 'djn');
    expect(rows.map((r) => r.op)).toEqual(['keygen', 'encrypt', 'decrypt', 'add']);
    for (const r of rows) {
      expect(r.backend).toBe('bigint-djn-worker');
      expect(r.bits).toBe(256);
      expect(Number.isFinite(r.msPerOp) && r.msPerOp > 0, JSON.stringify(r)).toBe(true);
    }
  });

  it('benchmark times threshold operations (checked for correctness first)', () => {
    const rows = api.benchmark({ bits: 256, ops: ['combine', 'partialDecrypt', 'thresholdKeygen'], reps: 2, keygenReps: 1 }, 'standard');
    expect(rows.map((r) => [r.backend, r.op])).toEqual([
      ['bigint-worker', 'thresholdKeygen'], ['bigint-worker', 'partialDecrypt'], ['bigint-worker', 'combine'],
    ]);
    for (const r of rows) expect(r.msPerOp, r.op).toBeGreaterThan(0);
  });
});
