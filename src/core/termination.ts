/**
 * When to stop iterating (BRIEF §3.6): iteration cap, budget exhaustion, or stable centroids.
 * @module
 */
import { squaredDistance } from './series';
import type { ReadonlySeries } from './series';

/**
 * The largest Euclidean distance a centroid moved between two iterations.
 * @param kept when centroids were ejected: next[i] is compared with prev[kept[i]] (the `kept` of
 *   ejectCentroids); without it prev and next must have the same length
 * @throws RangeError on mismatched lengths or an out-of-range kept index
 */
export function maxCentroidShift(
  prev: readonly ReadonlySeries[],
  next: readonly ReadonlySeries[],
  kept?: readonly number[],
): number {
  if (kept === undefined && prev.length !== next.length) {
    throw new RangeError(`maxCentroidShift: ${prev.length} previous vs ${next.length} next centroids (pass kept)`);
  }
  if (kept !== undefined && kept.length !== next.length) {
    throw new RangeError(`maxCentroidShift: kept has ${kept.length} entries for ${next.length} centroids`);
  }
  let m = 0;
  next.forEach((c, i) => {
    const j = kept ? kept[i]! : i;
    const p = prev[j];
    if (!Number.isInteger(j) || p === undefined) throw new RangeError(`maxCentroidShift: kept[${i}] = ${j} is not a previous centroid`);
    m = Math.max(m, Math.sqrt(squaredDistance(p, c)));
  });
  return m;
}

/**
 * Why a run stops; `null` from {@link shouldStop} means "go on". `all-centroids-ejected`: every
 * centroid's noisy count fell below the ejection threshold (noise too large for the population:
 * a larger ε, more participants or a larger calibration population helps).
 * `too-few-contributors`: fewer participants contributed to an iteration than its noise shares were
 * sized for, so its aggregate was not decrypted (the protocol decides this, not {@link shouldStop}).
 */
export type StopReason = 'max-iterations' | 'budget-exhausted' | 'converged' | 'all-centroids-ejected' | 'too-few-contributors';

/**
 * Every {@link StopReason}: {@link shouldStop}'s in its order of precedence, then the protocol's.
 * The index is the wire code of a final Centroids message: new reasons go at the end.
 */
export const STOP_REASONS: readonly StopReason[] = Object.freeze(['all-centroids-ejected', 'max-iterations', 'budget-exhausted', 'converged', 'too-few-contributors']);

/** Input of {@link shouldStop}. */
export interface StopState {
  /** Iterations completed so far. */
  iteration: number;
  maxIterations: number;
  /** ε left in the accountant. */
  budgetRemaining: number;
  /** Last {@link maxCentroidShift}; Infinity or undefined before the first update. */
  shift?: number;
  /** Stop when shift ≤ tolerance; 0 = never stop on stability (not even for a shift of exactly 0). */
  tolerance: number;
  /** Centroids alive after this iteration's ejection; 0 stops with `all-centroids-ejected`. */
  alive?: number;
  /** Stop when the remaining budget is at most this (default 0); e.g. the smallest useful ε_ℓ. */
  minEpsilon?: number;
}

/**
 * The reason to stop after the current iteration, or null to continue. Checked in this order:
 * all centroids ejected (nothing left to iterate on), iteration cap, budget exhaustion, convergence
 * (only with tolerance > 0: tolerance 0 means "never stop on stability").
 * @throws RangeError on negative or NaN inputs
 */
export function shouldStop(s: StopState): StopReason | null {
  if (!Number.isInteger(s.iteration) || s.iteration < 0) throw new RangeError(`shouldStop: iteration must be a non-negative integer, got ${s.iteration}`);
  if (!Number.isInteger(s.maxIterations) || s.maxIterations < 0) throw new RangeError(`shouldStop: maxIterations must be a non-negative integer, got ${s.maxIterations}`);
  if (Number.isNaN(s.budgetRemaining)) throw new RangeError('shouldStop: budgetRemaining is NaN');
  if (!(s.tolerance >= 0)) throw new RangeError(`shouldStop: tolerance must be >= 0, got ${s.tolerance}`);
  if (s.shift !== undefined && Number.isNaN(s.shift)) throw new RangeError('shouldStop: shift is NaN');
  if (s.alive !== undefined && (!Number.isInteger(s.alive) || s.alive < 0)) throw new RangeError(`shouldStop: alive must be a non-negative integer, got ${s.alive}`);
  if (s.alive === 0) return 'all-centroids-ejected';
  if (s.iteration >= s.maxIterations) return 'max-iterations';
  if (s.budgetRemaining <= (s.minEpsilon ?? 0)) return 'budget-exhausted';
  if (s.tolerance > 0 && s.shift !== undefined && s.shift <= s.tolerance) return 'converged';
  return null;
}
