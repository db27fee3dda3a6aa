/**
 * The plain-data contract between the main thread and a crypto worker: the object each worker exposes
 * through comlink. Arguments and results are bigints, numbers, strings and arrays/objects of them, so
 * they survive structured clone unchanged; keys travel as the plain shapes of src/crypto/types.ts.
 * Every method validates its arguments (the caller is another thread) and is synchronous underneath,
 * except {@link CryptoWorkerApi.dealThresholdKey} which reports progress through a comlink proxy.
 * @module
 */
import type { KeyShare, PrivateKey, PublicKey, ThresholdPublicKey } from '../src/crypto/types';

/** How encryption randomness is produced: a full rⁿ (standard) or DJN's short-exponent hˢ^α. */
export type WorkerVariant = 'standard' | 'djn';

/** Every {@link WorkerVariant}, for validation. */
export const WORKER_VARIANTS: readonly WorkerVariant[] = ['standard', 'djn'];

/** Most precomputed nonces one worker keeps per (key, variant): 64 Ki × 512 B = 32 MiB at 2048 bits. */
export const MAX_NONCES = 1 << 16;

/** One holder's partial decryptions of a vector of ciphertexts. */
export interface PartialDecryptionVector {
  /** Holder index, 1..holders. */
  readonly index: number;
  /** c_i^(2·Δ·s) mod n² for every ciphertext c_i, in order. */
  readonly values: bigint[];
}

/** A dealt threshold key as plain data: the public key and one share per holder. */
export interface DealtKey {
  readonly publicKey: ThresholdPublicKey;
  readonly shares: KeyShare[];
}

/** Progress of a threshold key dealing (safe-prime search dominates). */
export interface DealProgress {
  /** What is running: `safe prime p`, `safe prime q`, then `done`. */
  readonly phase: 'safe prime p' | 'safe prime q' | 'done';
  /** Candidates that survived the sieve and were tested so far in this phase (0 when not applicable). */
  readonly tested: number;
}

/** Parameters of a dealing. */
export interface DealParams {
  readonly bits: number;
  readonly holders: number;
  readonly threshold: number;
}

/** Paillier operation names of the benchmark (BRIEF §7) plus `thresholdKeygen`. */
export type BenchOp =
  | 'keygen' | 'thresholdKeygen' | 'encrypt' | 'encryptOnline' | 'decrypt' | 'add' | 'mulConst'
  | 'partialDecrypt' | 'combine';

/** Every {@link BenchOp}, in report order. */
export const BENCH_OPS: readonly BenchOp[] = [
  'keygen', 'thresholdKeygen', 'encrypt', 'encryptOnline', 'decrypt', 'add', 'mulConst', 'partialDecrypt', 'combine',
];

/** What to measure in {@link CryptoWorkerApi.benchmark}. */
export interface BenchParams {
  readonly bits: number;
  /** Operations to time; others are skipped. */
  readonly ops: readonly BenchOp[];
  /** Repetitions of each cheap operation (the median is reported); key generations use fewer. */
  readonly reps: number;
  /** Repetitions of key generations (slow): 1..reps. */
  readonly keygenReps: number;
}

/** One benchmark result row (BRIEF §7 `paillier` rows). */
export interface BenchRow {
  /** e.g. `bigint-worker`, `bigint-djn-worker`. */
  readonly backend: string;
  readonly bits: number;
  readonly op: BenchOp;
  /** Median milliseconds per operation. */
  readonly msPerOp: number;
}

/** The object a crypto worker exposes. Vector methods apply the operation element-wise. */
export interface CryptoWorkerApi {
  /** Fresh Paillier key pair (g = n + 1) with `bits`-bit n. */
  generateKeyPair(bits: number): PrivateKey;
  /** Deals a threshold key (safe primes); `onProgress` is a comlink proxy or undefined. */
  dealThresholdKey(params: DealParams, onProgress?: (p: DealProgress) => void): Promise<DealtKey>;
  /** Encrypts plaintexts in [0, n); uses this worker's precomputed nonces first, then fresh ones. */
  encryptVector(pk: PublicKey, values: bigint[], variant: WorkerVariant): bigint[];
  /** Element-wise product of equally long ciphertext vectors: E(Σ_j a_j[i]). */
  addMany(pk: PublicKey, vectors: bigint[][]): bigint[];
  /** E(a_i)^k_i: `k` one constant for all, or one per element; constants in [0, n). */
  mulConstVector(pk: PublicKey, cts: bigint[], k: bigint | bigint[]): bigint[];
  /** Π_j a_j[i]^k_j = E(Σ_j k_j·a_j[i]): linear combination of vectors with constants in [0, n). */
  linearCombine(pk: PublicKey, vectors: bigint[][], ks: bigint[]): bigint[];
  /** CRT decryption of every ciphertext. */
  decryptVector(sk: PrivateKey, cts: bigint[]): bigint[];
  /** One holder's partial decryption of every ciphertext. */
  partialDecryptVector(share: KeyShare, cts: bigint[]): PartialDecryptionVector;
  /** Combines ≥ threshold holders' partial decryption vectors into plaintexts. */
  combineVector(pk: ThresholdPublicKey, partials: PartialDecryptionVector[]): bigint[];
  /** Adds `count` precomputed nonces for (pk, variant) to this worker's pool; returns how many it holds. */
  precomputeNonces(pk: PublicKey, count: number, variant: WorkerVariant): number;
  /** Precomputed nonces this worker holds for (pk, variant). */
  noncesAvailable(pk: PublicKey, variant: WorkerVariant): number;
  /** Times Paillier operations in this worker for one variant (medians). */
  benchmark(params: BenchParams, variant: WorkerVariant): BenchRow[];
}
