/**
 * Which public profile is closest to a series (squared Euclidean distance), as the results views
 * show it. Pure and local: runs on the viewer's own data, nothing leaves the tab.
 * @module
 */

/** A profile index and its squared distance to the query. */
export interface ProfileMatch {
  index: number;
  distance2: number;
}

function checkSeries(name: string, s: ArrayLike<number>): void {
  if (s.length === 0) throw new RangeError(`${name}: series must not be empty`);
  for (let i = 0; i < s.length; i++) {
    if (!Number.isFinite(s[i])) throw new TypeError(`${name}: value ${i} is not a finite number`);
  }
}

/**
 * All profiles ranked by squared distance to `series` over the index range [start, end).
 * @throws RangeError on empty input, a bad range, or a profile shorter than `end`
 */
export function rankProfiles(
  series: ArrayLike<number>,
  profiles: readonly ArrayLike<number>[],
  start = 0,
  end = series.length,
): ProfileMatch[] {
  checkSeries('rankProfiles', series);
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > series.length || start >= end) {
    throw new RangeError(`rankProfiles: range [${start}, ${end}) must satisfy 0 ≤ start < end ≤ ${series.length}`);
  }
  const out: ProfileMatch[] = profiles.map((p, index) => {
    if (p.length < end) throw new RangeError(`rankProfiles: profile ${index} has ${p.length} values, need ≥ ${end}`);
    let d = 0;
    for (let t = start; t < end; t++) {
      const diff = series[t]! - p[t]!;
      d += diff * diff;
    }
    return { index, distance2: d };
  });
  // Stable tie-break on index so equal distances always rank the same way.
  return out.sort((a, b) => a.distance2 - b.distance2 || a.index - b.index);
}

/**
 * The profile closest to the whole series, or undefined when there are no profiles.
 * @throws RangeError/TypeError as {@link rankProfiles}
 */
export function closestProfile(series: ArrayLike<number>, profiles: readonly ArrayLike<number>[]): ProfileMatch | undefined {
  return rankProfiles(series, profiles)[0];
}
