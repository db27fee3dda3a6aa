import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../src/core/rng';
import { add, decrypt, encrypt, generateKeyPair, mulConst } from '../../../src/crypto/paillier';
import type { PrivateKey, PublicKey } from '../../../src/crypto/types';
import { poolPpkmCrypto, startPpkmTab, type PpkmPool } from '../../../src/net/ppkm-tab';

/** The pool's contract, in-thread (the swarm page passes the real worker pool). */
function fakePool(): PpkmPool & { calls: string[] } {
  const rng = seededRng(7);
  const calls: string[] = [];
  return {
    calls,
    generateKeyPair: (bits) => { calls.push('keygen'); return Promise.resolve(generateKeyPair(bits as 512, rng)); },
    encryptVector: (pk: PublicKey, v, variant) => { calls.push(`encrypt:${variant ?? ''}`); return Promise.resolve(v.map((m) => encrypt(pk, m, rng))); },
    decryptVector: (sk: PrivateKey, c) => { calls.push('decrypt'); return Promise.resolve(c.map((x) => decrypt(sk, x))); },
    mulConstVector: (pk: PublicKey, c, k) => { calls.push('mulConst'); return Promise.resolve(c.map((x) => mulConst(pk, x, k))); },
  };
}

describe('PPkM crypto over the worker pool', () => {
  it('encrypts, adds, scales and decrypts through the pool; validates moduli and ciphertexts', async () => {
    const pool = fakePool();
    const crypto = poolPpkmCrypto(pool, 512);
    const sk = await crypto.generateKeyPair();
    const pk = crypto.publicKey(sk.publicKey.n);
    expect(pk.bits).toBe(512);
    const [a, b] = await crypto.encrypt(pk, [20n, 22n]);
    const sum = crypto.add(pk, a!, b!);
    expect(sum).toBe(add(pk, a!, b!));
    const [scaled] = await crypto.mulConst(pk, [sum], 3n);
    expect(await crypto.decrypt(sk, [sum, scaled!])).toEqual([42n, 126n]);
    expect(pool.calls).toEqual(['keygen', 'encrypt:djn', 'mulConst', 'decrypt']); // everything heavy went to the pool
    expect(crypto.ciphertextBytes(pk)).toBe(128);
    const n2 = pk.n * pk.n;
    expect(crypto.isValidCiphertext(pk, a!)).toBe(true);
    for (const bad of [0n, n2, pk.n, 2n * pk.n, -1n]) expect(crypto.isValidCiphertext(pk, bad)).toBe(false);
    expect(() => crypto.add(pk, 0n, a!)).toThrow(RangeError);
    expect(() => crypto.add(pk, a!, n2)).toThrow(RangeError);
    expect(() => crypto.publicKey(pk.n + 1n)).toThrow(/must be odd with 512 bits/);
    expect(() => crypto.publicKey((1n << 700n) + 1n)).toThrow(/got 701 bits/);
    expect(() => crypto.publicKey(5 as unknown as bigint)).toThrow(TypeError);
    expect(() => poolPpkmCrypto(pool, 256)).toThrow(/key bits must be 512, 1024, 2048 or 3072, got 256/);
  });

  it('startPpkmTab rejects bad ids, neighbours and rounds before touching the network', async () => {
    const base = { signalling: () => { throw new Error('must not be called'); }, params: {} as never, crypto: poolPpkmCrypto(fakePool(), 512), records: [] };
    await expect(startPpkmTab({ ...base, self: 'bad id', neighbours: ['b'], round: 1 })).rejects.toThrow(/invalid id/);
    await expect(startPpkmTab({ ...base, self: 'a', neighbours: [], round: 1 })).rejects.toThrow(/has no neighbours/);
    await expect(startPpkmTab({ ...base, self: 'a', neighbours: ['a'], round: 1 })).rejects.toThrow(/invalid neighbour/);
    await expect(startPpkmTab({ ...base, self: 'a', neighbours: ['b'], round: -1 })).rejects.toThrow(/round must be a non-negative integer/);
  });
});
