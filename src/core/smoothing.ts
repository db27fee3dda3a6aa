/**
 * Simple moving average along time (BRIEF §3.6), applied to the public noisy centroids: it is
 * post-processing, so it costs no privacy budget, and it averages out part of the per-coordinate
 * Laplace noise.
 * @module
 */
import type { ReadonlySeries } from './series';

/**
 * Centred moving average: output t is the mean of the input over
 * [t − ⌊(w−1)/2⌋, t + ⌈(w−1)/2⌉] (for even w the extra point is on the right). Centred rather than
 * trailing because a trailing window delays every feature (a load peak at 18:00 would move later).
 * At the edges the window shrinks to the points that exist, so no value is invented.
 * window = 1 returns a copy of the input.
 * @throws RangeError if window is not a positive integer
 * @throws TypeError if a value is not finite
 */
export function movingAverage(series: ReadonlySeries, window: number): Float64Array {
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(`movingAverage: window must be a positive integer, got ${window}`);
  }
  const n = series.length;
  for (let t = 0; t < n; t++) {
    if (!Number.isFinite(series[t])) throw new TypeError(`movingAverage: value at index ${t} is not finite (${series[t]})`);
  }
  if (window === 1) return Float64Array.from(series); // exact copy (keeps −0, no rounding)
  const before = Math.floor((window - 1) / 2);
  const after = window - 1 - before;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const a = Math.max(0, t - before);
    const b = Math.min(n - 1, t + after);
    let s = 0;
    for (let i = a; i <= b; i++) s += series[i]!;
    out[t] = s / (b - a + 1);
  }
  return out;
}
