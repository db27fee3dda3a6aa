/**
 * Offline/online Paillier encryption: a pool of precomputed nonce terms (rⁿ mod n², or DJN h_s^α),
 * filled ahead of time (idle time, a worker, or on demand), so that an online encryption
 * (1 + m·n)·term mod n² costs a single modular multiplication.
 * @module
 */
import type { Rng } from '../core/rng';
import { secureRng } from '../core/rng';
import type { PublicKey } from './types';
import { assertPlaintext, assertPublicKey, encryptWithNonceTerm, randomNonce } from './paillier';
import type { DjnParams } from './djn';
import { assertDjnParams, djnNonce, djnSetup } from './djn';
import { assertBigint } from './modmath';

/** How fresh randomness is produced: full rⁿ (`standard`) or DJN short-exponent h_s^α (`djn`). */
export type EncryptionVariant = 'standard' | 'djn';

/** Options of {@link createNoncePool}. */
export interface NoncePoolOptions {
  /** Default `standard`. */
  readonly variant?: EncryptionVariant;
  /** Maximum number of stored terms; default 64. */
  readonly capacity?: number;
  /** Terms computed immediately; default 0. */
  readonly prefill?: number;
  /** Default {@link secureRng}. */
  readonly rng?: Rng;
  /** DJN parameters to reuse (otherwise created with {@link djnSetup} when variant is `djn`). */
  readonly djn?: DjnParams;
}

/** A pool of precomputed encryption randomness for one public key. */
export interface NoncePool {
  readonly publicKey: PublicKey;
  readonly variant: EncryptionVariant;
  /** DJN parameters when variant is `djn`. */
  readonly djn: DjnParams | undefined;
  readonly capacity: number;
  /** Terms ready now. */
  readonly size: number;
  /** How many times {@link NoncePool.take} found the pool empty and computed a term inline. */
  readonly misses: number;
  /** Computes up to `count` terms (default: until full); returns how many were added. */
  fill(count?: number): number;
  /** Adds terms computed elsewhere (e.g. by a worker); each must be in [1, n²). Extra terms beyond capacity are dropped. */
  supply(terms: readonly bigint[]): number;
  /** Removes and returns one term, computing a fresh one if the pool is empty. Each term is used once. */
  take(): bigint;
  /** Computes one fresh term without touching the pool. */
  compute(): bigint;
}

/** Fresh standard nonce term rⁿ mod n² (alias of paillier.randomNonce). */
export const standardNonce: (pk: PublicKey, rng?: Rng) => bigint = randomNonce;

/** Creates a nonce pool for pk. */
export function createNoncePool(pk: PublicKey, opts: NoncePoolOptions = {}): NoncePool {
  const n2 = assertPublicKey(pk);
  const variant = opts.variant ?? 'standard';
  if (variant !== 'standard' && variant !== 'djn') throw new RangeError(`unknown encryption variant '${String(variant)}'`);
  const capacity = opts.capacity ?? 64;
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`pool capacity must be a positive integer, got ${capacity}`);
  const prefill = opts.prefill ?? 0;
  if (!Number.isInteger(prefill) || prefill < 0) throw new RangeError(`pool prefill must be a non-negative integer, got ${prefill}`);
  const rng = opts.rng ?? secureRng();
  let djn: DjnParams | undefined;
  if (variant === 'djn') {
    djn = opts.djn ?? djnSetup(pk, rng);
    assertDjnParams(pk, djn);
  }
  const terms: bigint[] = [];
  let misses = 0;
  const compute = (): bigint => (djn ? djnNonce(djn, rng) : randomNonce(pk, rng));
  const pool: NoncePool = {
    publicKey: pk,
    variant,
    djn,
    capacity,
    get size() { return terms.length; },
    get misses() { return misses; },
    fill(count = capacity) {
      if (!Number.isInteger(count) || count < 0) throw new RangeError(`fill count must be a non-negative integer, got ${count}`);
      let added = 0;
      while (added < count && terms.length < capacity) { terms.push(compute()); added++; }
      return added;
    },
    supply(more) {
      let added = 0;
      for (const t of more) {
        assertBigint(t, 'nonce term');
        if (t <= 0n || t >= n2) throw new RangeError('nonce term must be in [1, n²)');
      }
      for (const t of more) {
        if (terms.length >= capacity) break;
        terms.push(t);
        added++;
      }
      return added;
    },
    take() {
      const t = terms.pop();
      if (t !== undefined) return t;
      misses++;
      return compute();
    },
    compute,
  };
  pool.fill(Math.min(prefill, capacity));
  return pool;
}

/** Online encryption: (1 + m·n)·term mod n² with a term taken from the pool (one multiplication when the pool is warm). */
export function encryptOnline(pk: PublicKey, m: bigint, pool: NoncePool): bigint {
  if (pool.publicKey.n !== pk.n) throw new RangeError('nonce pool belongs to another public key');
  assertPlaintext(pk, m); // before take(): a rejected message must not burn a term
  return encryptWithNonceTerm(pk, m, pool.take());
}
