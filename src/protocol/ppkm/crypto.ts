/**
 * The crypto PPkM needs, as an asynchronous interface over MANY key pairs (every node's assistant owns
 * one, every node owns one for its divisions), so tabs can put it behind a worker pool. The in-thread
 * implementations below run Paillier (src/crypto, g = n + 1, CRT decryption, optional DJN
 * short-exponent randomness) or the plain scheme (`--key-bits 0`: ciphertext = plaintext mod a
 * 2048-bit modulus, identical code path).
 * @module
 */
import type { Rng } from '../../core/rng';
import { secureRng } from '../../core/rng';
import type { PrivateKey, PublicKey } from '../../crypto/types';
import {
  add as paillierAdd, assertPublicKey, decrypt as paillierDecrypt, encryptWithNonceTerm, generateKeyPair,
  mulConst as paillierMulConst, publicKeyFromModulus,
} from '../../crypto/paillier';
import type { KeyBits } from '../../crypto/paillier';
import { createNoncePool } from '../../crypto/nonce-pool';
import type { EncryptionVariant, NoncePool } from '../../crypto/nonce-pool';

/** Asynchronous homomorphic operations under arbitrary PPkM keys. */
export interface PpkmCrypto {
  /** e.g. `paillier-2048-djn` or `plain`. */
  readonly name: string;
  /** Modulus bits (0 for the plain scheme). */
  readonly keyBits: number;
  /** A fresh key pair (the assistant's, or a node's division key). */
  generateKeyPair(): Promise<PrivateKey>;
  /** Validates a modulus received on the wire and returns its public key (RangeError if unusable). */
  publicKey(n: bigint): PublicKey;
  /** Bytes of one ciphertext on the wire under pk. */
  ciphertextBytes(pk: PublicKey): number;
  /** Range check of a received ciphertext. */
  isValidCiphertext(pk: PublicKey, c: bigint): boolean;
  /** Encrypts each plaintext in [0, n) with fresh randomness. */
  encrypt(pk: PublicKey, plaintexts: readonly bigint[]): Promise<bigint[]>;
  /** Decrypts each ciphertext. */
  decrypt(sk: PrivateKey, ciphertexts: readonly bigint[]): Promise<bigint[]>;
  /** E(a)·E(b) = E(a + b mod n) (one multiplication: kept synchronous). */
  add(pk: PublicKey, a: bigint, b: bigint): bigint;
  /** E(a)^k = E(k·a mod n) for each ciphertext, k ∈ [0, n). */
  mulConst(pk: PublicKey, ciphertexts: readonly bigint[], k: bigint): Promise<bigint[]>;
}

/** Options of {@link paillierPpkmCrypto}. */
export interface PaillierPpkmOptions {
  /** Randomness of encryptions: full rⁿ (`standard`) or DJN h_s^α (`djn`, default). */
  readonly encryption?: EncryptionVariant;
  /** Randomness of keys and nonces; defaults to {@link secureRng}. Seeded only in tests. */
  readonly rng?: Rng;
  /** Precomputed key pairs handed out first (tests and benches avoid prime generation). */
  readonly keyPool?: PrivateKey[];
}

const SUPPORTED: readonly number[] = [256, 512, 1024, 2048, 3072];

/** In-thread Paillier for PPkM. Nonce pools (with their DJN tables) are cached per modulus. */
export function paillierPpkmCrypto(bits: number, opts: PaillierPpkmOptions = {}): PpkmCrypto {
  if (!SUPPORTED.includes(bits)) throw new RangeError(`paillierPpkmCrypto: key bits must be one of ${SUPPORTED.join(', ')}, got ${bits}`);
  const variant = opts.encryption ?? 'djn';
  const rng = opts.rng ?? secureRng();
  const keyPool = opts.keyPool ? opts.keyPool.slice() : [];
  const pools = new Map<bigint, NoncePool>();
  const poolFor = (pk: PublicKey): NoncePool => {
    let pool = pools.get(pk.n);
    if (!pool) {
      pool = createNoncePool(pk, { variant, rng, capacity: 1 });
      pools.set(pk.n, pool);
    }
    return pool;
  };
  return {
    name: `paillier-${bits}-${variant}`,
    keyBits: bits,
    generateKeyPair: () => Promise.resolve(keyPool.shift() ?? generateKeyPair(bits as KeyBits, rng)),
    publicKey(n) {
      if (typeof n !== 'bigint') throw new TypeError('modulus must be a bigint');
      const pk = publicKeyFromModulus(n);
      if (pk.bits !== bits) throw new RangeError(`modulus has ${pk.bits} bits, the round uses ${bits}`);
      return pk;
    },
    ciphertextBytes: (pk) => Math.ceil((2 * pk.bits) / 8),
    isValidCiphertext(pk, c) {
      const n2 = assertPublicKey(pk);
      return typeof c === 'bigint' && c > 0n && c < n2 && c % pk.n !== 0n;
    },
    encrypt(pk, ms) {
      try {
        const pool = poolFor(pk);
        return Promise.resolve(ms.map((m) => encryptWithNonceTerm(pk, m, pool.take())));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    decrypt(sk, cs) {
      try {
        return Promise.resolve(cs.map((c) => paillierDecrypt(sk, c)));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    add: (pk, a, b) => paillierAdd(pk, a, b),
    mulConst(pk, cs, k) {
      try {
        return Promise.resolve(cs.map((c) => paillierMulConst(pk, c, k)));
      } catch (err) {
        return Promise.reject(err);
      }
    },
  };
}

/** The plain scheme's modulus: odd, 2048 bits, so packing capacities match a 2048-bit key. */
export const PLAIN_MODULUS: bigint = (1n << 2048n) - 159n;
const PLAIN_PK: PublicKey = { n: PLAIN_MODULUS, bits: 2048 };

/**
 * `--key-bits 0`: the same arithmetic without encryption (E(m) = m, add = + mod n, mulConst = · mod n).
 * Nothing is hidden: for simulations of accuracy and message flow only.
 */
export function plainPpkmCrypto(): PpkmCrypto {
  const n = PLAIN_MODULUS;
  const check = (pk: PublicKey): void => {
    if (pk.n !== n) throw new RangeError('plain scheme: foreign modulus');
  };
  const inRange = (m: bigint, what: string): bigint => {
    if (typeof m !== 'bigint' || m < 0n || m >= n) throw new RangeError(`plain scheme: ${what} outside [0, n)`);
    return m;
  };
  return {
    name: 'plain',
    keyBits: 0,
    generateKeyPair: () => Promise.resolve({ publicKey: PLAIN_PK, p: 1n, q: n }),
    publicKey(m) {
      if (m !== n) throw new RangeError('plain scheme: modulus must be the plain modulus');
      return PLAIN_PK;
    },
    ciphertextBytes: () => 256,
    isValidCiphertext: (pk, c) => pk.n === n && typeof c === 'bigint' && c >= 0n && c < n,
    encrypt(pk, ms) {
      try {
        check(pk);
        return Promise.resolve(ms.map((m) => inRange(m, 'plaintext')));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    decrypt(sk, cs) {
      try {
        check(sk.publicKey);
        return Promise.resolve(cs.map((c) => inRange(c, 'ciphertext')));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    add(pk, a, b) {
      check(pk);
      return (inRange(a, 'ciphertext') + inRange(b, 'ciphertext')) % n;
    },
    mulConst(pk, cs, k) {
      try {
        check(pk);
        inRange(k, 'constant');
        return Promise.resolve(cs.map((c) => (inRange(c, 'ciphertext') * k) % n));
      } catch (err) {
        return Promise.reject(err);
      }
    },
  };
}

/** Operation counts of a {@link countingCrypto} wrapper. */
export interface CryptoCounts {
  keygen: number;
  encrypt: number;
  decrypt: number;
  add: number;
  mulConst: number;
}

/** Wraps a PpkmCrypto and counts operations (tests assert the paper's operation counts). */
export function countingCrypto(inner: PpkmCrypto): { crypto: PpkmCrypto; counts: CryptoCounts } {
  const counts: CryptoCounts = { keygen: 0, encrypt: 0, decrypt: 0, add: 0, mulConst: 0 };
  const crypto: PpkmCrypto = {
    name: inner.name,
    keyBits: inner.keyBits,
    generateKeyPair: () => { counts.keygen++; return inner.generateKeyPair(); },
    publicKey: (n) => inner.publicKey(n),
    ciphertextBytes: (pk) => inner.ciphertextBytes(pk),
    isValidCiphertext: (pk, c) => inner.isValidCiphertext(pk, c),
    encrypt: (pk, ms) => { counts.encrypt += ms.length; return inner.encrypt(pk, ms); },
    decrypt: (sk, cs) => { counts.decrypt += cs.length; return inner.decrypt(sk, cs); },
    add: (pk, a, b) => { counts.add++; return inner.add(pk, a, b); },
    mulConst: (pk, cs, k) => { counts.mulConst += cs.length; return inner.mulConst(pk, cs, k); },
  };
  return { crypto, counts };
}
