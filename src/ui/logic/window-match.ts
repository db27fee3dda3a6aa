/**
 * Bob's window (seed demo): the profiles closest to the sub-sequence of Bob's own series that falls
 * into a window. Pure functions so the drag interaction and the matching are tested separately.
 * @module
 */
import { rankProfiles, type ProfileMatch } from './closest';

/** A half-open window [start, end) over series indices. */
export interface SeriesWindow {
  start: number;
  end: number;
}

/**
 * The `top` profiles closest to `series` restricted to `window` (squared Euclidean distance on the
 * window only), best first.
 * @throws RangeError if `top` < 1 or the window is outside the series
 */
export function matchWindow(
  series: ArrayLike<number>,
  profiles: readonly ArrayLike<number>[],
  window: SeriesWindow,
  top = 3,
): ProfileMatch[] {
  if (!Number.isInteger(top) || top < 1) throw new RangeError(`matchWindow: top must be an integer ≥ 1, got ${top}`);
  return rankProfiles(series, profiles, window.start, window.end).slice(0, top);
}

/**
 * Keeps a window inside [0, length) with at least `minWidth` points: moving keeps the width,
 * a window wider than the series becomes the whole series.
 * @throws RangeError if length or minWidth are not positive integers
 */
export function clampWindow(w: SeriesWindow, length: number, minWidth = 2): SeriesWindow {
  if (!Number.isInteger(length) || length < 1) throw new RangeError(`clampWindow: length must be a positive integer, got ${length}`);
  if (!Number.isInteger(minWidth) || minWidth < 1) throw new RangeError(`clampWindow: minWidth must be a positive integer, got ${minWidth}`);
  const min = Math.min(minWidth, length);
  let start = Math.round(w.start);
  let end = Math.round(w.end);
  if (end - start < min) end = start + min;
  const width = Math.min(end - start, length);
  start = Math.max(0, Math.min(start, length - width));
  return { start, end: start + width };
}

/**
 * The window after a keyboard action: arrows move by one point (Shift+arrows resize the right edge),
 * PageUp/PageDown move by a quarter of the series, Home/End jump to the ends.
 * Returns undefined for keys it does not handle.
 */
export function windowAfterKey(w: SeriesWindow, key: string, shift: boolean, length: number): SeriesWindow | undefined {
  const width = w.end - w.start;
  const page = Math.max(1, Math.round(length / 4));
  switch (key) {
    case 'ArrowLeft': case 'ArrowDown':
      return clampWindow(shift ? { start: w.start, end: w.end - 1 } : { start: w.start - 1, end: w.end - 1 }, length);
    case 'ArrowRight': case 'ArrowUp':
      return clampWindow(shift ? { start: w.start, end: w.end + 1 } : { start: w.start + 1, end: w.end + 1 }, length);
    case 'PageDown': return clampWindow({ start: w.start - page, end: w.end - page }, length);
    case 'PageUp': return clampWindow({ start: w.start + page, end: w.end + page }, length);
    case 'Home': return clampWindow({ start: 0, end: width }, length);
    case 'End': return clampWindow({ start: length - width, end: length }, length);
    default: return undefined;
  }
}
