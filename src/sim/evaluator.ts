/**
 * The omniscient evaluator: it sees every participant's TRUE series (only the simulator can) and
 * scores public centroids by inertia (BRIEF §7: mean squared distance to the nearest centroid), and
 * computes the reference: centralised, non-private Lloyd from the same initial centroids to
 * convergence.
 * @module
 */
import { inertia, lloyd } from '../core/kmeans';
import type { ReadonlySeries } from '../core/series';

/** Scores centroids on the true data. */
export interface Evaluator {
  /** Inertia of `centroids` on all true series. */
  inertia(centroids: readonly ReadonlySeries[]): number;
  /** Centralised Lloyd from `initial` to convergence (cached after the first call). */
  reference(initial: readonly ReadonlySeries[]): { inertia: number; iterations: number; centroids: number[][] };
}

/** An evaluator over all participants' series (flattened). */
export function createEvaluator(allSeries: readonly ReadonlySeries[]): Evaluator {
  if (allSeries.length === 0) throw new RangeError('createEvaluator: no series');
  let cached: { inertia: number; iterations: number; centroids: number[][] } | undefined;
  return {
    inertia: (centroids) => inertia(allSeries, centroids),
    reference(initial) {
      if (!cached) {
        const r = lloyd(allSeries, initial, { maxIterations: 10_000 });
        cached = { inertia: r.inertia, iterations: r.iterations, centroids: r.centroids };
      }
      return cached;
    },
  };
}
