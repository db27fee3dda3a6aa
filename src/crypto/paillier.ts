/**
 * Paillier encryption with g = n + 1 (Paillier 1999; Damgård–Jurik 2001, s = 1):
 * E(m; r) = (1 + m·n)·rⁿ mod n², so the message part costs one multiplication and only rⁿ needs an
 * exponentiation. Decryption uses CRT modulo p² and q² with per-key constants cached in a WeakMap.
 * @module
 */
import type { Rng } from '../core/rng';
import { secureRng } from '../core/rng';
import type { PrivateKey, PublicKey } from './types';
import { assertBigint, bitLength, gcd, modInv, modPow, randomUnit } from './modmath';
import { randomPrime } from './primes';

/** Key sizes {@link generateKeyPair} accepts (256 only for tests). */
export type KeyBits = 256 | 512 | 1024 | 2048 | 3072;

/** Supported modulus sizes, in bits. */
export const SUPPORTED_KEY_BITS: readonly KeyBits[] = [256, 512, 1024, 2048, 3072];

const nSquares = new WeakMap<PublicKey, bigint>();

/**
 * Checks the shape of a public key (n an odd bigint ≥ 15 whose bit length is `bits`) and returns n².
 * Results are cached per key object, so the check is paid once per key.
 */
export function assertPublicKey(pk: PublicKey): bigint {
  const cached = nSquares.get(pk);
  if (cached !== undefined) return cached;
  if (typeof pk !== 'object' || pk === null) throw new TypeError('public key must be an object');
  assertBigint(pk.n, 'public key n');
  if (pk.n < 15n || (pk.n & 1n) === 0n) throw new RangeError('public key n must be an odd integer ≥ 15');
  if (!Number.isInteger(pk.bits) || pk.bits !== bitLength(pk.n)) {
    throw new RangeError(`public key bits (${String(pk.bits)}) must equal the bit length of n (${bitLength(pk.n)})`);
  }
  const n2 = pk.n * pk.n;
  nSquares.set(pk, n2);
  return n2;
}

/** Throws unless m is a bigint plaintext in [0, n). */
export function assertPlaintext(pk: PublicKey, m: bigint): void {
  assertPublicKey(pk);
  assertBigint(m, 'plaintext');
  if (m < 0n || m >= pk.n) throw new RangeError(`plaintext must be in [0, n) for a ${pk.bits}-bit key`);
}

/**
 * Full ciphertext check for values crossing a boundary: c ∈ [1, n²) and gcd(c, n) = 1 (c ∈ Z*_{n²}).
 * The hot homomorphic operations only check the range; the gcd is paid here, at decode and at decrypt.
 */
export function assertCiphertext(pk: PublicKey, c: bigint): void {
  const n2 = assertPublicKey(pk);
  assertCiphertextRange(c, n2, 'ciphertext');
  if (gcd(c, pk.n) !== 1n) throw new RangeError('ciphertext is not a unit modulo n² (gcd(c, n) ≠ 1)');
}

function assertCiphertextRange(c: bigint, n2: bigint, what: string): void {
  assertBigint(c, what);
  if (c <= 0n || c >= n2) throw new RangeError(`${what} must be in [1, n²)`);
}

/** Public key for modulus n (shape-checked). */
export function publicKeyFromModulus(n: bigint): PublicKey {
  assertBigint(n, 'modulus n');
  if (n < 15n) throw new RangeError('modulus n must be ≥ 15');
  const pk: PublicKey = { n, bits: bitLength(n) };
  assertPublicKey(pk);
  return pk;
}

/**
 * Private key from two distinct odd primes (primality is the caller's responsibility; known-answer
 * tests use textbook primes). Requires gcd(n, (p−1)(q−1)) = 1, which g = n + 1 decryption needs.
 */
export function privateKeyFromPrimes(p: bigint, q: bigint): PrivateKey {
  assertBigint(p, 'prime p');
  assertBigint(q, 'prime q');
  if (p < 3n || q < 3n || (p & 1n) === 0n || (q & 1n) === 0n) throw new RangeError('p and q must be odd primes ≥ 3');
  if (p === q) throw new RangeError('p and q must be distinct');
  const n = p * q;
  if (gcd(n, (p - 1n) * (q - 1n)) !== 1n) throw new RangeError('gcd(n, (p−1)(q−1)) must be 1');
  return { publicKey: publicKeyFromModulus(n), p, q };
}

/**
 * Generates a key pair with an n of exactly `bits` bits (two random primes of bits/2 bits with their
 * top two bits set). Synchronous, so it runs inside workers.
 * @param rng defaults to {@link secureRng}; pass `seededRng` only in tests
 */
export function generateKeyPair(bits: KeyBits, rng: Rng = secureRng()): PrivateKey {
  if (!SUPPORTED_KEY_BITS.includes(bits)) {
    throw new RangeError(`unsupported key size ${String(bits)}: expected one of ${SUPPORTED_KEY_BITS.join(', ')}`);
  }
  for (;;) {
    const p = randomPrime(bits / 2, rng);
    const q = randomPrime(bits / 2, rng);
    if (p === q) continue;
    return privateKeyFromPrimes(p, q);
  }
}

/** A fresh random nonce term rⁿ mod n² with r uniform in Z*_n (the costly part of encryption). */
export function randomNonce(pk: PublicKey, rng: Rng = secureRng()): bigint {
  const n2 = assertPublicKey(pk);
  return modPow(randomUnit(rng, pk.n), pk.n, n2);
}

/** (1 + m·n)·nonce mod n², where nonce is an n-th residue. */
export function encryptWithNonceTerm(pk: PublicKey, m: bigint, nonceTerm: bigint): bigint {
  const n2 = assertPublicKey(pk);
  assertPlaintext(pk, m);
  return ((1n + m * pk.n) * nonceTerm) % n2;
}

/** Encrypts m ∈ [0, n) with fresh randomness: (1 + m·n)·rⁿ mod n². */
export function encrypt(pk: PublicKey, m: bigint, rng: Rng = secureRng()): bigint {
  assertPlaintext(pk, m);
  return encryptWithNonceTerm(pk, m, randomNonce(pk, rng));
}

/** Encrypts m with the given r ∈ Z*_n (deterministic; for known-answer vectors and proofs). */
export function encryptWithNonce(pk: PublicKey, m: bigint, r: bigint): bigint {
  const n2 = assertPublicKey(pk);
  assertPlaintext(pk, m);
  assertBigint(r, 'nonce r');
  if (r <= 0n || r >= pk.n || gcd(r, pk.n) !== 1n) throw new RangeError('nonce r must be in Z*_n');
  return encryptWithNonceTerm(pk, m, modPow(r, pk.n, n2));
}

/** E(a)·E(b) mod n² = E(a + b mod n). */
export function add(pk: PublicKey, a: bigint, b: bigint): bigint {
  const n2 = assertPublicKey(pk);
  assertCiphertextRange(a, n2, 'ciphertext a');
  assertCiphertextRange(b, n2, 'ciphertext b');
  return (a * b) % n2;
}

/** E(a)·E(b)⁻¹ mod n² = E(a − b mod n). b must be a unit (RangeError otherwise). */
export function sub(pk: PublicKey, a: bigint, b: bigint): bigint {
  const n2 = assertPublicKey(pk);
  assertCiphertextRange(a, n2, 'ciphertext a');
  assertCiphertextRange(b, n2, 'ciphertext b');
  return (a * modInv(b, n2)) % n2;
}

/** E(a)^k mod n² = E(k·a mod n), k ∈ [0, n). */
export function mulConst(pk: PublicKey, c: bigint, k: bigint): bigint {
  const n2 = assertPublicKey(pk);
  assertCiphertextRange(c, n2, 'ciphertext');
  assertBigint(k, 'constant k');
  if (k < 0n || k >= pk.n) throw new RangeError('constant k must be in [0, n)');
  return modPow(c, k, n2);
}

/** c·rⁿ mod n² with fresh r: same plaintext, unlinkable ciphertext. */
export function rerandomize(pk: PublicKey, c: bigint, rng: Rng = secureRng()): bigint {
  const n2 = assertPublicKey(pk);
  assertCiphertextRange(c, n2, 'ciphertext');
  return (c * randomNonce(pk, rng)) % n2;
}

interface CrtParams {
  readonly p2: bigint;
  readonly q2: bigint;
  /** L_p((n+1)^(p−1) mod p²)⁻¹ mod p. */
  readonly hp: bigint;
  readonly hq: bigint;
  /** p⁻¹ mod q, for recombination. */
  readonly pInvQ: bigint;
}

const crtCache = new WeakMap<PrivateKey, CrtParams>();

function crtParams(sk: PrivateKey): CrtParams {
  const cached = crtCache.get(sk);
  if (cached) return cached;
  if (typeof sk !== 'object' || sk === null) throw new TypeError('private key must be an object');
  const pk = sk.publicKey;
  assertPublicKey(pk);
  assertBigint(sk.p, 'private key p');
  assertBigint(sk.q, 'private key q');
  if (sk.p <= 1n || sk.q <= 1n || sk.p * sk.q !== pk.n) throw new RangeError('private key does not match its public key (p·q ≠ n)');
  const { p, q } = sk;
  const g = pk.n + 1n;
  const p2 = p * p, q2 = q * q;
  const hp = modInv((modPow(g, p - 1n, p2) - 1n) / p, p);
  const hq = modInv((modPow(g, q - 1n, q2) - 1n) / q, q);
  const params: CrtParams = { p2, q2, hp, hq, pInvQ: modInv(p, q) };
  crtCache.set(sk, params);
  return params;
}

/** Decrypts c ∈ Z*_{n²} by CRT: m_p = L_p(c^(p−1) mod p²)·h_p mod p, likewise for q, recombined. */
export function decrypt(sk: PrivateKey, c: bigint): bigint {
  const { p2, q2, hp, hq, pInvQ } = crtParams(sk);
  const { p, q } = sk;
  const n2 = assertPublicKey(sk.publicKey);
  assertCiphertextRange(c, n2, 'ciphertext');
  // gcd(c, n) = 1 ⇔ p ∤ c and q ∤ c: the CRT key makes the unit check cheap.
  if (c % p === 0n || c % q === 0n) throw new RangeError('ciphertext is not a unit modulo n² (gcd(c, n) ≠ 1)');
  const mp = (((modPow(c % p2, p - 1n, p2) - 1n) / p) * hp) % p;
  const mq = (((modPow(c % q2, q - 1n, q2) - 1n) / q) * hq) % q;
  let h = ((mq - mp) * pInvQ) % q;
  if (h < 0n) h += q;
  return mp + p * h;
}
