/**
 * Byte codecs for keys, key shares, ciphertexts and partial decryptions. Big-endian, fixed width per
 * key (a ciphertext is always 2·bytes(n) bytes), with a tag byte on keys and strict validation on
 * decode: length, tag, ranges, n's bit length, p·q = n, share index, ciphertext ∈ Z*_{n²}.
 * @module
 */
import type { KeyShare, PartialDecryption, PrivateKey, PublicKey, ThresholdPublicKey } from './types';
import { assertCiphertext, assertPublicKey, privateKeyFromPrimes } from './paillier';
import { assertThresholdPublicKey } from './threshold';
import { assertBigint, bitLength } from './modmath';

const TAG_PUBLIC = 0x01;
const TAG_THRESHOLD_PUBLIC = 0x02;
const TAG_PRIVATE = 0x03;
const TAG_SHARE = 0x04;

/** Options for decoding keys received from elsewhere. */
export interface DecodeKeyOptions {
  /** Smallest accepted modulus size; default 256 (tests). Use 1024+ for real rounds. */
  readonly minBits?: number;
  /** Largest accepted modulus size; default 4096. */
  readonly maxBits?: number;
}

/** Big-endian bytes of x ≥ 0, left-padded to `length` (RangeError if x does not fit). */
export function bigintToBytes(x: bigint, length?: number): Uint8Array {
  assertBigint(x, 'bigintToBytes: value');
  if (x < 0n) throw new RangeError('bigintToBytes: value must be non-negative');
  let hex = x.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  const natural = hex.length / 2;
  const len = length ?? Math.max(1, natural);
  if (!Number.isInteger(len) || len < 0) throw new RangeError(`bigintToBytes: bad length ${len}`);
  if (natural > len && x !== 0n) throw new RangeError(`bigintToBytes: value needs ${natural} bytes, only ${len} allowed`);
  const out = new Uint8Array(len);
  const off = len - natural;
  for (let i = 0; i < natural && x !== 0n; i++) out[off + i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Big-endian bytes → bigint (empty → 0n). */
export function bytesToBigint(bytes: Uint8Array): bigint {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytesToBigint: expected a Uint8Array');
  if (bytes.length === 0) return 0n;
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return BigInt('0x' + hex);
}

function nBytes(bits: number): number {
  return Math.ceil(bits / 8);
}

/** Bytes of one ciphertext for this key: 2·bytes(n). */
export function ciphertextBytes(pk: PublicKey): number {
  assertPublicKey(pk);
  return 2 * nBytes(pk.bits);
}

function u16(view: Uint8Array, off: number): number {
  return (view[off]! << 8) | view[off + 1]!;
}

function putU16(view: Uint8Array, off: number, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`value ${v} does not fit 16 bits`);
  view[off] = v >> 8;
  view[off + 1] = v & 0xff;
}

function expectBytes(bytes: Uint8Array, what: string): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what}: expected a Uint8Array`);
}

function checkHeader(bytes: Uint8Array, tag: number, what: string, minLength: number): void {
  expectBytes(bytes, what);
  if (bytes.length < minLength) throw new RangeError(`${what}: too short (${bytes.length} bytes)`);
  if (bytes[0] !== tag) throw new RangeError(`${what}: wrong tag 0x${bytes[0]!.toString(16)} (expected 0x${tag.toString(16)})`);
}

function checkBits(bits: number, opts: DecodeKeyOptions, what: string): void {
  const min = opts.minBits ?? 256, max = opts.maxBits ?? 4096;
  if (bits < min || bits > max) throw new RangeError(`${what}: key size ${bits} outside [${min}, ${max}]`);
}

function readModulus(bytes: Uint8Array, off: number, bits: number, what: string): bigint {
  const n = bytesToBigint(bytes.subarray(off, off + nBytes(bits)));
  if (bitLength(n) !== bits) throw new RangeError(`${what}: n has ${bitLength(n)} bits, header says ${bits}`);
  if ((n & 1n) === 0n) throw new RangeError(`${what}: n must be odd`);
  return n;
}

/** Public key → [0x01][bits u16][n]. */
export function encodePublicKey(pk: PublicKey): Uint8Array {
  assertPublicKey(pk);
  const out = new Uint8Array(3 + nBytes(pk.bits));
  out[0] = TAG_PUBLIC;
  putU16(out, 1, pk.bits);
  out.set(bigintToBytes(pk.n, nBytes(pk.bits)), 3);
  return out;
}

/** Inverse of {@link encodePublicKey}, strictly validated. */
export function decodePublicKey(bytes: Uint8Array, opts: DecodeKeyOptions = {}): PublicKey {
  checkHeader(bytes, TAG_PUBLIC, 'decodePublicKey', 3);
  const bits = u16(bytes, 1);
  checkBits(bits, opts, 'decodePublicKey');
  if (bytes.length !== 3 + nBytes(bits)) throw new RangeError(`decodePublicKey: expected ${3 + nBytes(bits)} bytes, got ${bytes.length}`);
  const pk: PublicKey = { n: readModulus(bytes, 3, bits, 'decodePublicKey'), bits };
  assertPublicKey(pk);
  return pk;
}

/** Threshold public key → [0x02][bits u16][holders u16][threshold u16][n]. */
export function encodeThresholdPublicKey(pk: ThresholdPublicKey): Uint8Array {
  assertThresholdPublicKey(pk);
  const out = new Uint8Array(7 + nBytes(pk.bits));
  out[0] = TAG_THRESHOLD_PUBLIC;
  putU16(out, 1, pk.bits);
  putU16(out, 3, pk.holders);
  putU16(out, 5, pk.threshold);
  out.set(bigintToBytes(pk.n, nBytes(pk.bits)), 7);
  return out;
}

/** Inverse of {@link encodeThresholdPublicKey}, strictly validated. */
export function decodeThresholdPublicKey(bytes: Uint8Array, opts: DecodeKeyOptions = {}): ThresholdPublicKey {
  checkHeader(bytes, TAG_THRESHOLD_PUBLIC, 'decodeThresholdPublicKey', 7);
  const bits = u16(bytes, 1);
  checkBits(bits, opts, 'decodeThresholdPublicKey');
  if (bytes.length !== 7 + nBytes(bits)) throw new RangeError(`decodeThresholdPublicKey: expected ${7 + nBytes(bits)} bytes, got ${bytes.length}`);
  const pk: ThresholdPublicKey = {
    n: readModulus(bytes, 7, bits, 'decodeThresholdPublicKey'), bits, holders: u16(bytes, 3), threshold: u16(bytes, 5),
  };
  assertThresholdPublicKey(pk);
  return pk;
}

/** Private key → [0x03][bits u16][p][q], p and q each bytes(n) wide. */
export function encodePrivateKey(sk: PrivateKey): Uint8Array {
  const pk = sk.publicKey;
  assertPublicKey(pk);
  if (sk.p * sk.q !== pk.n) throw new RangeError('encodePrivateKey: private key does not match its public key (p·q ≠ n)');
  const w = nBytes(pk.bits);
  const out = new Uint8Array(3 + 2 * w);
  out[0] = TAG_PRIVATE;
  putU16(out, 1, pk.bits);
  out.set(bigintToBytes(sk.p, w), 3);
  out.set(bigintToBytes(sk.q, w), 3 + w);
  return out;
}

/** Inverse of {@link encodePrivateKey}; checks p·q has the header's bit length. */
export function decodePrivateKey(bytes: Uint8Array, opts: DecodeKeyOptions = {}): PrivateKey {
  checkHeader(bytes, TAG_PRIVATE, 'decodePrivateKey', 3);
  const bits = u16(bytes, 1);
  checkBits(bits, opts, 'decodePrivateKey');
  const w = nBytes(bits);
  if (bytes.length !== 3 + 2 * w) throw new RangeError(`decodePrivateKey: expected ${3 + 2 * w} bytes, got ${bytes.length}`);
  const p = bytesToBigint(bytes.subarray(3, 3 + w));
  const q = bytesToBigint(bytes.subarray(3 + w));
  if (bitLength(p * q) !== bits) throw new RangeError(`decodePrivateKey: p·q does not have ${bits} bits`);
  return privateKeyFromPrimes(p, q);
}

/** Key share → [0x04][bits u16][holders u16][threshold u16][index u16][n][secret: 2·bytes(n)]. */
export function encodeKeyShare(share: KeyShare): Uint8Array {
  const pk = share.publicKey;
  const n2 = assertThresholdPublicKey(pk);
  if (!Number.isInteger(share.index) || share.index < 1 || share.index > pk.holders) throw new RangeError('encodeKeyShare: bad share index');
  if (typeof share.secret !== 'bigint' || share.secret < 0n || share.secret >= n2) throw new RangeError('encodeKeyShare: secret must be in [0, n²)');
  const w = nBytes(pk.bits);
  const out = new Uint8Array(9 + 3 * w);
  out[0] = TAG_SHARE;
  putU16(out, 1, pk.bits);
  putU16(out, 3, pk.holders);
  putU16(out, 5, pk.threshold);
  putU16(out, 7, share.index);
  out.set(bigintToBytes(pk.n, w), 9);
  out.set(bigintToBytes(share.secret, 2 * w), 9 + w);
  return out;
}

/** Inverse of {@link encodeKeyShare}, strictly validated. */
export function decodeKeyShare(bytes: Uint8Array, opts: DecodeKeyOptions = {}): KeyShare {
  checkHeader(bytes, TAG_SHARE, 'decodeKeyShare', 9);
  const bits = u16(bytes, 1);
  checkBits(bits, opts, 'decodeKeyShare');
  const w = nBytes(bits);
  if (bytes.length !== 9 + 3 * w) throw new RangeError(`decodeKeyShare: expected ${9 + 3 * w} bytes, got ${bytes.length}`);
  const publicKey: ThresholdPublicKey = {
    n: readModulus(bytes, 9, bits, 'decodeKeyShare'), bits, holders: u16(bytes, 3), threshold: u16(bytes, 5),
  };
  const n2 = assertThresholdPublicKey(publicKey);
  const index = u16(bytes, 7);
  if (index < 1 || index > publicKey.holders) throw new RangeError(`decodeKeyShare: index ${index} outside 1..${publicKey.holders}`);
  const secret = bytesToBigint(bytes.subarray(9 + w));
  if (secret >= n2) throw new RangeError('decodeKeyShare: secret must be below n²');
  return { publicKey, index, secret };
}

/** One ciphertext → exactly 2·bytes(n) bytes. */
export function encodeCiphertext(pk: PublicKey, c: bigint): Uint8Array {
  const n2 = assertPublicKey(pk);
  assertBigint(c, 'encodeCiphertext: ciphertext');
  if (c <= 0n || c >= n2) throw new RangeError('encodeCiphertext: ciphertext must be in [1, n²)');
  return bigintToBytes(c, ciphertextBytes(pk));
}

/** Inverse of {@link encodeCiphertext}: exact length and c ∈ Z*_{n²} (range and gcd(c, n) = 1). */
export function decodeCiphertext(pk: PublicKey, bytes: Uint8Array): bigint {
  expectBytes(bytes, 'decodeCiphertext');
  const w = ciphertextBytes(pk);
  if (bytes.length !== w) throw new RangeError(`decodeCiphertext: expected ${w} bytes, got ${bytes.length}`);
  const c = bytesToBigint(bytes);
  assertCiphertext(pk, c);
  return c;
}

/** Concatenated fixed-width ciphertexts. */
export function encodeCiphertexts(pk: PublicKey, cs: readonly bigint[]): Uint8Array {
  const w = ciphertextBytes(pk);
  const out = new Uint8Array(w * cs.length);
  cs.forEach((c, i) => out.set(encodeCiphertext(pk, c), i * w));
  return out;
}

/** Inverse of {@link encodeCiphertexts}: the length must be a multiple of the ciphertext width. */
export function decodeCiphertexts(pk: PublicKey, bytes: Uint8Array): bigint[] {
  expectBytes(bytes, 'decodeCiphertexts');
  const w = ciphertextBytes(pk);
  if (bytes.length % w !== 0) throw new RangeError(`decodeCiphertexts: length ${bytes.length} is not a multiple of ${w}`);
  const out: bigint[] = [];
  for (let off = 0; off < bytes.length; off += w) out.push(decodeCiphertext(pk, bytes.subarray(off, off + w)));
  return out;
}

/** Partial decryption → [index u16][value: 2·bytes(n)]. */
export function encodePartialDecryption(pk: ThresholdPublicKey, pd: PartialDecryption): Uint8Array {
  assertThresholdPublicKey(pk);
  if (!Number.isInteger(pd.index) || pd.index < 1 || pd.index > pk.holders) throw new RangeError(`encodePartialDecryption: index ${String(pd.index)} outside 1..${pk.holders}`);
  const out = new Uint8Array(2 + ciphertextBytes(pk));
  putU16(out, 0, pd.index);
  out.set(encodeCiphertext(pk, pd.value), 2);
  return out;
}

/** Inverse of {@link encodePartialDecryption}: exact length, index in 1..holders, value ∈ [1, n²). */
export function decodePartialDecryption(pk: ThresholdPublicKey, bytes: Uint8Array): PartialDecryption {
  expectBytes(bytes, 'decodePartialDecryption');
  const n2 = assertThresholdPublicKey(pk);
  const w = 2 + ciphertextBytes(pk);
  if (bytes.length !== w) throw new RangeError(`decodePartialDecryption: expected ${w} bytes, got ${bytes.length}`);
  const index = u16(bytes, 0);
  if (index < 1 || index > pk.holders) throw new RangeError(`decodePartialDecryption: index ${index} outside 1..${pk.holders}`);
  const value = bytesToBigint(bytes.subarray(2));
  if (value <= 0n || value >= n2) throw new RangeError('decodePartialDecryption: value must be in [1, n²)');
  return { index, value };
}
