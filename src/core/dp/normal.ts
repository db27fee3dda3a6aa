/**
 * Standard normal variates (Marsaglia's polar method), used by the gamma sampler.
 * @module
 */
import type { Rng } from '../rng';

/** A N(0, 1) variate. Stateless: the polar method's second variate is discarded for simplicity. */
export function sampleStandardNormal(rng: Rng): number {
  for (;;) {
    const u = 2 * rng.nextFloat() - 1;
    const v = 2 * rng.nextFloat() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}
