/**
 * Start-page self-test: proves on this device that the worker pool can generate a key, encrypt,
 * add homomorphically and decrypt. The start page shows the result (contract with the e2e test: an
 * element `data-testid="crypto-selftest"` whose `data-status` becomes `ok` and whose text contains
 * the decrypted sum).
 * @module
 */
import { secureRng } from '../src/core/rng';
import type { CryptoPool } from './pool';

/** Outcome of {@link runCryptoSelfTest}. */
export interface CryptoSelfTestResult {
  /** True when the decrypted homomorphic sum equals the plain sum. */
  readonly ok: boolean;
  /** Key size used. */
  readonly bits: number;
  /** The plaintexts that were encrypted. */
  readonly values: bigint[];
  /** Their sum, computed in the clear. */
  readonly sum: bigint;
  /** Decryption of the product of the ciphertexts (undefined if a step threw). */
  readonly decrypted: bigint | undefined;
  /** Wall-clock milliseconds for keygen + encrypt + add + decrypt. */
  readonly ms: number;
  /** Error message when a step threw. */
  readonly error?: string;
}

/**
 * Generates a `bits`-bit key in the pool, encrypts `count` random values below 1000, multiplies the
 * ciphertexts (adds the plaintexts) and decrypts. Never throws for a crypto failure: it is reported
 * in the result (`ok: false`, `error`), so a page can display it.
 * @param pool a live crypto pool
 * @param bits key size, default 512 (fast enough for a start page on a phone)
 * @param count number of values, default 4
 */
export async function runCryptoSelfTest(pool: CryptoPool, bits = 512, count = 4): Promise<CryptoSelfTestResult> {
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw new RangeError(`runCryptoSelfTest: count must be an integer in [1, 1000], got ${count}`);
  }
  const rng = secureRng();
  const values = Array.from({ length: count }, () => BigInt(rng.nextUint32() % 1000));
  const sum = values.reduce((a, b) => a + b, 0n);
  const t0 = performance.now();
  try {
    const sk = await pool.generateKeyPair(bits);
    const cts = await pool.encryptVector(sk.publicKey, values);
    const [total] = await pool.addMany(sk.publicKey, cts.map((c) => [c]));
    const [decrypted] = await pool.decryptVector(sk, [total!]);
    return { ok: decrypted === sum, bits, values, sum, decrypted, ms: performance.now() - t0 };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, bits, values, sum, decrypted: undefined, ms: performance.now() - t0, error: message };
  }
}
