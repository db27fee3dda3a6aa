/**
 * The crypto worker pool: Paillier batch operations spread over `navigator.hardwareConcurrency`
 * comlink workers (workers/crypto.worker.ts). Large vectors are split into contiguous chunks, one
 * task each, and reassembled in order; whichever worker is idle takes the next chunk.
 * Arguments are checked here for shape (so mistakes fail fast in the caller's stack) and again in the
 * worker (the real trust boundary).
 * @module
 */
import { proxy, type Remote } from 'comlink';
import type { KeyShare, PrivateKey, PublicKey, ThresholdPublicKey } from '../src/crypto/types';
import {
  MAX_NONCES,
  type BenchParams, type BenchRow, type CryptoWorkerApi, type DealParams, type DealProgress, type DealtKey,
  type PartialDecryptionVector, type WorkerVariant,
} from './crypto-api';
import { createWorkerPool, defaultPoolSize, MAX_POOL_SIZE } from './worker-pool';

/** Smallest chunk sent to a worker: below this, message overhead beats parallelism. */
export const MIN_CHUNK = 4;

/** Nonces per background task: bounds how long a normal call can wait behind one (≈ 8 modexps). */
export const IDLE_NONCE_CHUNK = 8;

/** Options of {@link createCryptoPool}. */
export interface CryptoPoolOptions {
  /** Number of workers; default {@link defaultPoolSize} (hardwareConcurrency clamped to [1, 8]). */
  readonly size?: number;
  /** Creates worker `index`; default the bundled crypto worker. For tests and custom builds. */
  readonly spawn?: (index: number) => Worker;
}

/** Paillier batch operations running in Web Workers. Every method rejects after {@link terminate}. */
export interface CryptoPool {
  /** Number of workers. */
  readonly size: number;
  /** True after {@link terminate} (or when the pool failed). */
  readonly terminated: boolean;
  /** Fresh key pair (g = n + 1) of `bits` bits, generated in a worker. */
  generateKeyPair(bits: number): Promise<PrivateKey>;
  /** Deals a threshold key in a worker; safe primes are slow, so progress is reported. */
  dealThresholdKey(params: DealParams, onProgress?: (p: DealProgress) => void): Promise<DealtKey>;
  /** Encrypts plaintexts in [0, n), in parallel chunks; precomputed nonces are used when available. */
  encryptVector(pk: PublicKey, values: readonly bigint[], variant?: WorkerVariant): Promise<bigint[]>;
  /** Element-wise homomorphic sum of equally long ciphertext vectors. */
  addMany(pk: PublicKey, vectors: readonly (readonly bigint[])[]): Promise<bigint[]>;
  /** E(a_i)^k (one constant) or E(a_i)^k_i (one per element). */
  mulConstVector(pk: PublicKey, cts: readonly bigint[], k: bigint | readonly bigint[]): Promise<bigint[]>;
  /** Element-wise E(Σ_j k_j·a_j). */
  linearCombine(pk: PublicKey, vectors: readonly (readonly bigint[])[], ks: readonly bigint[]): Promise<bigint[]>;
  /** CRT decryption of every ciphertext. */
  decryptVector(sk: PrivateKey, cts: readonly bigint[]): Promise<bigint[]>;
  /** One holder's partial decryptions of every ciphertext. */
  partialDecryptVector(share: KeyShare, cts: readonly bigint[]): Promise<PartialDecryptionVector>;
  /** Combines ≥ threshold holders' partial decryption vectors into the plaintexts. */
  combineVector(pk: ThresholdPublicKey, partials: readonly PartialDecryptionVector[]): Promise<bigint[]>;
  /**
   * Precomputes `count` nonces for (pk, variant), spread over all workers (for idle time); resolves
   * with the total the pool then holds.
   */
  precomputeNonces(pk: PublicKey, count: number, variant?: WorkerVariant): Promise<number>;
  /**
   * Keeps the pool's nonces for (pk, variant) topped up to `target` in the background: small chunks at
   * idle priority, so they never delay normal calls by more than one chunk. Resolves with the total
   * held once every worker reached its share of `target`; rejects if the pool is terminated first.
   */
  precomputeNoncesWhenIdle(pk: PublicKey, target: number, variant?: WorkerVariant): Promise<number>;
  /** Precomputed nonces the pool holds for (pk, variant). */
  noncesAvailable(pk: PublicKey, variant?: WorkerVariant): Promise<number>;
  /** Times Paillier operations in one worker (medians). */
  benchmark(params: BenchParams, variant?: WorkerVariant): Promise<BenchRow[]>;
  /** Terminates every worker; pending and later calls reject. Idempotent. */
  terminate(): void;
}

/** Half-open index ranges splitting `length` items into at most `parts` near-equal chunks of ≥ `minChunk`. */
export function chunkRanges(length: number, parts: number, minChunk = MIN_CHUNK): Array<[number, number]> {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`chunkRanges: length must be a non-negative integer, got ${length}`);
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError(`chunkRanges: parts must be a positive integer, got ${parts}`);
  if (!Number.isInteger(minChunk) || minChunk < 1) throw new RangeError(`chunkRanges: minChunk must be a positive integer, got ${minChunk}`);
  const count = Math.max(1, Math.min(parts, Math.floor(length / minChunk)));
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) {
    ranges.push([Math.floor((i * length) / count), Math.floor(((i + 1) * length) / count)]);
  }
  return ranges;
}

const checkArray = (where: string, v: unknown): void => {
  if (!Array.isArray(v)) throw new TypeError(`${where}: expected an array`);
};

const defaultSpawn = (): Worker => new Worker(new URL('./crypto.worker.ts', import.meta.url), { type: 'module' });

/**
 * Starts a crypto worker pool.
 * @example
 * const pool = createCryptoPool();
 * const sk = await pool.generateKeyPair(2048);
 * const cts = await pool.encryptVector(sk.publicKey, [1n, 2n, 3n], 'djn');
 * const sum = await pool.addMany(sk.publicKey, [cts, cts]);
 * await pool.decryptVector(sk, sum); // [2n, 4n, 6n]
 * pool.terminate();
 */
export function createCryptoPool(options: CryptoPoolOptions = {}): CryptoPool {
  const size = options.size ?? defaultPoolSize();
  if (!Number.isInteger(size) || size < 1 || size > MAX_POOL_SIZE) {
    throw new RangeError(`createCryptoPool: size must be an integer in [1, ${MAX_POOL_SIZE}], got ${String(size)}`);
  }
  const pool = createWorkerPool<CryptoWorkerApi>(options.spawn ?? defaultSpawn, size, 'crypto pool');

  /** Runs `op` on chunks [start, end) of a vector of `length` items and concatenates the results. */
  const chunked = async (
    length: number,
    op: (api: Remote<CryptoWorkerApi>, start: number, end: number) => Promise<bigint[]>,
  ): Promise<bigint[]> => {
    const parts = await Promise.all(chunkRanges(length, size).map(([s, e]) => pool.run((api) => op(api, s, e))));
    return parts.flat();
  };

  const sliceAll = (vectors: readonly (readonly bigint[])[], s: number, e: number): bigint[][] => vectors.map((v) => v.slice(s, e));

  return {
    size,
    get terminated() {
      return pool.terminated;
    },
    generateKeyPair: (bits) => pool.run((api) => api.generateKeyPair(bits)),
    dealThresholdKey: (params, onProgress) =>
      pool.run((api) => api.dealThresholdKey(params, onProgress ? proxy(onProgress) : undefined)),
    encryptVector: async (pk, values, variant = 'standard') => {
      checkArray('encryptVector: values', values);
      return chunked(values.length, (api, s, e) => api.encryptVector(pk, values.slice(s, e), variant));
    },
    addMany: async (pk, vectors) => {
      checkArray('addMany: vectors', vectors);
      const first = vectors[0];
      if (first === undefined) throw new RangeError('addMany: expected at least one vector');
      checkArray('addMany: vectors[0]', first);
      return chunked(first.length, (api, s, e) => api.addMany(pk, sliceAll(vectors, s, e)));
    },
    mulConstVector: async (pk, cts, k) => {
      checkArray('mulConstVector: cts', cts);
      if (Array.isArray(k) && k.length !== cts.length) {
        throw new RangeError(`mulConstVector: ${k.length} constants for ${cts.length} ciphertexts`);
      }
      return chunked(cts.length, (api, s, e) =>
        api.mulConstVector(pk, cts.slice(s, e), typeof k === 'bigint' ? k : (k as readonly bigint[]).slice(s, e)),
      );
    },
    linearCombine: async (pk, vectors, ks) => {
      checkArray('linearCombine: vectors', vectors);
      const first = vectors[0];
      if (first === undefined) throw new RangeError('linearCombine: expected at least one vector');
      checkArray('linearCombine: vectors[0]', first);
      return chunked(first.length, (api, s, e) => api.linearCombine(pk, sliceAll(vectors, s, e), ks.slice()));
    },
    decryptVector: async (sk, cts) => {
      checkArray('decryptVector: cts', cts);
      return chunked(cts.length, (api, s, e) => api.decryptVector(sk, cts.slice(s, e)));
    },
    partialDecryptVector: async (share, cts) => {
      checkArray('partialDecryptVector: cts', cts);
      const values = await chunked(cts.length, async (api, s, e) => (await api.partialDecryptVector(share, cts.slice(s, e))).values);
      return { index: share.index, values };
    },
    combineVector: async (pk, partials) => {
      checkArray('combineVector: partials', partials);
      const first = partials[0];
      if (first === undefined) throw new RangeError('combineVector: expected at least one partial decryption vector');
      checkArray('combineVector: partials[0].values', first.values);
      return chunked(first.values.length, (api, s, e) =>
        api.combineVector(pk, partials.map((p) => ({ index: p.index, values: p.values.slice(s, e) }))),
      );
    },
    precomputeNonces: async (pk, count, variant = 'standard') => {
      if (!Number.isInteger(count) || count < 0 || count > MAX_NONCES * size) {
        throw new RangeError(`precomputeNonces: count must be an integer in [0, ${MAX_NONCES * size}], got ${count}`);
      }
      const held = await pool.broadcast((api, i) =>
        api.precomputeNonces(pk, Math.floor(((i + 1) * count) / size) - Math.floor((i * count) / size), variant),
      );
      return held.reduce((a, b) => a + b, 0);
    },
    precomputeNoncesWhenIdle: async (pk, target, variant = 'standard') => {
      if (!Number.isInteger(target) || target < 0 || target > MAX_NONCES * size) {
        throw new RangeError(`precomputeNoncesWhenIdle: target must be an integer in [0, ${MAX_NONCES * size}], got ${target}`);
      }
      const perWorker = await Promise.all(
        Array.from({ length: size }, async (_, i) => {
          const share = Math.floor(((i + 1) * target) / size) - Math.floor((i * target) / size);
          const idle = { worker: i, idle: true };
          let held = await pool.run((api) => api.noncesAvailable(pk, variant), idle);
          while (held < share) {
            const count = Math.min(IDLE_NONCE_CHUNK, share - held);
            held = await pool.run((api) => api.precomputeNonces(pk, count, variant), idle);
          }
          return held;
        }),
      );
      return perWorker.reduce((a, b) => a + b, 0);
    },
    noncesAvailable: async (pk, variant = 'standard') =>
      (await pool.broadcast((api) => api.noncesAvailable(pk, variant))).reduce((a, b) => a + b, 0),
    benchmark: (params, variant = 'standard') => pool.run((api) => api.benchmark(params, variant)),
    terminate: () => pool.terminate(),
  };
}
