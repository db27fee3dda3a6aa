/**
 * Plain-data shapes of the encrypted-arithmetic core. Everything here is a plain object of bigints and
 * numbers so it survives structured clone (workers) unchanged; byte codecs live in ./serialize.ts.
 * The generator is always g = n + 1, so a public key is just n.
 * @module
 */

/** Paillier public key (g = n + 1). */
export interface PublicKey {
  readonly n: bigint;
  /** Bit length of n: 512, 1024, 2048 or 3072. */
  readonly bits: number;
}

/** Paillier private key with its CRT precomputation inputs. */
export interface PrivateKey {
  readonly publicKey: PublicKey;
  readonly p: bigint;
  readonly q: bigint;
}

/** Public part of a threshold key (Shoup / Damgård–Jurik, s = 1). */
export interface ThresholdPublicKey extends PublicKey {
  /** Number of key holders (ℓ, Chiaroscuro's "nb key shares"). */
  readonly holders: number;
  /** Number of partial decryptions needed (t). */
  readonly threshold: number;
}

/** One holder's secret share s_i of the threshold key. */
export interface KeyShare {
  readonly publicKey: ThresholdPublicKey;
  /** Holder index, 1..holders. */
  readonly index: number;
  readonly secret: bigint;
}

/** A holder's partial decryption c^(2·Δ·s_i) mod n² of one ciphertext. */
export interface PartialDecryption {
  readonly index: number;
  readonly value: bigint;
}

/**
 * Additively homomorphic encryption as the protocols use it: ciphertexts are opaque bigints.
 * Implemented by Paillier (real) and by the plain scheme (`--key-bits 0`: identical arithmetic on
 * plaintexts, ciphertext = plaintext mod the same kind of modulus), so protocols and the simulator
 * run the exact same code path with or without encryption.
 */
export interface AdditiveScheme {
  /** e.g. `paillier-2048` or `plain`. */
  readonly name: string;
  /** The plaintext modulus n: sums wrap modulo n. */
  readonly plaintextModulus: bigint;
  /** Bytes one ciphertext takes on the wire. */
  readonly ciphertextBytes: number;
  /** Encrypts m ∈ [0, n). */
  encrypt(m: bigint): bigint;
  /** E(a)·E(b) → E(a + b mod n). */
  add(a: bigint, b: bigint): bigint;
  /** E(a)^k → E(k·a mod n), k ∈ [0, n). */
  mulConst(c: bigint, k: bigint): bigint;
}
