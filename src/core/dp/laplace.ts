/**
 * The Laplace distribution: a direct sampler (for tests, simulations and single-party noise) and
 * its CDF. Shared noise between many contributors uses `noiseShare` (noise-shares.ts) instead.
 * @module
 */
import type { Rng } from '../rng';

function checkScale(fn: string, b: number): void {
  if (!(b > 0) || !Number.isFinite(b)) throw new RangeError(`${fn}: scale b must be a positive finite number, got ${b}`);
}

/** An Exp(1) variate: −ln(1 − U) with U ∈ [0, 1), computed with log1p so small U keep full precision. */
export function sampleExp1(rng: Rng): number {
  return -Math.log1p(-rng.nextFloat());
}

/**
 * A Laplace(0, b) variate (density e^(−|x|/b) / 2b, variance 2b²), as the difference of two
 * independent Exp(b) variates. Floating-point Laplace noise is subject to Mironov's (2012)
 * least-significant-bit attack; our released values are fixed-point encoded sums of many shares,
 * which is documented as a known limitation rather than fixed with a snapping mechanism.
 */
export function sampleLaplace(rng: Rng, b: number): number {
  checkScale('sampleLaplace', b);
  return b * (sampleExp1(rng) - sampleExp1(rng));
}

/** P(X ≤ x) for X ~ Laplace(0, b). */
export function laplaceCdf(x: number, b: number): number {
  checkScale('laplaceCdf', b);
  if (Number.isNaN(x)) throw new RangeError('laplaceCdf: x is NaN');
  return x < 0 ? 0.5 * Math.exp(x / b) : 1 - 0.5 * Math.exp(-x / b);
}

/**
 * The Laplace scale b = Δ/ε that gives ε-DP to a query of L1 sensitivity Δ.
 * @throws RangeError if Δ ≤ 0 or ε ≤ 0 (or either is not finite)
 */
export function laplaceScale(sensitivity: number, epsilon: number): number {
  if (!(sensitivity > 0) || !Number.isFinite(sensitivity)) {
    throw new RangeError(`laplaceScale: sensitivity must be a positive finite number, got ${sensitivity}`);
  }
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) {
    throw new RangeError(`laplaceScale: epsilon must be a positive finite number, got ${epsilon}`);
  }
  return sensitivity / epsilon;
}
