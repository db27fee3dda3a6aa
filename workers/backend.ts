/**
 * The protocols' {@link CryptoBackend} for browser tabs: every operation runs in the crypto worker
 * pool, so a participant's main thread only schedules work and stays responsive.
 * @module
 */
import type { CryptoBackend } from '../src/protocol/crypto-backend';
import type { PartialDecryption, PublicKey } from '../src/crypto/types';
import type { WorkerVariant } from './crypto-api';
import type { CryptoPool } from './pool';

/** Options of {@link workerBackend}. */
export interface WorkerBackendOptions {
  /** Encryption randomness: `djn` (default: much faster) or `standard`. */
  readonly variant?: WorkerVariant;
  /** Clock for {@link CryptoBackend.elapsedMs}; defaults to `performance.now`. */
  readonly now?: () => number;
}

const checkExponent = (where: string, e: number): void => {
  if (!Number.isInteger(e) || e < 0 || e > 65536) {
    throw new RangeError(`${where}: exponent must be an integer in [0, 65536], got ${String(e)}`);
  }
};

/**
 * A {@link CryptoBackend} for `publicKey` backed by `pool`. `elapsedMs` counts wall time during which
 * at least one of its operations was in flight (overlapping calls are not double-counted).
 * The pool is shared, not owned: terminate it yourself.
 */
export function workerBackend(pool: CryptoPool, publicKey: PublicKey, options: WorkerBackendOptions = {}): CryptoBackend {
  const n = publicKey.n;
  if (typeof n !== 'bigint' || n <= 1n) throw new TypeError('workerBackend: publicKey.n must be a bigint > 1');
  const n2 = n * n;
  const variant = options.variant ?? 'djn';
  const now = options.now ?? (() => performance.now());
  let elapsed = 0;
  let active = 0;
  let since = 0;
  const timed = async <T>(op: () => Promise<T>): Promise<T> => {
    if (active++ === 0) since = now();
    try {
      return await op();
    } finally {
      if (--active === 0) elapsed += now() - since;
    }
  };
  const pow2 = (e: number): bigint => (1n << BigInt(e)) % n;
  const sameLength = (where: string, a: readonly bigint[], b: readonly bigint[]): void => {
    if (a.length !== b.length) throw new RangeError(`${where}: vector lengths differ (${a.length} vs ${b.length})`);
  };

  return {
    name: `paillier-${publicKey.bits}`,
    plaintextModulus: n,
    ciphertextModulus: n2,
    // 2·bytes(n), as src/crypto/serialize.ts ciphertextBytes (not imported: keeps crypto out of the main bundle).
    ciphertextBytes: 2 * Math.ceil(publicKey.bits / 8),
    encryptVector: (plaintexts) => timed(() => pool.encryptVector(publicKey, plaintexts, variant)),
    addVectors: (a, b) =>
      timed(async () => {
        sameLength('addVectors', a, b);
        return pool.addMany(publicKey, [a, b]);
      }),
    mulConstVector: (c, k) => timed(() => pool.mulConstVector(publicKey, c, k)),
    scaleByPowerOfTwo: (c, exponent) =>
      timed(async () => {
        checkExponent('scaleByPowerOfTwo', exponent);
        return exponent === 0 ? c.slice() : pool.mulConstVector(publicKey, c, pow2(exponent));
      }),
    mergeScaled: (a, ea, b, eb) =>
      timed(async () => {
        sameLength('mergeScaled', a, b);
        checkExponent('mergeScaled', ea);
        checkExponent('mergeScaled', eb);
        const e = Math.max(ea, eb);
        return { c: await pool.linearCombine(publicKey, [a, b], [pow2(e - ea), pow2(e - eb)]), e };
      }),
    partialDecryptVector: (share, c) =>
      timed(async () => {
        const { index, values } = await pool.partialDecryptVector(share, c);
        return values.map((value): PartialDecryption => ({ index, value }));
      }),
    combineVector: (pk, partials) =>
      timed(async () => {
        if (partials.length > 0 && partials.every((holder) => holder.length === 0)) return [];
        const vectors = partials.map((holder, h) => {
          const index = holder[0]?.index;
          if (index === undefined) throw new RangeError(`combineVector: holder ${h} sent an empty vector`);
          for (const p of holder) {
            if (p.index !== index) throw new RangeError(`combineVector: holder ${h} mixes indices ${index} and ${p.index}`);
          }
          return { index, values: holder.map((p) => p.value) };
        });
        return pool.combineVector(pk, vectors);
      }),
    isValidCiphertext: (c) => typeof c === 'bigint' && c > 0n && c < n2,
    isValidPartial: (v) => typeof v === 'bigint' && v > 0n && v < n2,
    elapsedMs: () => elapsed + (active > 0 ? now() - since : 0),
  };
}
