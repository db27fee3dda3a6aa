/**
 * Fixed test keys and a deliberately naive reference implementation of Paillier (textbook formulas,
 * binary exponentiation, no CRT, no shortcuts) to check the optimised code against.
 */

/** 128-bit safe primes (verified independently with Python's pow-based Miller–Rabin). */
export const SAFE_128 = [0xf6007b2157dd2d649540ec94becbf12bn, 0xdc00d5e477bcedf26fa51208d32240efn] as const;
/** 256-bit safe primes. */
export const SAFE_256 = [
  0xc34d6a76af9e5ed1e16d8144f7b139b27cf2e51cf9daab987852049e6a1ddd17n,
  0xc8a01a6b75a1d00119bb27198944e5eeac3eb8feb8b686da14ab65156580d3fbn,
] as const;
/** Two 256-bit primes giving a 512-bit Paillier modulus. */
export const P256 = 0xe5506518b74c1eb8a9ae5e042728f1e5666d4ffed57f584016c91aea80ae352bn;
export const Q256 = 0xdf270dcb84a3bf2a8f446a50835f621523b15119b2c4fcdbd38b9b049f162a99n;

/** Binary right-to-left modular exponentiation. */
export function refPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r % m;
}

/** Inverse by the extended Euclidean algorithm (recursive, textbook). */
export function refInv(a: bigint, m: bigint): bigint {
  const eg = (x: bigint, y: bigint): [bigint, bigint, bigint] => {
    if (y === 0n) return [x, 1n, 0n];
    const [g, s, t] = eg(y, x % y);
    return [g, t, s - (x / y) * t];
  };
  const [g, s] = eg(((a % m) + m) % m, m);
  if (g !== 1n) throw new Error('not invertible');
  return ((s % m) + m) % m;
}

/** c = g^m · r^n mod n² with g = n + 1, computed with a full exponentiation of g. */
export function refEncrypt(n: bigint, m: bigint, r: bigint): bigint {
  const n2 = n * n;
  return (refPow(n + 1n, m, n2) * refPow(r, n, n2)) % n2;
}

/** m = L(c^λ mod n²)·μ mod n, λ = lcm(p − 1, q − 1), μ = L(g^λ mod n²)⁻¹ (Paillier 1999, no CRT). */
export function refDecrypt(p: bigint, q: bigint, c: bigint): bigint {
  const n = p * q, n2 = n * n;
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
  const L = (x: bigint): bigint => (x - 1n) / n;
  const mu = refInv(L(refPow(n + 1n, lambda, n2)), n);
  return (L(refPow(c, lambda, n2)) * mu) % n;
}
