/**
 * Distributed Laplace noise (BRIEF §3.2): each of n contributors adds a share G − G′ with G, G′
 * independent Gamma(1/n, b). Gamma shapes add, so the n shares sum to Gamma(1, b) − Gamma(1, b)
 * = Exp(b) − Exp(b) = Laplace(b), and no single participant knows the total noise.
 * @module
 */
import type { Rng } from '../rng';
import { gammaSampler } from './gamma';

function checkContributors(fn: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${fn}: contributors must be a positive integer, got ${n}`);
}
function checkScale(fn: string, b: number): void {
  if (!(b > 0) || !Number.isFinite(b)) throw new RangeError(`${fn}: scale b must be a positive finite number, got ${b}`);
}

/**
 * One contributor's noise share for one released coordinate: G − G′, G, G′ ~ Gamma(1/contributors, b).
 * Use `secureRng()` for real participants.
 * @param contributors how many shares will be summed (see {@link oversizedContributors})
 * @param b Laplace scale Δ/ε the sum must carry
 */
export function noiseShare(rng: Rng, contributors: number, b: number): number {
  checkContributors('noiseShare', contributors);
  checkScale('noiseShare', b);
  const g = gammaSampler(1 / contributors, b);
  return g(rng) - g(rng);
}

/**
 * A sampler of one contributor's shares G − G′ (same draws as {@link noiseShare}) with the parameters
 * validated and the Gamma constants computed once: for hot loops over many coordinates.
 * @throws RangeError on bad contributors or scale
 */
export function noiseShareSampler(contributors: number, b: number): (rng: Rng) => number {
  checkContributors('noiseShareSampler', contributors);
  checkScale('noiseShareSampler', b);
  const g = gammaSampler(1 / contributors, b);
  return (rng) => g(rng) - g(rng);
}

/** `length` independent noise shares (one per released coordinate). */
export function noiseSharesVector(rng: Rng, length: number, contributors: number, b: number): Float64Array {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`noiseSharesVector: length must be a non-negative integer, got ${length}`);
  checkContributors('noiseSharesVector', contributors);
  checkScale('noiseSharesVector', b);
  const g = gammaSampler(1 / contributors, b);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = g(rng) - g(rng);
  return out;
}

/**
 * The `contributors` value to calibrate shares with when up to a fraction `dropoutFraction` of the
 * `expected` participants may fail to contribute: n′ = max(1, floor(n·(1 − dropout))).
 *
 * Why this is safe: with shares of shape 1/n′, any m ≥ n′ actual contributors sum to
 * Gamma(m/n′, b) − Gamma(m/n′, b) = Laplace(b) + independent extra noise, and adding independent
 * noise to an ε-DP output keeps it ε-DP (post-processing). The price is extra variance: 2b²·m/n′
 * instead of 2b². If fewer than n′ contribute, the sum is under-noised: the protocol must then not
 * release it.
 * @throws RangeError if expected is not a positive integer or dropoutFraction is outside [0, 1)
 */
export function oversizedContributors(expected: number, dropoutFraction: number): number {
  checkContributors('oversizedContributors', expected);
  if (!(dropoutFraction >= 0 && dropoutFraction < 1)) {
    throw new RangeError(`oversizedContributors: dropoutFraction must be in [0, 1), got ${dropoutFraction}`);
  }
  return Math.max(1, Math.floor(expected * (1 - dropoutFraction)));
}
