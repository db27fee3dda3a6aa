/**
 * Probable-prime testing and random prime generation from an injectable {@link Rng}, synchronous so
 * it runs inside Web Workers (paillier-bigint's async key generation does not).
 * @module
 */
import type { Rng } from '../core/rng';
import { randomBelow } from '../core/rng';
import { modPow } from './modmath';

/** Odd primes below 2^12, for trial division. */
export const SMALL_PRIMES: readonly number[] = ((): number[] => {
  const limit = 4096;
  const composite = new Uint8Array(limit);
  const out: number[] = [];
  for (let i = 3; i < limit; i += 2) {
    if (composite[i]) continue;
    out.push(i);
    for (let j = i * i; j < limit; j += 2 * i) composite[j] = 1;
  }
  return out;
})();

/** Miller–Rabin round with witness a for odd n > 3, n − 1 = d·2^s. */
function millerRabinRound(n: bigint, d: bigint, s: number, a: bigint): boolean {
  let x = modPow(a, d, n);
  if (x === 1n || x === n - 1n) return true;
  for (let i = 1; i < s; i++) {
    x = (x * x) % n;
    if (x === n - 1n) return true;
    if (x === 1n) return false;
  }
  return false;
}

/**
 * Probable-prime test: trial division, a base-2 strong test, then `rounds` Miller–Rabin rounds with
 * random witnesses (error ≤ 4^−rounds for adversarial inputs, far less for random candidates).
 */
export function isProbablePrime(n: bigint, rounds = 24, rng?: Rng): boolean {
  if (typeof n !== 'bigint') throw new TypeError('isProbablePrime: n must be a bigint');
  if (n < 2n) return false;
  if (n < 4n) return true;
  if ((n & 1n) === 0n) return false;
  for (const p of SMALL_PRIMES) {
    const bp = BigInt(p);
    if (n === bp) return true;
    if (n % bp === 0n) return false;
  }
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) { d >>= 1n; s++; }
  if (!millerRabinRound(n, d, s, 2n)) return false;
  for (let i = 0; i < rounds; i++) {
    // Witnesses in [2, n − 2]; a fixed sequence when no rng is given keeps the test deterministic.
    const a = rng ? 2n + randomBelow(rng, n - 3n) : (BigInt(SMALL_PRIMES[i % SMALL_PRIMES.length]!) % (n - 3n)) + 2n;
    if (!millerRabinRound(n, d, s, a)) return false;
  }
  return true;
}

/**
 * Random prime of exactly `bits` bits whose two top bits are set, so a product of two such primes has
 * exactly 2·bits bits. Candidates are sieved by an incremental residue table before any modexp.
 */
export function randomPrime(bits: number, rng: Rng, rounds = 24): bigint {
  if (!Number.isInteger(bits) || bits < 16) throw new RangeError(`randomPrime: bits must be an integer ≥ 16, got ${bits}`);
  const top = 3n << BigInt(bits - 2);
  for (;;) {
    let base = randomBelow(rng, 1n << BigInt(bits)) | top | 1n;
    const residues = SMALL_PRIMES.map((p) => Number(base % BigInt(p)));
    // Scan base, base+2, ... over a short range; restart with a fresh base if none survives.
    for (let delta = 0; delta < 1 << 14; delta += 2) {
      let ok = true;
      for (let i = 0; i < SMALL_PRIMES.length; i++) {
        if ((residues[i]! + delta) % SMALL_PRIMES[i]! === 0) { ok = false; break; }
      }
      if (!ok) continue;
      const candidate = base + BigInt(delta);
      if (candidate >> BigInt(bits) !== 0n) break;
      if (isProbablePrime(candidate, rounds, rng)) return candidate;
    }
    base = 0n;
  }
}
