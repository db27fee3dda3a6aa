/**
 * Plain (non-private) k-means maths: assignment, inertia, per-cluster sums and Lloyd's algorithm.
 * The private protocols reuse {@link assign} / {@link clusterSums} locally; the omniscient evaluator
 * and the centralised reference use {@link inertia} / {@link lloyd}.
 * @module
 */
import { assertSeries, squaredDistance } from './series';
import type { ReadonlySeries } from './series';

/** Result of {@link nearestCentroid}. */
export interface Nearest {
  /** Index of the closest centroid (lowest index on ties). */
  index: number;
  /** Squared Euclidean distance to it. */
  distance2: number;
}

/** Options of {@link lloyd}. */
export interface LloydOptions {
  /** Cap on update steps (default 100; 0 returns the initial centroids). */
  maxIterations?: number;
  /**
   * Stop once no centroid moves by more than this Euclidean distance (default 0: stop when an update
   * changes nothing, which happens exactly when the assignment is stable).
   */
  tolerance?: number;
}

/** Result of {@link lloyd}. */
export interface LloydResult {
  centroids: number[][];
  /** Update steps performed. */
  iterations: number;
  /** {@link inertia} of the returned centroids. */
  inertia: number;
  /** True if the last step moved no centroid by more than the tolerance. */
  converged: boolean;
}

function checkCentroids(centroids: readonly ReadonlySeries[], fn: string): number {
  if (centroids.length === 0) throw new RangeError(`${fn}: need at least one centroid`);
  const T = centroids[0]!.length;
  for (let j = 1; j < centroids.length; j++) {
    if (centroids[j]!.length !== T) {
      throw new RangeError(`${fn}: centroid ${j} has length ${centroids[j]!.length}, centroid 0 has ${T}`);
    }
  }
  return T;
}

function nearestUnchecked(series: ReadonlySeries, centroids: readonly ReadonlySeries[]): Nearest {
  let index = 0;
  let distance2 = Infinity;
  for (let j = 0; j < centroids.length; j++) {
    const d = squaredDistance(series, centroids[j]!);
    if (d < distance2) { distance2 = d; index = j; }
  }
  // All distances NaN (NaN data): fall back to centroid 0 with a NaN distance rather than lie.
  if (distance2 === Infinity && centroids.length > 0) distance2 = squaredDistance(series, centroids[0]!);
  return { index, distance2 };
}

/**
 * The centroid closest to `series` in squared Euclidean distance (lowest index on ties).
 * @throws RangeError if there is no centroid or lengths differ
 */
export function nearestCentroid(series: ReadonlySeries, centroids: readonly ReadonlySeries[]): Nearest {
  checkCentroids(centroids, 'nearestCentroid');
  return nearestUnchecked(series, centroids);
}

/** Index of the nearest centroid for every series. */
export function assign(data: readonly ReadonlySeries[], centroids: readonly ReadonlySeries[]): Int32Array {
  checkCentroids(centroids, 'assign');
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = nearestUnchecked(data[i]!, centroids).index;
  return out;
}

/**
 * Intra-cluster inertia as BRIEF §7 defines it: the MEAN over all series of the squared Euclidean
 * distance to the nearest centroid (not the sum, so it is comparable across population sizes).
 * @throws RangeError if `data` is empty (the mean is undefined)
 */
export function inertia(data: readonly ReadonlySeries[], centroids: readonly ReadonlySeries[]): number {
  checkCentroids(centroids, 'inertia');
  if (data.length === 0) throw new RangeError('inertia: data is empty');
  let s = 0;
  for (const x of data) s += nearestUnchecked(x, centroids).distance2;
  return s / data.length;
}

/**
 * Σ over the series of min(cap, squared distance to the nearest centroid): one participant's
 * contribution to a private inertia estimate (BRIEF §3.8). The cap bounds the contribution of a
 * series whatever the (noisy, possibly out-of-range) centroids are; with data clipped to [lo, hi]
 * use cap = T·(hi − lo)², which `inertiaSensitivity` assumes. Divide the noisy total by the noisy
 * population (e.g. the sum of the released noisy counts) to estimate {@link inertia}.
 * @throws RangeError if cap is negative or NaN
 */
export function squaredDistanceSum(
  data: readonly ReadonlySeries[],
  centroids: readonly ReadonlySeries[],
  cap = Infinity,
): number {
  checkCentroids(centroids, 'squaredDistanceSum');
  if (!(cap >= 0)) throw new RangeError(`squaredDistanceSum: cap must be >= 0, got ${cap}`);
  let s = 0;
  for (const x of data) s += Math.min(cap, nearestUnchecked(x, centroids).distance2);
  return s;
}

/**
 * Per-centroid sum vectors and counts of the series assigned to each centroid: exactly what one
 * participant contributes (before noise) in an iteration. Callers clip the data first
 * ({@link clipSeries}); this function does not.
 * @param k number of output slots, ≥ centroids.length; slots past the live centroids stay zero so a
 *   contribution keeps a fixed shape after some centroids were ejected
 */
export function clusterSums(
  data: readonly ReadonlySeries[],
  centroids: readonly ReadonlySeries[],
  k: number,
): { sums: Float64Array[]; counts: Float64Array } {
  const T = checkCentroids(centroids, 'clusterSums');
  if (!Number.isInteger(k) || k < centroids.length) {
    throw new RangeError(`clusterSums: k must be an integer >= centroids.length (${centroids.length}), got ${k}`);
  }
  const sums = Array.from({ length: k }, () => new Float64Array(T));
  const counts = new Float64Array(k);
  for (const x of data) {
    const j = nearestUnchecked(x, centroids).index;
    const s = sums[j]!;
    for (let t = 0; t < T; t++) s[t]! += x[t]!;
    counts[j]! += 1;
  }
  return { sums, counts };
}

/**
 * Lloyd's k-means from given initial centroids. A centroid that receives no series keeps its
 * previous position (so k stays fixed and the result is deterministic).
 * @throws RangeError/TypeError on empty data, mismatched lengths, non-finite values or bad options
 */
export function lloyd(
  data: readonly ReadonlySeries[],
  initial: readonly ReadonlySeries[],
  opts: LloydOptions = {},
): LloydResult {
  const T = checkCentroids(initial, 'lloyd');
  if (data.length === 0) throw new RangeError('lloyd: data is empty');
  data.forEach((x, i) => assertSeries(x, `lloyd: data[${i}]`, T));
  initial.forEach((c, j) => assertSeries(c, `lloyd: initial[${j}]`, T));
  const maxIterations = opts.maxIterations ?? 100;
  const tolerance = opts.tolerance ?? 0;
  if (!Number.isInteger(maxIterations) || maxIterations < 0) {
    throw new RangeError(`lloyd: maxIterations must be a non-negative integer, got ${maxIterations}`);
  }
  if (!(tolerance >= 0)) throw new RangeError(`lloyd: tolerance must be >= 0, got ${tolerance}`);

  let centroids = initial.map((c) => Array.from(c));
  const k = centroids.length;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    const { sums, counts } = clusterSums(data, centroids, k);
    let shift2 = 0;
    const next = centroids.map((prev, j) => {
      const c = counts[j]!;
      if (c === 0) return prev;
      const s = sums[j]!;
      const m = Array.from(s, (v) => v / c);
      shift2 = Math.max(shift2, squaredDistance(prev, m));
      return m;
    });
    centroids = next;
    iterations++;
    if (Math.sqrt(shift2) <= tolerance) { converged = true; break; }
  }
  return { centroids, iterations, inertia: inertia(data, centroids), converged };
}
