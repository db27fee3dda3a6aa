/**
 * Time series as plain numeric vectors, and the two operations every layer needs on them.
 * @module
 */

/** A time series of T values (one per time step). */
export type Series = Float64Array | number[];

/** A series the callee only reads. Every {@link Series} is one. */
export type ReadonlySeries = Float64Array | readonly number[];

/**
 * Squared Euclidean distance Σ_t (a_t − b_t)².
 * @throws RangeError if the lengths differ
 */
export function squaredDistance(a: ReadonlySeries, b: ReadonlySeries): number {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`squaredDistance: lengths differ (${n} vs ${b.length})`);
  let s = 0;
  for (let t = 0; t < n; t++) {
    const d = a[t]! - b[t]!;
    s += d * d;
  }
  return s;
}

/**
 * Clamps every value into [lo, hi] (the round's public value range). Clipping bounds one
 * participant's influence, which is what the DP sensitivity relies on.
 * @throws RangeError if lo > hi or a bound is not finite
 * @throws TypeError if a value is NaN (clipping it would silently invent data)
 */
export function clipSeries(series: ReadonlySeries, lo: number, hi: number): Float64Array {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    throw new RangeError(`clipSeries: bounds must be finite, got [${lo}, ${hi}]`);
  }
  if (lo > hi) throw new RangeError(`clipSeries: lo (${lo}) must be <= hi (${hi})`);
  const out = new Float64Array(series.length);
  for (let t = 0; t < series.length; t++) {
    const v = series[t]!;
    if (Number.isNaN(v)) throw new TypeError(`clipSeries: value at index ${t} is NaN`);
    out[t] = v < lo ? lo : v > hi ? hi : v;
  }
  return out;
}

/**
 * Checks that `s` is a non-empty array of finite numbers of length `T` (when given).
 * For data crossing a boundary (file, network, worker).
 * @param what names the value in the error message
 * @throws TypeError / RangeError naming the first offending index
 */
export function assertSeries(s: unknown, what: string, T?: number): asserts s is Series {
  if (!(s instanceof Float64Array) && !Array.isArray(s)) {
    throw new TypeError(`${what}: expected a number[] or Float64Array`);
  }
  if (s.length === 0) throw new RangeError(`${what}: series is empty`);
  if (T !== undefined && s.length !== T) throw new RangeError(`${what}: expected length ${T}, got ${s.length}`);
  for (let t = 0; t < s.length; t++) {
    const v: unknown = s[t];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new TypeError(`${what}: value at index ${t} is not a finite number (${String(v)})`);
    }
  }
}
