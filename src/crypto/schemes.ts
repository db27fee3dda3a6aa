/**
 * AdditiveScheme implementations: real Paillier, and the plain scheme for `--key-bits 0` (identical
 * modular arithmetic on plaintexts, ciphertext = plaintext) so protocols and the simulator run the
 * same code with or without encryption. Likewise two threshold-decryption facades; the plain one's
 * partial decryption is the identity but keeps the same index, duplicate and count checks.
 * @module
 */
import type { Rng } from '../core/rng';
import type { AdditiveScheme, KeyShare, PartialDecryption, PublicKey, ThresholdPublicKey } from './types';
import { add, assertCiphertext, assertPlaintext, assertPublicKey, mulConst, sub } from './paillier';
import type { EncryptionVariant, NoncePool } from './nonce-pool';
import { createNoncePool, encryptOnline } from './nonce-pool';
import type { DjnParams } from './djn';
import type { DealtThresholdKey } from './threshold';
import { assertThresholdPublicKey, choosePartials, combinePartials, MAX_HOLDERS, partialDecrypt } from './threshold';
import { assertBigint } from './modmath';
import { bigintToBytes, bytesToBigint, ciphertextBytes, decodeCiphertext, encodeCiphertext } from './serialize';

/** An AdditiveScheme with validation, subtraction and a wire codec, as protocols use it. */
export interface CodecScheme extends AdditiveScheme {
  readonly kind: 'paillier' | 'plain';
  /** E(a)·E(b)⁻¹ → E(a − b mod n). */
  sub(a: bigint, b: bigint): bigint;
  /** Throws (RangeError/TypeError) unless c is a valid ciphertext of this scheme. */
  assertCiphertext(c: bigint): void;
  /** Exactly {@link AdditiveScheme.ciphertextBytes} bytes. */
  encodeCiphertext(c: bigint): Uint8Array;
  /** Strict inverse of encodeCiphertext. */
  decodeCiphertext(bytes: Uint8Array): bigint;
}

/** Options of {@link paillierScheme}. */
export interface PaillierSchemeOptions {
  /** Randomness for fresh encryptions; default `standard`. Ignored when `pool` is given. */
  readonly variant?: EncryptionVariant;
  /** Precomputed randomness (encrypt then costs one multiplication while the pool lasts). */
  readonly pool?: NoncePool;
  /** DJN parameters to reuse for variant `djn`. */
  readonly djn?: DjnParams;
  /** Default secureRng. */
  readonly rng?: Rng;
}

/** Paillier as an AdditiveScheme (name `paillier-<bits>`). */
export function paillierScheme(pk: PublicKey, opts: PaillierSchemeOptions = {}): CodecScheme {
  assertPublicKey(pk);
  const pool = opts.pool ?? createNoncePool(pk, {
    variant: opts.variant ?? 'standard', capacity: 1, ...(opts.djn ? { djn: opts.djn } : {}), ...(opts.rng ? { rng: opts.rng } : {}),
  });
  if (pool.publicKey.n !== pk.n) throw new RangeError('nonce pool belongs to another public key');
  return {
    kind: 'paillier',
    name: `paillier-${pk.bits}`,
    plaintextModulus: pk.n,
    ciphertextBytes: ciphertextBytes(pk),
    encrypt: (m) => encryptOnline(pk, m, pool),
    add: (a, b) => add(pk, a, b),
    sub: (a, b) => sub(pk, a, b),
    mulConst: (c, k) => mulConst(pk, c, k),
    assertCiphertext: (c) => assertCiphertext(pk, c),
    encodeCiphertext: (c) => encodeCiphertext(pk, c),
    decodeCiphertext: (bytes) => decodeCiphertext(pk, bytes),
  };
}

/** Largest prime below 2^bits, as 2^bits − offset, for the supported sizes. */
const PLAIN_OFFSETS: ReadonlyMap<number, bigint> = new Map([
  [256, 189n], [512, 569n], [1024, 105n], [2048, 1557n], [3072, 47n],
]);

/**
 * The plain scheme's modulus for a key size: the largest prime below 2^bits, so it has exactly `bits`
 * bits like a Paillier n and every nonzero value is invertible.
 */
export function plainModulus(bits: number): bigint {
  const offset = PLAIN_OFFSETS.get(bits);
  if (offset === undefined) throw new RangeError(`plain modulus: unsupported size ${bits}: expected one of ${[...PLAIN_OFFSETS.keys()].join(', ')}`);
  return (1n << BigInt(bits)) - offset;
}

/** Plain "encryption" (ciphertext = plaintext) modulo {@link plainModulus}(modulusBits). Not private. */
export function plainScheme(modulusBits: number): CodecScheme {
  const n = plainModulus(modulusBits);
  const width = Math.ceil(modulusBits / 8);
  const check = (c: bigint, what = 'plain ciphertext'): void => {
    assertBigint(c, what);
    if (c < 0n || c >= n) throw new RangeError(`${what} must be in [0, n)`);
  };
  return {
    kind: 'plain',
    name: 'plain',
    plaintextModulus: n,
    ciphertextBytes: width,
    encrypt(m) { check(m, 'plaintext'); return m; },
    add(a, b) { check(a); check(b); return (a + b) % n; },
    sub(a, b) { check(a); check(b); return (a - b + n) % n; },
    mulConst(c, k) { check(c); check(k, 'constant k'); return (c * k) % n; },
    assertCiphertext: (c) => check(c),
    encodeCiphertext(c) { check(c); return bigintToBytes(c, width); },
    decodeCiphertext(bytes) {
      if (!(bytes instanceof Uint8Array)) throw new TypeError('decodeCiphertext: expected a Uint8Array');
      if (bytes.length !== width) throw new RangeError(`decodeCiphertext: expected ${width} bytes, got ${bytes.length}`);
      const c = bytesToBigint(bytes);
      check(c);
      return c;
    },
  };
}

/** Threshold decryption facade (same shape for Paillier and plain). */
export interface ThresholdDecryption {
  readonly publicKey: ThresholdPublicKey;
  /** Holder's partial decryption of c. */
  partialDecrypt(share: KeyShare, c: bigint): PartialDecryption;
  /** Plaintext from ≥ threshold partials with distinct indices (errors as in combinePartials). */
  combine(partials: readonly PartialDecryption[]): bigint;
}

function assertShareFor(pk: ThresholdPublicKey, share: KeyShare): void {
  if (typeof share !== 'object' || share === null) throw new TypeError('key share must be an object');
  const spk = share.publicKey;
  if (spk.n !== pk.n || spk.holders !== pk.holders || spk.threshold !== pk.threshold) {
    throw new RangeError('key share belongs to another threshold key');
  }
}

/** Threshold Paillier facade bound to one key. */
export function paillierThresholdDecryption(pk: ThresholdPublicKey): ThresholdDecryption {
  assertThresholdPublicKey(pk);
  return {
    publicKey: pk,
    partialDecrypt(share, c) { assertShareFor(pk, share); return partialDecrypt(share, c); },
    combine: (partials) => combinePartials(pk, partials),
  };
}

/**
 * Plain facade: partialDecrypt returns c itself (after the same share checks); combine applies the
 * same index/duplicate/count rules and requires the chosen partials to agree.
 */
export function plainThresholdDecryption(pk: ThresholdPublicKey): ThresholdDecryption {
  assertThresholdPublicKey(pk);
  const check = (c: unknown, what: string): void => {
    assertBigint(c, what);
    if (c < 0n || c >= pk.n) throw new RangeError(`${what} must be in [0, n)`);
  };
  return {
    publicKey: pk,
    partialDecrypt(share, c) {
      assertShareFor(pk, share);
      if (!Number.isInteger(share.index) || share.index < 1 || share.index > pk.holders) {
        throw new RangeError(`key share index must be an integer in [1, ${pk.holders}], got ${String(share.index)}`);
      }
      check(c, 'plain ciphertext');
      return { index: share.index, value: c };
    },
    combine(partials) {
      const chosen = choosePartials(pk, partials, check);
      const value = chosen[0]!.value;
      if (chosen.some((pd) => pd.value !== value)) {
        throw new RangeError('partial decryptions are inconsistent (wrong key, different ciphertexts or a corrupted share)');
      }
      return value;
    },
  };
}

/** A "threshold key" for the plain scheme: n = plainModulus(bits), shares carry no secret (0n). */
export function dealPlainThresholdKey(opts: { bits: number; holders: number; threshold: number }): DealtThresholdKey {
  const { holders, threshold } = opts;
  if (!Number.isInteger(holders) || holders < 1 || holders > MAX_HOLDERS) throw new RangeError(`holders must be an integer in [1, ${MAX_HOLDERS}], got ${holders}`);
  const n = plainModulus(opts.bits);
  const publicKey: ThresholdPublicKey = { n, bits: opts.bits, holders, threshold };
  assertThresholdPublicKey(publicKey);
  const shares: KeyShare[] = [];
  for (let i = 1; i <= holders; i++) shares.push({ publicKey, index: i, secret: 0n });
  return { publicKey, shares };
}

/** True when plaintext m is valid for pk (convenience for protocol validation). */
export function isPlaintext(pk: PublicKey, m: bigint): boolean {
  try { assertPlaintext(pk, m); return true; } catch { return false; }
}
