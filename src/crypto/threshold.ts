/**
 * Threshold Paillier (Shoup 2000 as generalised by Damgård–Jurik 2001, s = 1), honest-but-curious:
 * no share-correctness proofs or verification keys. A trusted dealer picks safe primes p = 2p′ + 1,
 * q = 2q′ + 1, m = p′q′, d ≡ 0 (mod m), d ≡ 1 (mod n), shares d by a degree t − 1 polynomial over
 * Z_{nm}, and erases everything but n and the shares. Holder i decrypts partially c^(2Δs_i) mod n²
 * (Δ = ℓ!); any t partials combine by integer Lagrange coefficients into c^(4Δ²d) = (1 + n)^(4Δ²·msg).
 * @module
 */
import type { Rng } from '../core/rng';
import { randomBelow, secureRng } from '../core/rng';
import type { KeyShare, PartialDecryption, ThresholdPublicKey } from './types';
import type { KeyBits } from './paillier';
import { assertCiphertext, assertPublicKey, SUPPORTED_KEY_BITS } from './paillier';
import { assertBigint, bitLength, gcd, modInv, modPow } from './modmath';
import type { SafePrimeProgress } from './safe-prime';
import { findSafePrime, isSafePrime } from './safe-prime';

/** Largest number of holders supported (Δ = holders! grows the exponents by log2(holders!) bits). */
export const MAX_HOLDERS = 1024;

/** A dealt threshold key: the public key and one share per holder (index i at position i − 1). */
export interface DealtThresholdKey {
  readonly publicKey: ThresholdPublicKey;
  readonly shares: KeyShare[];
}

/** Options of {@link dealThresholdKey}. */
export interface DealOptions {
  readonly bits: KeyBits;
  readonly holders: number;
  readonly threshold: number;
  /** Default {@link secureRng}. */
  readonly rng?: Rng;
  /** Progress of the two safe-prime searches (which = 0 for p, 1 for q). */
  readonly onProgress?: (which: 0 | 1, progress: SafePrimeProgress) => void;
}

function assertHoldersThreshold(holders: unknown, threshold: unknown): void {
  if (typeof holders !== 'number' || !Number.isInteger(holders) || holders < 1 || holders > MAX_HOLDERS) {
    throw new RangeError(`holders must be an integer in [1, ${MAX_HOLDERS}], got ${String(holders)}`);
  }
  if (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < 1 || threshold > holders) {
    throw new RangeError(`threshold must be an integer in [1, holders = ${holders}], got ${String(threshold)}`);
  }
}

const deltas = new Map<number, bigint>();

/** Δ = holders!. */
export function delta(holders: number): bigint {
  let d = deltas.get(holders);
  if (d === undefined) {
    d = 1n;
    for (let i = 2n; i <= BigInt(holders); i++) d *= i;
    deltas.set(holders, d);
  }
  return d;
}

/** Checks a threshold public key's shape; returns n². */
export function assertThresholdPublicKey(pk: ThresholdPublicKey): bigint {
  const n2 = assertPublicKey(pk);
  assertHoldersThreshold(pk.holders, pk.threshold);
  return n2;
}

/**
 * Deals a threshold key from given safe primes p ≠ q (tests use fixed precomputed ones; checked with
 * {@link isSafePrime}). The secrets p, q, m, d and the polynomial live only in this call's locals.
 */
export function dealThresholdKeyFromPrimes(opts: {
  p: bigint; q: bigint; holders: number; threshold: number; rng?: Rng;
}): DealtThresholdKey {
  const { p, q, holders, threshold } = opts;
  const rng = opts.rng ?? secureRng();
  assertBigint(p, 'safe prime p');
  assertBigint(q, 'safe prime q');
  assertHoldersThreshold(holders, threshold);
  if (p === q) throw new RangeError('safe primes p and q must be distinct');
  if (!isSafePrime(p) || !isSafePrime(q)) throw new RangeError('p and q must be safe primes (p = 2p′ + 1 with p′ prime)');
  const n = p * q;
  const m = ((p - 1n) / 2n) * ((q - 1n) / 2n);
  if (gcd(n, m) !== 1n) throw new RangeError('gcd(n, p′q′) must be 1');
  const nm = n * m;
  // d ≡ 0 (mod m), d ≡ 1 (mod n).
  const d = m * modInv(m, n);
  const coeffs: bigint[] = [d];
  for (let i = 1; i < threshold; i++) coeffs.push(randomBelow(rng, nm));
  const publicKey: ThresholdPublicKey = { n, bits: bitLength(n), holders, threshold };
  assertThresholdPublicKey(publicKey);
  const shares: KeyShare[] = [];
  for (let i = 1; i <= holders; i++) {
    const x = BigInt(i);
    let s = 0n;
    for (let k = coeffs.length - 1; k >= 0; k--) s = (s * x + coeffs[k]!) % nm;
    shares.push({ publicKey, index: i, secret: s });
  }
  coeffs.fill(0n); // best effort: JS cannot wipe bigints, but drop the references early
  return { publicKey, shares };
}

/**
 * Trusted-dealer key generation: two safe primes of bits/2 bits (a few seconds at 2048 bits), then
 * {@link dealThresholdKeyFromPrimes}. Run it in a worker; hand each share to its holder and drop the rest.
 */
export function dealThresholdKey(opts: DealOptions): DealtThresholdKey {
  if (typeof opts !== 'object' || opts === null) throw new TypeError('dealThresholdKey: options must be an object');
  if (!SUPPORTED_KEY_BITS.includes(opts.bits)) {
    throw new RangeError(`unsupported key size ${String(opts.bits)}: expected one of ${SUPPORTED_KEY_BITS.join(', ')}`);
  }
  assertHoldersThreshold(opts.holders, opts.threshold);
  const rng = opts.rng ?? secureRng();
  const p = findSafePrime(opts.bits / 2, rng, opts.onProgress && ((pr) => opts.onProgress!(0, pr)));
  let q = p;
  while (q === p) q = findSafePrime(opts.bits / 2, rng, opts.onProgress && ((pr) => opts.onProgress!(1, pr)));
  return dealThresholdKeyFromPrimes({ p, q, holders: opts.holders, threshold: opts.threshold, rng });
}

function assertShare(share: KeyShare): bigint {
  if (typeof share !== 'object' || share === null) throw new TypeError('key share must be an object');
  const n2 = assertThresholdPublicKey(share.publicKey);
  if (!Number.isInteger(share.index) || share.index < 1 || share.index > share.publicKey.holders) {
    throw new RangeError(`key share index must be an integer in [1, ${share.publicKey.holders}], got ${String(share.index)}`);
  }
  assertBigint(share.secret, 'key share secret');
  if (share.secret < 0n || share.secret >= n2) throw new RangeError('key share secret must be in [0, n²)');
  return n2;
}

/** Holder i's partial decryption c^(2·Δ·s_i) mod n² of a ciphertext c ∈ Z*_{n²}. */
export function partialDecrypt(share: KeyShare, c: bigint): PartialDecryption {
  const n2 = assertShare(share);
  assertCiphertext(share.publicKey, c);
  const exponent = 2n * delta(share.publicKey.holders) * share.secret;
  return { index: share.index, value: modPow(c, exponent, n2) };
}

/**
 * Validates a set of partial decryptions against a threshold key and returns the `threshold` ones with
 * the smallest indices, sorted. Shared by real and plain threshold decryption so both refuse alike.
 * @param checkValue asserts one partial's value, naming it as `what`
 * @throws TypeError on a non-array or non-object; RangeError on unknown or duplicate indices, too few
 */
export function choosePartials(
  pk: ThresholdPublicKey,
  partials: readonly PartialDecryption[],
  checkValue: (value: bigint, what: string) => void,
): PartialDecryption[] {
  if (!Array.isArray(partials)) throw new TypeError('partial decryptions must be an array');
  const seen = new Set<number>();
  for (const pd of partials) {
    if (typeof pd !== 'object' || pd === null) throw new TypeError('partial decryption must be an object');
    if (!Number.isInteger(pd.index) || pd.index < 1 || pd.index > pk.holders) {
      throw new RangeError(`unknown partial decryption index ${String(pd.index)}: expected 1..${pk.holders}`);
    }
    if (seen.has(pd.index)) throw new RangeError(`duplicate partial decryption index ${pd.index}`);
    seen.add(pd.index);
    checkValue(pd.value, `partial decryption ${pd.index} value`);
  }
  if (partials.length < pk.threshold) {
    throw new RangeError(`need ${pk.threshold} partial decryptions, got ${partials.length}`);
  }
  return [...partials].sort((a, b) => a.index - b.index).slice(0, pk.threshold);
}

/**
 * Combines ≥ threshold partial decryptions with distinct indices into the plaintext. Uses the
 * threshold smallest indices: c′ = Π c_i^(2λ_i), λ_i = Δ·Π_{j≠i} j/(j − i) ∈ ℤ, and
 * m = L(c′)·(4Δ²)⁻¹ mod n.
 * @throws RangeError on duplicate or out-of-range indices, too few partials, or when the partials are
 * inconsistent (c′ ≢ 1 mod n: wrong key, different ciphertexts or a corrupted share)
 */
export function combinePartials(pk: ThresholdPublicKey, partials: readonly PartialDecryption[]): bigint {
  const n2 = assertThresholdPublicKey(pk);
  const chosen = choosePartials(pk, partials, (value, what) => {
    assertBigint(value, what);
    if (value <= 0n || value >= n2) throw new RangeError(`${what} must be in [1, n²)`);
  });
  const D = delta(pk.holders);
  let positive = 1n, negative = 1n;
  for (const { index: i, value } of chosen) {
    let num = D, den = 1n;
    for (const { index: j } of chosen) {
      if (j === i) continue;
      num *= BigInt(j);
      den *= BigInt(j - i);
    }
    const lambda = num / den; // exact: Δ·Π j/(j − i) is an integer
    const e = 2n * (lambda < 0n ? -lambda : lambda);
    const term = modPow(value, e, n2);
    if (lambda < 0n) negative = (negative * term) % n2;
    else positive = (positive * term) % n2;
  }
  const cPrime = negative === 1n ? positive : (positive * modInv(negative, n2)) % n2;
  if (cPrime % pk.n !== 1n) {
    throw new RangeError('partial decryptions are inconsistent (wrong key, different ciphertexts or a corrupted share)');
  }
  const L = (cPrime - 1n) / pk.n;
  const inv = modInv((4n * D * D) % pk.n, pk.n);
  return (L * inv) % pk.n;
}
