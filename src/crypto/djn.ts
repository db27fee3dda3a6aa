/**
 * Damgård–Jurik–Nielsen short-exponent randomness for Paillier (DJN 2010, §4.2): instead of rⁿ with
 * a full-size r, use h_s^α mod n² where h = −x² mod n, h_s = hⁿ mod n² (public, computed once) and α
 * is uniform of {@link DJN_EXPONENT_BITS} bits. h_s^α comes from a fixed-base windowed table, so a
 * nonce costs ⌈256/w⌉ multiplications instead of a 2048-bit-exponent modexp.
 * @module
 */
import type { Rng } from '../core/rng';
import { secureRng } from '../core/rng';
import type { PublicKey } from './types';
import { assertPublicKey } from './paillier';
import { assertBigint, modPow, randomBits, randomUnit } from './modmath';

/** Bit length of α: 2 × 128-bit security, used at every key size (see docs/CRYPTO.md). */
export const DJN_EXPONENT_BITS = 256;

/** Public DJN parameters (plain data: survives structured clone; tables are rebuilt per thread). */
export interface DjnParams {
  readonly n: bigint;
  /** h_s = (−x²)ⁿ mod n². */
  readonly hs: bigint;
  /** Bit length of the exponent α. */
  readonly exponentBits: number;
  /** Fixed-base window width w (table of ⌈exponentBits/w⌉·(2^w − 1) entries). */
  readonly window: number;
}

/** Validates DJN parameters against a public key. */
export function assertDjnParams(pk: PublicKey, params: DjnParams): void {
  const n2 = assertPublicKey(pk);
  if (typeof params !== 'object' || params === null) throw new TypeError('DJN params must be an object');
  assertBigint(params.n, 'DJN params n');
  assertBigint(params.hs, 'DJN params hs');
  if (params.n !== pk.n) throw new RangeError('DJN params belong to another public key');
  if (params.hs <= 1n || params.hs >= n2) throw new RangeError('DJN params hs must be in (1, n²)');
  if (!Number.isInteger(params.exponentBits) || params.exponentBits < 128 || params.exponentBits > 4096) {
    throw new RangeError(`DJN exponentBits must be an integer in [128, 4096], got ${String(params.exponentBits)}`);
  }
  if (!Number.isInteger(params.window) || params.window < 1 || params.window > 10) {
    throw new RangeError(`DJN window must be an integer in [1, 10], got ${String(params.window)}`);
  }
}

/**
 * Creates DJN parameters for pk: one full modexp (hⁿ mod n²). Anyone holding only the public key can
 * do this; sharing h_s among encryptors is fine (it is public).
 */
export function djnSetup(
  pk: PublicKey,
  rng: Rng = secureRng(),
  opts: { exponentBits?: number; window?: number } = {},
): DjnParams {
  const n2 = assertPublicKey(pk);
  const x = randomUnit(rng, pk.n);
  const h = pk.n - ((x * x) % pk.n);
  const params: DjnParams = {
    n: pk.n,
    hs: modPow(h, pk.n, n2),
    exponentBits: opts.exponentBits ?? DJN_EXPONENT_BITS,
    window: opts.window ?? 6,
  };
  assertDjnParams(pk, params);
  return params;
}

interface FixedBaseTable {
  readonly n2: bigint;
  readonly w: number;
  /** rows[i][d − 1] = h_s^(d·2^(w·i)) mod n². */
  readonly rows: bigint[][];
}

const tables = new WeakMap<DjnParams, FixedBaseTable>();

function tableFor(params: DjnParams): FixedBaseTable {
  const cached = tables.get(params);
  if (cached) return cached;
  const n2 = params.n * params.n;
  const w = params.window;
  const rowCount = Math.ceil(params.exponentBits / w);
  const rows: bigint[][] = [];
  let base = params.hs;
  for (let i = 0; i < rowCount; i++) {
    const row: bigint[] = [base];
    for (let d = 2; d < 1 << w; d++) row.push((row[d - 2]! * base) % n2);
    rows.push(row);
    // Next base: base^(2^w) = row[2^w − 2] · base.
    base = (row[row.length - 1]! * base) % n2;
  }
  const table: FixedBaseTable = { n2, w, rows };
  tables.set(params, table);
  return table;
}

/** h_s^α mod n² for a given exponent α ∈ [0, 2^exponentBits) (deterministic; for tests). */
export function djnNonceFor(params: DjnParams, alpha: bigint): bigint {
  assertBigint(alpha, 'DJN exponent α');
  if (alpha < 0n || alpha >> BigInt(params.exponentBits) !== 0n) {
    throw new RangeError(`DJN exponent α must be in [0, 2^${params.exponentBits})`);
  }
  const { n2, w, rows } = tableFor(params);
  const mask = (1n << BigInt(w)) - 1n;
  let acc = 1n;
  let a = alpha;
  for (let i = 0; a !== 0n; i++, a >>= BigInt(w)) {
    const d = Number(a & mask);
    if (d !== 0) acc = acc === 1n ? rows[i]![d - 1]! : (acc * rows[i]![d - 1]!) % n2;
  }
  return acc;
}

/** A fresh DJN nonce term h_s^α mod n² with α uniform of `exponentBits` bits. */
export function djnNonce(params: DjnParams, rng: Rng = secureRng()): bigint {
  return djnNonceFor(params, randomBits(rng, params.exponentBits));
}
