/**
 * Public initial centroids that depend on NO participant's data. Picking random records (as PPkM's
 * paper does) publishes those records; here every participant derives the same centroids from public
 * round parameters only: k, T, the value range [lo, hi] and an Rng seeded from the round seed.
 * @module
 */
import type { Rng } from './rng';

/**
 * - `flat-levels` (default): centroid j is the constant series at level lo + (hi − lo)·(j + ½)/k,
 *   i.e. k evenly spread levels. Deterministic (the rng is not used). The first Lloyd step then
 *   splits series by mean level, a robust public start for load curves and growth curves alike.
 * - `random-walk`: centroid j starts uniformly in [lo, hi] and takes T − 1 uniform steps of at most
 *   (hi − lo)/√T, reflected at the bounds: varied shapes, reproducible from a seeded rng.
 */
export type InitialShape = 'flat-levels' | 'random-walk';

/** Parameters of {@link initialCentroids}. */
export interface InitialCentroidsParams {
  k: number;
  /** Series length. */
  T: number;
  lo: number;
  hi: number;
  /** Pass `seededRng(roundSeed)` so that every participant computes the same centroids. */
  rng: Rng;
  shape?: InitialShape;
}

function reflect(v: number, lo: number, hi: number): number {
  const w = hi - lo;
  if (w === 0) return lo;
  // Fold v into [lo, hi] by mirroring at the bounds (period 2w).
  let r = (v - lo) % (2 * w);
  if (r < 0) r += 2 * w;
  return lo + (r <= w ? r : 2 * w - r);
}

/**
 * k public initial centroids of length T within [lo, hi].
 * @throws RangeError on non-integer/non-positive k or T, non-finite or inverted range, unknown shape
 */
export function initialCentroids(params: InitialCentroidsParams): number[][] {
  const { k, T, lo, hi, rng } = params;
  const shape = params.shape ?? 'flat-levels';
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`initialCentroids: k must be a positive integer, got ${k}`);
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`initialCentroids: T must be a positive integer, got ${T}`);
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    throw new RangeError(`initialCentroids: need finite lo <= hi, got [${lo}, ${hi}]`);
  }
  const w = hi - lo;
  if (shape === 'flat-levels') {
    return Array.from({ length: k }, (_, j) => new Array<number>(T).fill(lo + (w * (j + 0.5)) / k));
  }
  if (shape === 'random-walk') {
    const step = w / Math.sqrt(T);
    return Array.from({ length: k }, () => {
      const c = new Array<number>(T);
      let v = lo + w * rng.nextFloat();
      for (let t = 0; t < T; t++) {
        if (t > 0) v = reflect(v + step * (2 * rng.nextFloat() - 1), lo, hi);
        c[t] = v;
      }
      return c;
    });
  }
  throw new RangeError(`initialCentroids: unknown shape ${JSON.stringify(shape)}`);
}
