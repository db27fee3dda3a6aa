import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { initialCentroids } from '../../../src/core/initial-centroids';
import { seededRng } from '../../../src/core/rng';

describe('initialCentroids', () => {
  it('flat-levels: k evenly spread constant series, deterministic', () => {
    const c = initialCentroids({ k: 4, T: 3, lo: 0, hi: 8, rng: seededRng(1) });
    expect(c).toEqual([[1, 1, 1], [3, 3, 3], [5, 5, 5], [7, 7, 7]]);
    expect(initialCentroids({ k: 4, T: 3, lo: 0, hi: 8, rng: seededRng(2), shape: 'flat-levels' })).toEqual(c);
  });
  it('random-walk: same seed gives the same centroids, another seed differs', () => {
    const p = { k: 3, T: 24, lo: 0, hi: 5, shape: 'random-walk' as const };
    const a = initialCentroids({ ...p, rng: seededRng(7) });
    expect(initialCentroids({ ...p, rng: seededRng(7) })).toEqual(a);
    expect(initialCentroids({ ...p, rng: seededRng(8) })).not.toEqual(a);
    expect(a).toHaveLength(3);
    // Not flat: a walk of 23 steps moves.
    for (const c of a) expect(Math.max(...c) - Math.min(...c)).toBeGreaterThan(0);
  });
  it('stays within [lo, hi] for every shape (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 30 }),
      fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: 0, max: 50, noNaN: true }),
      fc.constantFrom('flat-levels' as const, 'random-walk' as const), fc.integer(),
      (k, T, lo, w, shape, seed) => {
        const hi = lo + w;
        const cs = initialCentroids({ k, T, lo, hi, rng: seededRng(seed), shape });
        expect(cs).toHaveLength(k);
        for (const c of cs) {
          expect(c).toHaveLength(T);
          for (const v of c) { expect(v).toBeGreaterThanOrEqual(lo); expect(v).toBeLessThanOrEqual(hi); }
        }
      }));
  });
  it('rejects bad parameters', () => {
    const rng = seededRng(1);
    expect(() => initialCentroids({ k: 0, T: 3, lo: 0, hi: 1, rng })).toThrow(/k must/);
    expect(() => initialCentroids({ k: 2, T: 1.5, lo: 0, hi: 1, rng })).toThrow(/T must/);
    expect(() => initialCentroids({ k: 2, T: 3, lo: 1, hi: 0, rng })).toThrow(RangeError);
    expect(() => initialCentroids({ k: 2, T: 3, lo: 0, hi: 1, rng, shape: 'x' as never })).toThrow(/unknown shape/);
  });
});
