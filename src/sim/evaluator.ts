/**
 * The omniscient evaluator: it sees every participant's TRUE series (only the simulator can) and
 * scores public centroids by inertia (BRIEF §7: mean squared distance to the nearest centroid), and
 * computes the reference: centralised, non-private Lloyd from the same initial centroids to
 * convergence.
 *
 * At 10^5–10^6 series the reference Lloyd dominated the end of a run, so the series are copied once
 * into one flat Float64Array and Lloyd runs on flat buffers without per-series allocations. The
 * arithmetic is that of src/core/kmeans (same distance loop, same lowest-index tie rule, sums
 * accumulated in series order): results are bit-identical (tested against `lloyd` and `inertia`).
 * @module
 */
import { clipSeries } from '../core/series';
import type { ReadonlySeries } from '../core/series';

/** Scores centroids on the true data. */
export interface Evaluator {
  /** Inertia of `centroids` on all true series. */
  inertia(centroids: readonly ReadonlySeries[]): number;
  /** Centralised Lloyd from `initial` to convergence (cached after the first call). */
  reference(initial: readonly ReadonlySeries[]): { inertia: number; iterations: number; centroids: number[][] };
}

/** Update steps of the reference Lloyd at most (as before: effectively "to convergence"). */
const REFERENCE_MAX_ITERATIONS = 10_000;
/** Relative safety margin of the Hamerly bounds (rounding errors are ≈ 1e-14 relative). */
const BOUND_MARGIN = 1e-9;

/**
 * The evaluator of a Chiaroscuro round: its data domain is the public range [lo, hi], to which every
 * participant clips its series before contributing, so the series are scored clipped as well (raw
 * LCL has hours above the 4 kWh bound: scored raw, even exact centroids look several times worse).
 * The simulator and the swarm runner both score with it, so their inertias compare.
 */
export function createClippedEvaluator(allSeries: readonly ReadonlySeries[], lo: number, hi: number): Evaluator {
  return createEvaluator(allSeries.map((s) => clipSeries(s, lo, hi)));
}

/** An evaluator over all participants' series (flattened). */
export function createEvaluator(allSeries: readonly ReadonlySeries[]): Evaluator {
  if (allSeries.length === 0) throw new RangeError('createEvaluator: no series');
  const n = allSeries.length;
  const T = allSeries[0]!.length;
  const data = new Float64Array(n * T);
  allSeries.forEach((s, i) => {
    if (s.length !== T) throw new RangeError(`createEvaluator: series ${i} has length ${s.length}, series 0 has ${T}`);
    data.set(s, i * T);
  });
  const flatCentroids = (centroids: readonly ReadonlySeries[], what: string): Float64Array => {
    if (centroids.length === 0) throw new RangeError(`${what}: need at least one centroid`);
    const c = new Float64Array(centroids.length * T);
    centroids.forEach((x, j) => {
      if (x.length !== T) throw new RangeError(`${what}: centroid ${j} has length ${x.length}, series have ${T}`);
      c.set(x, j * T);
    });
    return c;
  };
  // Nearest centroid of series i: index in `nearest.index`, squared distance returned (no allocation).
  const nearest = { index: 0 };
  const dist2 = (c: Float64Array, k: number, i: number): number => {
    const x = i * T;
    let index = 0;
    let best = Infinity;
    for (let j = 0; j < k; j++) {
      const o = j * T;
      let s = 0;
      for (let t = 0; t < T; t++) {
        const d = data[x + t]! - c[o + t]!;
        s += d * d;
      }
      if (s < best) { best = s; index = j; }
    }
    if (best === Infinity) {
      // All distances NaN: centroid 0 with its (NaN) distance, as core/kmeans does.
      let s = 0;
      for (let t = 0; t < T; t++) { const d = data[x + t]! - c[t]!; s += d * d; }
      best = s;
    }
    nearest.index = index;
    return best;
  };
  const inertiaFlat = (c: Float64Array, k: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += dist2(c, k, i);
    return s / n;
  };
  let cached: { inertia: number; iterations: number; centroids: number[][] } | undefined;
  return {
    inertia: (centroids) => inertiaFlat(flatCentroids(centroids, 'inertia'), centroids.length),
    reference(initial) {
      if (!cached) cached = referenceLloyd(flatCentroids(initial, 'reference'), initial.length);
      return cached;
    },
  };

  /**
   * Lloyd with Hamerly's bounds: a series whose assigned centroid is provably still the strictly
   * nearest (upper bound on its distance < lower bound on every other, by a relative margin far
   * above floating-point rounding) skips the k distance computations; every other series is
   * re-assigned exactly as core/kmeans does (same arithmetic, lowest index on ties). Assignments are
   * therefore those of plain Lloyd, and sums are accumulated in series order: bit-identical results.
   */
  function referenceLloyd(start: Float64Array, k: number): { inertia: number; iterations: number; centroids: number[][] } {
    let c = start;
    const assigned = new Int32Array(n);
    const upper = new Float64Array(n);
    const lower = new Float64Array(n);
    const sums = new Float64Array(k * T);
    const counts = new Float64Array(k);
    const moved = new Float64Array(k);
    // Exact assignment of series i plus fresh bounds (distance to nearest and to second nearest).
    const full = (i: number): void => {
      const x = i * T;
      let index = 0, best = Infinity, second = Infinity;
      for (let j = 0; j < k; j++) {
        const o = j * T;
        let s = 0;
        for (let t = 0; t < T; t++) {
          const d = data[x + t]! - c[o + t]!;
          s += d * d;
        }
        if (s < best) { second = best; best = s; index = j; } else if (s < second) second = s;
      }
      assigned[i] = index;
      upper[i] = Math.sqrt(best);
      lower[i] = Math.sqrt(second);
    };
    let iterations = 0;
    let first = true;
    let maxMove = 0, secondMove = 0, argMax = -1;
    while (iterations < REFERENCE_MAX_ITERATIONS) {
      sums.fill(0);
      counts.fill(0);
      for (let i = 0; i < n; i++) {
        if (first) {
          full(i);
        } else {
          const a = assigned[i]!;
          const u = upper[i]! + moved[a]!;
          const l = lower[i]! - (a === argMax ? secondMove : maxMove);
          if (u < l - BOUND_MARGIN * (u + l)) {
            upper[i] = u;
            lower[i] = l;
          } else {
            full(i);
          }
        }
        const j = assigned[i]!;
        const o = j * T, x = i * T;
        for (let t = 0; t < T; t++) sums[o + t]! += data[x + t]!;
        counts[j]! += 1;
      }
      first = false;
      let shift2 = 0;
      maxMove = 0; secondMove = 0; argMax = -1;
      const next = new Float64Array(k * T);
      for (let j = 0; j < k; j++) {
        const o = j * T;
        const cnt = counts[j]!;
        if (cnt === 0) {
          next.set(c.subarray(o, o + T), o);
          moved[j] = 0;
          continue;
        }
        let d2 = 0;
        for (let t = 0; t < T; t++) {
          const m = sums[o + t]! / cnt;
          next[o + t] = m;
          const d = c[o + t]! - m;
          d2 += d * d;
        }
        shift2 = Math.max(shift2, d2);
        // Rounded up a little: the bounds must not shrink below the true movement.
        const mv = Math.sqrt(d2) * (1 + BOUND_MARGIN);
        moved[j] = mv;
        if (mv > maxMove) { secondMove = maxMove; maxMove = mv; argMax = j; } else if (mv > secondMove) secondMove = mv;
      }
      c = next;
      iterations++;
      if (Math.sqrt(shift2) <= 0) break;
    }
    const centroids = Array.from({ length: k }, (_, j) => Array.from(c.subarray(j * T, (j + 1) * T)));
    return { inertia: inertiaFlat(c, k), iterations, centroids };
  }
}
