/**
 * The asynchronous crypto interface every protocol state machine uses. Browser tabs implement it over
 * a Web Worker pool (workers/); the simulator and tests use {@link inThreadBackend} below, over an
 * {@link AdditiveScheme} plus threshold operations. With `--key-bits 0` the same backend runs over the
 * plain scheme and identity partial decryption, so the protocol code path is identical.
 *
 * Ciphertexts are opaque bigints; vectors are plain arrays so they survive structured clone.
 * @module
 */
import type { AdditiveScheme, KeyShare, PartialDecryption, ThresholdPublicKey } from '../crypto/types';
import {
  paillierScheme, paillierThresholdDecryption, plainScheme, plainThresholdDecryption,
} from '../crypto/schemes';
import type { PaillierSchemeOptions } from '../crypto/schemes';

/** Asynchronous additively homomorphic vector operations plus threshold decryption. */
export interface CryptoBackend {
  /** e.g. `paillier-1024` or `plain`. */
  readonly name: string;
  /** Plaintexts live in [0, plaintextModulus); additions wrap modulo it. */
  readonly plaintextModulus: bigint;
  /** Exclusive upper bound of a valid ciphertext (n² for Paillier, n for the plain scheme). */
  readonly ciphertextModulus: bigint;
  /** Bytes one ciphertext takes on the wire (fixed width). */
  readonly ciphertextBytes: number;
  /** Encrypts every plaintext (each in [0, plaintextModulus)) with fresh randomness. */
  encryptVector(plaintexts: readonly bigint[]): Promise<bigint[]>;
  /** Element-wise E(a_i)·E(b_i) → E(a_i + b_i). Vectors must have equal lengths. */
  addVectors(a: readonly bigint[], b: readonly bigint[]): Promise<bigint[]>;
  /** Element-wise E(a_i)^k → E(k·a_i), k ∈ [0, plaintextModulus). */
  mulConstVector(c: readonly bigint[], k: bigint): Promise<bigint[]>;
  /** Element-wise E(a_i) → E(a_i · 2^exponent); exponent a non-negative integer. */
  scaleByPowerOfTwo(c: readonly bigint[], exponent: number): Promise<bigint[]>;
  /**
   * Push-sum merge of two states with power-of-two denominators: returns E(a·2^(e−ea) + b·2^(e−eb))
   * with e = max(ea, eb), i.e. the numerator of a/2^ea + b/2^eb over the common denominator 2^e.
   */
  mergeScaled(a: readonly bigint[], ea: number, b: readonly bigint[], eb: number): Promise<{ c: bigint[]; e: number }>;
  /** One holder's partial decryption of every ciphertext. */
  partialDecryptVector(share: KeyShare, c: readonly bigint[]): Promise<PartialDecryption[]>;
  /**
   * Combines ≥ threshold holders' partial decryptions (outer index: holder; inner: ciphertext) into
   * the plaintexts. Throws RangeError on too few or inconsistent partials.
   */
  combineVector(publicKey: ThresholdPublicKey, partials: readonly (readonly PartialDecryption[])[]): Promise<bigint[]>;
  /** Synchronous range check for received ciphertexts: 0 < c < ciphertextModulus (0 ≤ c for plain). */
  isValidCiphertext(c: bigint): boolean;
  /** Synchronous range check for received partial decryptions. */
  isValidPartial(value: bigint): boolean;
  /** Cumulative milliseconds spent in this backend's operations (for cost reports). */
  elapsedMs(): number;
  /**
   * Synchronous versions of the operations a participant calls, offered only by backends computing
   * in the calling thread (simulator): the state machine then runs each handler to completion without
   * a promise per operation. Same results, validation and time accounting as the async methods.
   * Decorators (worker pools, yielding or abortable wrappers) must not forward it; it is defined
   * non-enumerable ({@link withSyncOps}) so `{ ...backend, op: override }` drops it and stays async.
   */
  readonly sync?: SyncCryptoOps;
}

/** The synchronous subset of {@link CryptoBackend} used by the protocol state machine. */
export interface SyncCryptoOps {
  encryptVector(plaintexts: readonly bigint[]): bigint[];
  mergeScaled(a: readonly bigint[], ea: number, b: readonly bigint[], eb: number): { c: bigint[]; e: number };
  partialDecryptVector(share: KeyShare, c: readonly bigint[]): PartialDecryption[];
  combineVector(publicKey: ThresholdPublicKey, partials: readonly (readonly PartialDecryption[])[]): bigint[];
}

/**
 * Attaches `ops` as the non-enumerable {@link CryptoBackend.sync} of `backend` (an object spread of
 * the result, e.g. a test double overriding one method, does not inherit the synchronous bypass).
 */
export function withSyncOps(backend: CryptoBackend, ops: SyncCryptoOps): CryptoBackend {
  return Object.defineProperty(backend, 'sync', { value: ops, enumerable: false, writable: false, configurable: false });
}

/** Threshold decryption operations of one scheme, injected so this module stays free of key maths. */
export interface ThresholdOps {
  /** Partial decryption of one ciphertext by one holder. */
  partialDecrypt(share: KeyShare, c: bigint): PartialDecryption;
  /** Combines ≥ threshold partial decryptions of one ciphertext (one per distinct holder index). */
  combinePartials(publicKey: ThresholdPublicKey, partials: readonly PartialDecryption[]): bigint;
}

/** Options of {@link inThreadBackend}. */
export interface InThreadBackendOptions {
  scheme: AdditiveScheme;
  threshold: ThresholdOps;
  /** Exclusive upper bound of ciphertexts: n² for Paillier; the plaintext modulus for plain. */
  ciphertextModulus: bigint;
  /** Clock for {@link CryptoBackend.elapsedMs}; defaults to `performance.now`. */
  now?: () => number;
}

/**
 * A {@link CryptoBackend} computing in the calling thread (simulator, tests, Node bench). Every
 * method is synchronous underneath and returns an already-settled promise.
 */
export function inThreadBackend(opts: InThreadBackendOptions): CryptoBackend {
  const { scheme, threshold, ciphertextModulus } = opts;
  if (typeof ciphertextModulus !== 'bigint' || ciphertextModulus <= 1n) {
    throw new RangeError('inThreadBackend: ciphertextModulus must be a bigint > 1');
  }
  const now = opts.now ?? (() => performance.now());
  const n = scheme.plaintextModulus;
  const plain = ciphertextModulus === n;
  let elapsed = 0;
  const timedSync = <T>(fn: () => T): T => {
    const t0 = now();
    try {
      return fn();
    } finally {
      elapsed += now() - t0;
    }
  };
  const timed = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(timedSync(fn));
    } catch (err) {
      return Promise.reject(err);
    }
  };
  const checkPlain = (m: bigint, what: string): void => {
    if (typeof m !== 'bigint' || m < 0n || m >= n) throw new RangeError(`${what}: plaintext outside [0, n)`);
  };
  const sameLength = (a: readonly bigint[], b: readonly bigint[], what: string): void => {
    if (a.length !== b.length) throw new RangeError(`${what}: vector lengths differ (${a.length} vs ${b.length})`);
  };
  const scale = (c: readonly bigint[], exponent: number): bigint[] => {
    if (!Number.isInteger(exponent) || exponent < 0) {
      throw new RangeError(`scaleByPowerOfTwo: exponent must be a non-negative integer, got ${exponent}`);
    }
    if (exponent === 0) return c.slice();
    const k = (1n << BigInt(exponent)) % n;
    return c.map((x) => scheme.mulConst(x, k));
  };
  const encryptAll = (plaintexts: readonly bigint[]): bigint[] =>
    plaintexts.map((m) => {
      checkPlain(m, 'encryptVector');
      return scheme.encrypt(m);
    });
  const merge = (a: readonly bigint[], ea: number, b: readonly bigint[], eb: number): { c: bigint[]; e: number } => {
    sameLength(a, b, 'mergeScaled');
    const e = Math.max(ea, eb);
    const sa = scale(a, e - ea);
    const sb = scale(b, e - eb);
    return { c: sa.map((x, i) => scheme.add(x, sb[i]!)), e };
  };
  const partialAll = (share: KeyShare, c: readonly bigint[]): PartialDecryption[] => c.map((x) => threshold.partialDecrypt(share, x));
  const combineAll = (publicKey: ThresholdPublicKey, partials: readonly (readonly PartialDecryption[])[]): bigint[] => {
    const first = partials[0];
    if (!first) throw new RangeError('combineVector: no partial decryptions');
    const len = first.length;
    for (const p of partials) {
      if (p.length !== len) throw new RangeError('combineVector: holders sent vectors of different lengths');
    }
    const out: bigint[] = [];
    for (let i = 0; i < len; i++) out.push(threshold.combinePartials(publicKey, partials.map((p) => p[i]!)));
    return out;
  };
  return withSyncOps({
    name: scheme.name,
    plaintextModulus: n,
    ciphertextModulus,
    ciphertextBytes: scheme.ciphertextBytes,
    encryptVector: (plaintexts) => timed(() => encryptAll(plaintexts)),
    addVectors: (a, b) =>
      timed(() => {
        sameLength(a, b, 'addVectors');
        return a.map((x, i) => scheme.add(x, b[i]!));
      }),
    mulConstVector: (c, k) =>
      timed(() => {
        checkPlain(k, 'mulConstVector');
        return c.map((x) => scheme.mulConst(x, k));
      }),
    scaleByPowerOfTwo: (c, exponent) => timed(() => scale(c, exponent)),
    mergeScaled: (a, ea, b, eb) => timed(() => merge(a, ea, b, eb)),
    partialDecryptVector: (share, c) => timed(() => partialAll(share, c)),
    combineVector: (publicKey, partials) => timed(() => combineAll(publicKey, partials)),
    isValidCiphertext: (c) => typeof c === 'bigint' && (plain ? c >= 0n : c > 0n) && c < ciphertextModulus,
    isValidPartial: (v) => typeof v === 'bigint' && v >= 0n && v < ciphertextModulus,
    elapsedMs: () => elapsed,
  }, {
    encryptVector: (plaintexts) => timedSync(() => encryptAll(plaintexts)),
    mergeScaled: (a, ea, b, eb) => timedSync(() => merge(a, ea, b, eb)),
    partialDecryptVector: (share, c) => timedSync(() => partialAll(share, c)),
    combineVector: (publicKey, partials) => timedSync(() => combineAll(publicKey, partials)),
  });
}

/** {@link ThresholdOps} over a bound threshold facade of src/crypto (Paillier or plain). */
function opsOf(facade: (pk: ThresholdPublicKey) => { partialDecrypt(share: KeyShare, c: bigint): PartialDecryption; combine(p: readonly PartialDecryption[]): bigint }, pk: ThresholdPublicKey): ThresholdOps {
  const f = facade(pk);
  return {
    partialDecrypt: (share, c) => f.partialDecrypt(share, c),
    combinePartials: (key, partials) => {
      if (key.n !== pk.n) throw new RangeError('combinePartials: partials for another key');
      return f.combine(partials);
    },
  };
}

/**
 * In-thread backend with real threshold Paillier for the round key `pk` (ciphertexts mod n²).
 * @param opts encryption randomness options of src/crypto's paillierScheme (variant, pool, rng)
 */
export function paillierBackend(pk: ThresholdPublicKey, opts: PaillierSchemeOptions = {}): CryptoBackend {
  return inThreadBackend({
    scheme: paillierScheme(pk, opts),
    threshold: opsOf(paillierThresholdDecryption, pk),
    ciphertextModulus: pk.n * pk.n,
  });
}

/**
 * In-thread backend for `--key-bits 0`: the plain scheme of `pk.n`'s size (pk from
 * dealPlainThresholdKey), identity partial decryption, same packing and code path.
 */
export function plainBackend(pk: ThresholdPublicKey): CryptoBackend {
  const bits = pk.n.toString(2).length;
  const scheme = plainScheme(bits);
  if (scheme.plaintextModulus !== pk.n) throw new RangeError('plainBackend: pk.n is not the plain modulus of its size');
  return inThreadBackend({ scheme, threshold: opsOf(plainThresholdDecryption, pk), ciphertextModulus: pk.n });
}

/**
 * The plain scheme on one wide Mersenne modulus n = 2^bits − 1 (`--key-bits 0` at 10^5–10^6
 * participants): the whole packed state fits one "ciphertext", so a gossip merge is one shift and one
 * addition instead of dozens of 2048-bit operations. Same exact integer arithmetic (mod n) and the
 * same protocol code as {@link plainBackend}; not private.
 * @param bits modulus size (≥ 8), e.g. slotBits·slots + 2 from the round's packing layout
 */
export function widePlainBackend(bits: number): CryptoBackend {
  if (!Number.isInteger(bits) || bits < 8) throw new RangeError(`widePlainBackend: bits must be an integer ≥ 8, got ${bits}`);
  const m = BigInt(bits);
  const n = (1n << m) - 1n;
  const reduce = (x: bigint): bigint => {
    while (x > n) x = (x & n) + (x >> m); // 2^bits ≡ 1 (mod n)
    return x === n ? 0n : x;
  };
  const check = (c: bigint, what: string): void => {
    if (typeof c !== 'bigint' || c < 0n || c >= n) throw new RangeError(`${what} must be in [0, n)`);
  };
  const scheme: AdditiveScheme = {
    name: `plain-wide-${bits}`,
    plaintextModulus: n,
    ciphertextBytes: Math.ceil(bits / 8),
    encrypt(x) { check(x, 'plaintext'); return x; },
    add(a, b) { const s = a + b; return s >= n ? s - n : s; },
    mulConst(c, k) {
      check(k, 'constant k');
      // Powers of two (push-sum scaling) are a shift and a fold; anything else a plain product.
      if (k > 0n && (k & (k - 1n)) === 0n) return reduce(c << BigInt(k.toString(2).length - 1));
      return (c * k) % n;
    },
  };
  const ident: ThresholdOps = {
    partialDecrypt: (share, c) => ({ index: share.index, value: c }),
    combinePartials(pk, partials) {
      if (partials.length < pk.threshold) throw new RangeError(`combine: need ${pk.threshold} partial decryptions, got ${partials.length}`);
      const seen = new Set<number>();
      for (const p of partials) {
        if (seen.has(p.index)) throw new RangeError(`combine: duplicate holder index ${p.index}`);
        seen.add(p.index);
        if (p.value !== partials[0]!.value) throw new RangeError('combine: partial decryptions disagree');
      }
      return partials[0]!.value;
    },
  };
  const base = inThreadBackend({ scheme, threshold: ident, ciphertextModulus: n });
  let mergeMs = 0;
  // The simulator's hottest operation (C merges per participant-iteration): one shift of the side
  // with the smaller exponent and one fold of the sum, instead of a reduction per side and a modular
  // addition. Same residue mod n (2^bits ≡ 1), so the same slots after unpacking.
  const merge = (a: readonly bigint[], ea: number, b: readonly bigint[], eb: number): { c: bigint[]; e: number } => {
    const t0 = performance.now();
    try {
      if (a.length !== b.length) throw new RangeError(`mergeScaled: vector lengths differ (${a.length} vs ${b.length})`);
      for (const x of [ea, eb]) {
        if (!Number.isInteger(x) || x < 0) throw new RangeError(`scaleByPowerOfTwo: exponent must be a non-negative integer, got ${x}`);
      }
      const e = Math.max(ea, eb);
      const sa = BigInt(e - ea), sb = BigInt(e - eb);
      const c = new Array<bigint>(a.length);
      for (let i = 0; i < a.length; i++) {
        const x = a[i]!, y = b[i]!;
        if (sa === 0n && sb === 0n) {
          // Equal exponents: x + y < 2n needs one conditional subtraction, not a fold.
          const t = x + y;
          c[i] = t >= n ? t - n : t;
        } else {
          c[i] = reduce((sa === 0n ? x : x << sa) + (sb === 0n ? y : y << sb));
        }
      }
      return { c, e };
    } finally {
      mergeMs += performance.now() - t0;
    }
  };
  const syncOps = base.sync!;
  return withSyncOps({
    ...base,
    mergeScaled(a, ea, b, eb) {
      try {
        return Promise.resolve(merge(a, ea, b, eb));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    elapsedMs: () => base.elapsedMs() + mergeMs,
  }, { ...syncOps, mergeScaled: merge });
}
