/**
 * Validation of everything that enters the crypto worker. Messages are structured clones from another
 * thread, so nothing about their shape is guaranteed: each check rebuilds a fresh plain object holding
 * only the expected fields (no prototype tricks, no extra fields) or throws a TypeError / RangeError
 * naming the method and argument. Arithmetic checks (ranges mod n, gcd) stay in src/crypto.
 * @module
 */
import type { KeyShare, PartialDecryption, PrivateKey, PublicKey, ThresholdPublicKey } from '../src/crypto/types';

/** Largest vector one worker call accepts: bounds memory and keeps a call from monopolising a worker. */
export const MAX_VECTOR_LENGTH = 1 << 20;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const describe = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'bigint') return `bigint ${v.toString().length > 20 ? `(${v.toString(2).length} bits)` : v}`;
  if (typeof v === 'number') return `number ${v}`;
  return typeof v;
};

/** Asserts a bigint. */
export function expectBigint(where: string, v: unknown): bigint {
  if (typeof v !== 'bigint') throw new TypeError(`${where}: expected a bigint, got ${describe(v)}`);
  return v;
}

/** Asserts an integer number in [min, max]. */
export function expectInteger(where: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number') throw new TypeError(`${where}: expected an integer, got ${describe(v)}`);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${where}: expected an integer in [${min}, ${max}], got ${v}`);
  }
  return v;
}

/** Asserts a dense array of bigints of length in [minLength, {@link MAX_VECTOR_LENGTH}]; returns a copy. */
export function expectBigintArray(where: string, v: unknown, minLength = 0): bigint[] {
  if (!Array.isArray(v)) throw new TypeError(`${where}: expected an array of bigints, got ${describe(v)}`);
  if (v.length < minLength || v.length > MAX_VECTOR_LENGTH) {
    throw new RangeError(`${where}: expected between ${minLength} and ${MAX_VECTOR_LENGTH} elements, got ${v.length}`);
  }
  const out = new Array<bigint>(v.length);
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i];
    if (typeof x !== 'bigint') throw new TypeError(`${where}[${i}]: expected a bigint, got ${describe(x)}`);
    out[i] = x;
  }
  return out;
}

/** Asserts one of the allowed string values. */
export function expectOneOf<T extends string>(where: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new TypeError(`${where}: expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${typeof v === 'string' ? `'${v}'` : describe(v)}`);
  }
  return v as T;
}

/** Asserts the shape of a {@link PublicKey}: n a positive odd bigint whose bit length is `bits`. */
export function expectPublicKey(where: string, v: unknown): PublicKey {
  if (!isRecord(v)) throw new TypeError(`${where}: expected a public key object, got ${describe(v)}`);
  const n = expectBigint(`${where}.n`, v['n']);
  const bits = expectInteger(`${where}.bits`, v['bits'], 2, 16384);
  if (n <= 1n || (n & 1n) === 0n) throw new RangeError(`${where}.n: expected an odd modulus > 1`);
  const actual = n.toString(2).length;
  if (actual !== bits) throw new RangeError(`${where}: n has ${actual} bits but bits says ${bits}`);
  return { n, bits };
}

/** Asserts the shape of a {@link PrivateKey} and that p·q = n. */
export function expectPrivateKey(where: string, v: unknown): PrivateKey {
  if (!isRecord(v)) throw new TypeError(`${where}: expected a private key object, got ${describe(v)}`);
  const publicKey = expectPublicKey(`${where}.publicKey`, v['publicKey']);
  const p = expectBigint(`${where}.p`, v['p']);
  const q = expectBigint(`${where}.q`, v['q']);
  if (p <= 1n || q <= 1n || p * q !== publicKey.n) throw new RangeError(`${where}: p·q does not equal publicKey.n`);
  return { publicKey, p, q };
}

/** Asserts the shape of a {@link ThresholdPublicKey}: 1 ≤ threshold ≤ holders ≤ 1024. */
export function expectThresholdPublicKey(where: string, v: unknown): ThresholdPublicKey {
  const base = expectPublicKey(where, v);
  const r = v as Record<string, unknown>;
  const holders = expectInteger(`${where}.holders`, r['holders'], 1, 1024);
  const threshold = expectInteger(`${where}.threshold`, r['threshold'], 1, holders);
  return { ...base, holders, threshold };
}

/** Asserts the shape of a {@link KeyShare}: index in [1, holders], secret a positive bigint. */
export function expectKeyShare(where: string, v: unknown): KeyShare {
  if (!isRecord(v)) throw new TypeError(`${where}: expected a key share object, got ${describe(v)}`);
  const publicKey = expectThresholdPublicKey(`${where}.publicKey`, v['publicKey']);
  const index = expectInteger(`${where}.index`, v['index'], 1, publicKey.holders);
  const secret = expectBigint(`${where}.secret`, v['secret']);
  if (secret <= 0n) throw new RangeError(`${where}.secret: expected a positive bigint`);
  return { publicKey, index, secret };
}

/** Asserts a {@link PartialDecryption}. */
export function expectPartial(where: string, v: unknown, holders: number): PartialDecryption {
  if (!isRecord(v)) throw new TypeError(`${where}: expected a partial decryption object, got ${describe(v)}`);
  const index = expectInteger(`${where}.index`, v['index'], 1, holders);
  const value = expectBigint(`${where}.value`, v['value']);
  return { index, value };
}

/** Asserts a non-empty array (≤ `max` elements) and maps each element through `check`. */
export function expectArrayOf<T>(where: string, v: unknown, max: number, check: (where: string, item: unknown) => T, min = 1): T[] {
  if (!Array.isArray(v)) throw new TypeError(`${where}: expected an array, got ${describe(v)}`);
  if (v.length < min || v.length > max) {
    throw new RangeError(`${where}: expected between ${min} and ${max} elements, got ${v.length}`);
  }
  return v.map((item, i) => check(`${where}[${i}]`, item));
}
