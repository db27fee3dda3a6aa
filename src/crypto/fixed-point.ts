/**
 * Fixed-point encoding of real numbers into Z_n: v = round(x·scale), negatives as n − |v|, so
 * homomorphic sums of encodings decode to the sum of the values (while |sum| < n/2).
 * @module
 */
import { assertBigint } from './modmath';

function assertModulus(n: bigint, where: string): void {
  assertBigint(n, `${where}: modulus n`);
  if (n < 3n) throw new RangeError(`${where}: modulus n must be ≥ 3`);
}

function assertScale(scale: number, where: string): void {
  if (typeof scale !== 'number') throw new TypeError(`${where}: scale must be a number, got ${typeof scale}`);
  if (!Number.isFinite(scale) || scale <= 0) throw new RangeError(`${where}: scale must be a positive finite number, got ${scale}`);
}

/** Signed integer v with |v| < n/2 → residue in [0, n). */
export function encodeSigned(v: bigint, n: bigint): bigint {
  assertModulus(n, 'encodeSigned');
  assertBigint(v, 'encodeSigned: value');
  // |v| ≤ ⌊(n−1)/2⌋ keeps the centred decoding unambiguous.
  const limit = (n - 1n) / 2n;
  if (v > limit || -v > limit) throw new RangeError('encodeSigned: |value| must be below n/2');
  return v < 0n ? n + v : v;
}

/** Residue in [0, n) → centred signed integer in (−n/2, n/2]. */
export function decodeSigned(r: bigint, n: bigint): bigint {
  assertModulus(n, 'decodeSigned');
  assertBigint(r, 'decodeSigned: value');
  if (r < 0n || r >= n) throw new RangeError('decodeSigned: value must be in [0, n)');
  return r > n / 2n ? r - n : r;
}

/**
 * Encodes x as round(x·scale) mod n (half away from zero; negatives as n − |v|).
 * @throws TypeError if x is not a number; RangeError for NaN, ±Infinity or |round(x·scale)| ≥ n/2
 */
export function encodeFixed(x: number, scale: number, n: bigint): bigint {
  if (typeof x !== 'number') throw new TypeError(`encodeFixed: value must be a number, got ${typeof x}`);
  if (!Number.isFinite(x)) throw new RangeError(`encodeFixed: value must be finite, got ${x}`);
  assertScale(scale, 'encodeFixed');
  assertModulus(n, 'encodeFixed');
  const scaled = x * scale;
  if (!Number.isFinite(scaled)) throw new RangeError(`encodeFixed: ${x}·${scale} overflows`);
  const v = BigInt(Math.sign(scaled) * Math.round(Math.abs(scaled)));
  const limit = (n - 1n) / 2n;
  if (v > limit || -v > limit) throw new RangeError(`encodeFixed: ${x}·${scale} is out of range for the modulus (|v| ≥ n/2)`);
  return v < 0n ? n + v : v;
}

/** Decodes a residue v ∈ [0, n): values above n/2 are negative; returns v/scale as a number. */
export function decodeFixed(v: bigint, scale: number, n: bigint): number {
  assertScale(scale, 'decodeFixed');
  const s = decodeSigned(v, n);
  return Number(s) / scale;
}
