/**
 * The crypto worker pool: Paillier batch operations spread over `navigator.hardwareConcurrency`
 * comlink workers (workers/crypto.worker.ts). Large vectors are split into contiguous chunks, one
 * task each, and reassembled in order; whichever worker is idle takes the next chunk. Chunks are
 * sized to last about {@link TARGET_CHUNK_MS} (costs are learnt per operation, see ./chunk-sizer.ts).
 * A call that is not trivially cheap first takes one of the device's crypto slots (./admission.ts:
 * Web Locks shared by all same-origin tabs) and runs its chunks while holding it, so many tabs on one
 * device keep a core free for their main threads and calls finish in the order they asked.
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
import { createAdmission, UNGATED, type Admission, type Release } from './admission';
import { createChunkSizer, TARGET_CHUNK_MS, type ChunkSizer } from './chunk-sizer';

export { TARGET_CHUNK_MS };

/** Smallest chunk sent to a worker: below this, message overhead beats parallelism. */
export const MIN_CHUNK = 4;

/** Nonces per background task: bounds how long a normal call can wait behind one (≈ 8 modexps). */
export const IDLE_NONCE_CHUNK = 8;

/**
 * Elements of the first chunk of an operation whose cost is not known yet: it runs alone and measures
 * the cost, so that even the first call of an expensive operation (a threshold partial decryption:
 * ≈ 21 ms per 1024-bit ciphertext) is split into short chunks.
 */
export const PROBE_CHUNK = 1;

/** Vectors shorter than this are split without a probe even when their cost is unknown. */
export const PROBE_MIN_LENGTH = 4;

/**
 * How long one call keeps its device slot across its chunks before it queues again behind the other
 * calls. Long enough that a whole threshold partial decryption (≈ 0.3 s at 1024 bits) runs in one
 * go: handing slots round-robin per chunk would make every key holder finish last, and an iteration
 * needs only the first t of ℓ partial decryptions.
 */
export const HOLD_QUANTUM_MS = 1000;

/**
 * Chunks whose least measured cost is below this many ms skip the device admission: the gate's own
 * latency (a lock round trip, and the wait behind other tabs' chunks) would cost more than the work
 * loads a core. E.g. a gossip merge of 15 packed 1024-bit ciphertexts (≈ 2 ms) runs at once, while
 * encryptions and partial decryptions (≈ 0.8 and 21 ms per ciphertext) are admitted.
 */
export const UNGATED_BELOW_MS = 5;

/** Options of {@link createCryptoPool}. */
export interface CryptoPoolOptions {
  /** Number of workers; default {@link defaultPoolSize} (hardwareConcurrency clamped to [1, 8]). */
  readonly size?: number;
  /** Creates worker `index`; default the bundled crypto worker. For tests and custom builds. */
  readonly spawn?: (index: number) => Worker;
  /**
   * Device-level admission of crypto chunks; default {@link createAdmission}() (Web Locks over
   * max(1, hardwareConcurrency − 1) slots, ungated where Web Locks are missing). `null`: ungated.
   */
  readonly admission?: Admission | null;
  /** Duration one chunk should last, ms; default {@link TARGET_CHUNK_MS}. */
  readonly targetChunkMs?: number;
  /** Clock for chunk timing; default `performance.now`. */
  readonly now?: () => number;
  /** Learns the cost of each operation; default a new {@link createChunkSizer}(`targetChunkMs`). For tests. */
  readonly chunkSizer?: ChunkSizer;
}

/** What a pool's crypto cost it in chunks and waits (see {@link CryptoPool.stats}). */
export interface CryptoPoolStats {
  /** Chunks sent to workers by vector operations. */
  readonly chunks: number;
  /** Device slots taken (by vector calls and by whole calls such as key generation). */
  readonly holds: number;
  /** Milliseconds spent waiting for a device slot, summed over calls. */
  readonly waitMs: number;
}

/** Paillier batch operations running in Web Workers. Every method rejects after {@link terminate}. */
export interface CryptoPool {
  /** Number of workers. */
  readonly size: number;
  /** Concurrent crypto slots of the device this pool's chunks compete for (0: ungated). */
  readonly slots: number;
  /** True after {@link terminate} (or when the pool failed). */
  readonly terminated: boolean;
  /** Chunks, device slots taken and time waited for them since the pool started. */
  stats(): CryptoPoolStats;
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

/** Bit length of a key's n (or of a constant) for cost keys; 0 when it is not a positive bigint (the worker rejects it). */
const bitsOf = (key: { n?: unknown } | undefined | null): number =>
  typeof key?.n === 'bigint' && key.n > 0n ? key.n.toString(2).length : 0;

/**
 * Cost class of multiplication constants: exponents up to 64 bits (push-sum scalings by 2^e) cost a
 * few modular multiplications, full-size ones a whole modexp. One class, not every bit length, so a
 * gossip merge by 2^3 and one by 2^5 share what was learnt about their cost.
 */
const constClass = (ks: readonly bigint[]): string => (ks.every((k) => typeof k === 'bigint' && k >= 0n && k < 1n << 64n) ? 'small' : 'full');

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
  const gate = options.admission === undefined ? createAdmission() : options.admission ?? UNGATED;
  const sizer = options.chunkSizer ?? createChunkSizer(options.targetChunkMs ?? TARGET_CHUNK_MS);
  const now = options.now ?? (() => performance.now());
  const counts = { chunks: 0, holds: 0, waitMs: 0 };
  /** The device admission, counted. */
  const admission: Admission = {
    slots: gate.slots,
    acquire: async () => {
      const t0 = now();
      const release = await gate.acquire();
      if (gate.slots > 0) { counts.waitMs += now() - t0; counts.holds++; }
      return release;
    },
    tryAcquire: async () => {
      const release = await gate.tryAcquire();
      if (release) counts.holds++;
      return release;
    },
    run: async (work) => {
      const release = await admission.acquire();
      try { return await work(); } finally { await release(); }
    },
  };
  const pool = createWorkerPool<CryptoWorkerApi>(options.spawn ?? defaultSpawn, size, 'crypto pool');

  /** Runs a whole call in a worker, admitted to a device slot (for calls that cannot be chunked). */
  const admitted = <R>(task: (api: Remote<CryptoWorkerApi>) => Promise<R>): Promise<R> =>
    pool.run((api) => admission.run(() => task(api)));

  /**
   * Runs `op` on chunks [start, end) of a vector of `length` items and concatenates the results.
   * `cost` names the operation for the chunk sizer (same cost key = same cost per element).
   * Gated: the call waits for one device slot and runs its chunks while holding it (FIFO across the
   * device: the calls queued first finish first), plus any slot that is free right now for parallel
   * chunks; after {@link HOLD_QUANTUM_MS} it gives its slots back and queues again.
   */
  const chunked = async (
    cost: string,
    length: number,
    op: (api: Remote<CryptoWorkerApi>, start: number, end: number) => Promise<bigint[]>,
  ): Promise<bigint[]> => {
    const runChunk = (s: number, e: number): Promise<bigint[]> =>
      pool.run(async (api) => {
        counts.chunks++;
        const t0 = now();
        const out = await op(api, s, e);
        sizer.record(cost, e - s, now() - t0);
        return out;
      });
    const probe = sizer.msPerItem(cost) === undefined && length >= PROBE_MIN_LENGTH;
    /** Chunks of [from, length) sized by the current cost estimate, at least one per worker. */
    const plan = (from: number): Array<[number, number]> => {
      const rest = length - from;
      const count = Math.max(size, Math.ceil(rest / sizer.limit(cost)));
      return chunkRanges(rest, count, count > size ? 1 : MIN_CHUNK).map(([s, e]): [number, number] => [from + s, from + e]);
    };
    const per = sizer.minMsPerItem(cost);
    const cheap = !probe && per !== undefined && per * Math.max(...plan(0).map(([s, e]) => e - s)) < UNGATED_BELOW_MS;
    if (admission.slots === 0 || cheap) {
      const head = probe ? [await runChunk(0, PROBE_CHUNK)] : [];
      const rest = await Promise.all(plan(probe ? PROBE_CHUNK : 0).map(([s, e]) => runChunk(s, e)));
      return [...head, ...rest].flat();
    }
    const results: bigint[][] = [];
    let primary: Release | null = await admission.acquire();
    const since = now();
    try {
      if (probe) results.push(await runChunk(0, PROBE_CHUNK));
      const ranges = plan(probe ? PROBE_CHUNK : 0);
      const offset = results.length;
      let next = 0;
      /** Runs chunks while holding `slot`; the primary lane queues again after a quantum, the others stop. */
      const lane = async (slot: Release | null, isPrimary: boolean): Promise<void> => {
        let held = slot;
        let t = isPrimary ? since : now();
        try {
          while (next < ranges.length) {
            if (!held) { held = await admission.acquire(); t = now(); }
            const k = next++;
            const [s, e] = ranges[k]!;
            results[offset + k] = await runChunk(s, e);
            if (next < ranges.length && now() - t >= HOLD_QUANTUM_MS) {
              const release = held;
              held = null;
              await release();
              if (!isPrimary) return;
            }
          }
        } finally {
          await held?.();
        }
      };
      const lanes: Array<Promise<void>> = [];
      for (let i = 1; i < Math.min(size, ranges.length); i++) {
        const extra = await admission.tryAcquire();
        if (!extra) break;
        lanes.push(lane(extra, false));
      }
      const mine = primary;
      primary = null; // the primary lane owns it now
      lanes.push(lane(mine, true));
      await Promise.all(lanes);
      return results.flat();
    } finally {
      await primary?.();
    }
  };

  const sliceAll = (vectors: readonly (readonly bigint[])[], s: number, e: number): bigint[][] => vectors.map((v) => v.slice(s, e));

  return {
    size,
    slots: admission.slots,
    get terminated() {
      return pool.terminated;
    },
    stats: () => ({ ...counts }),
    generateKeyPair: (bits) => admitted((api) => api.generateKeyPair(bits)),
    dealThresholdKey: (params, onProgress) =>
      admitted((api) => api.dealThresholdKey(params, onProgress ? proxy(onProgress) : undefined)),
    encryptVector: async (pk, values, variant = 'standard') => {
      checkArray('encryptVector: values', values);
      return chunked(`encrypt/${bitsOf(pk)}/${variant}`, values.length, (api, s, e) => api.encryptVector(pk, values.slice(s, e), variant));
    },
    addMany: async (pk, vectors) => {
      checkArray('addMany: vectors', vectors);
      const first = vectors[0];
      if (first === undefined) throw new RangeError('addMany: expected at least one vector');
      checkArray('addMany: vectors[0]', first);
      return chunked(`add/${bitsOf(pk)}/${vectors.length}`, first.length, (api, s, e) => api.addMany(pk, sliceAll(vectors, s, e)));
    },
    mulConstVector: async (pk, cts, k) => {
      checkArray('mulConstVector: cts', cts);
      if (Array.isArray(k) && k.length !== cts.length) {
        throw new RangeError(`mulConstVector: ${k.length} constants for ${cts.length} ciphertexts`);
      }
      return chunked(`mulConst/${bitsOf(pk)}/${constClass(typeof k === 'bigint' ? [k] : k)}`, cts.length, (api, s, e) =>
        api.mulConstVector(pk, cts.slice(s, e), typeof k === 'bigint' ? k : (k as readonly bigint[]).slice(s, e)),
      );
    },
    linearCombine: async (pk, vectors, ks) => {
      checkArray('linearCombine: vectors', vectors);
      const first = vectors[0];
      if (first === undefined) throw new RangeError('linearCombine: expected at least one vector');
      checkArray('linearCombine: vectors[0]', first);
      return chunked(`linearCombine/${bitsOf(pk)}/${vectors.length}/${constClass(ks)}`, first.length, (api, s, e) =>
        api.linearCombine(pk, sliceAll(vectors, s, e), ks.slice()),
      );
    },
    decryptVector: async (sk, cts) => {
      checkArray('decryptVector: cts', cts);
      return chunked(`decrypt/${bitsOf(sk?.publicKey)}`, cts.length, (api, s, e) => api.decryptVector(sk, cts.slice(s, e)));
    },
    partialDecryptVector: async (share, cts) => {
      checkArray('partialDecryptVector: cts', cts);
      const values = await chunked(`partialDecrypt/${bitsOf(share?.publicKey)}`, cts.length, async (api, s, e) =>
        (await api.partialDecryptVector(share, cts.slice(s, e))).values,
      );
      return { index: share.index, values };
    },
    combineVector: async (pk, partials) => {
      checkArray('combineVector: partials', partials);
      const first = partials[0];
      if (first === undefined) throw new RangeError('combineVector: expected at least one partial decryption vector');
      checkArray('combineVector: partials[0].values', first.values);
      return chunked(`combine/${bitsOf(pk)}/${partials.length}`, first.values.length, (api, s, e) =>
        api.combineVector(pk, partials.map((p) => ({ index: p.index, values: p.values.slice(s, e) }))),
      );
    },
    precomputeNonces: async (pk, count, variant = 'standard') => {
      if (!Number.isInteger(count) || count < 0 || count > MAX_NONCES * size) {
        throw new RangeError(`precomputeNonces: count must be an integer in [0, ${MAX_NONCES * size}], got ${count}`);
      }
      const held = await pool.broadcast((api, i) =>
        admission.run(() => api.precomputeNonces(pk, Math.floor(((i + 1) * count) / size) - Math.floor((i * count) / size), variant)),
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
            held = await pool.run((api) => admission.run(() => api.precomputeNonces(pk, count, variant)), idle);
          }
          return held;
        }),
      );
      return perWorker.reduce((a, b) => a + b, 0);
    },
    noncesAvailable: async (pk, variant = 'standard') =>
      (await pool.broadcast((api) => api.noncesAvailable(pk, variant))).reduce((a, b) => a + b, 0),
    benchmark: (params, variant = 'standard') => admitted((api) => api.benchmark(params, variant)),
    terminate: () => pool.terminate(),
  };
}
