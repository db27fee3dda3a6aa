import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { movingAverage } from '../../../src/core/smoothing';

const series = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 });

describe('movingAverage', () => {
  it('window 1 is the identity (a copy)', () => {
    fc.assert(fc.property(series, (s) => {
      const out = movingAverage(s, 1);
      expect(Array.from(out)).toEqual(s);
    }));
  });
  it('is centred with shrinking edges (hand-checked)', () => {
    expect(Array.from(movingAverage([1, 2, 3, 4, 5], 3))).toEqual([1.5, 2, 3, 4, 4.5]);
    expect(Array.from(movingAverage([1, 2, 3, 4, 5], 2))).toEqual([1.5, 2.5, 3.5, 4.5, 5]);
    expect(Array.from(movingAverage([0, 0, 6, 0, 0], 5))).toEqual([2, 1.5, 1.2, 1.5, 2]);
    expect(Array.from(movingAverage([3, 9], 10))).toEqual([6, 6]);
  });
  it('keeps a constant series constant (property)', () => {
    fc.assert(fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 15 }), (c, n, w) => {
      for (const v of movingAverage(new Array<number>(n).fill(c), w)) expect(v).toBeCloseTo(c, 6);
    }));
  });
  it('stays within the input range and preserves a linear trend inside (properties)', () => {
    fc.assert(fc.property(series, fc.integer({ min: 1, max: 9 }), (s, w) => {
      const lo = Math.min(...s), hi = Math.max(...s);
      const eps = 1e-9 * Math.max(1, Math.abs(lo), Math.abs(hi));
      for (const v of movingAverage(s, w)) { expect(v).toBeGreaterThanOrEqual(lo - eps); expect(v).toBeLessThanOrEqual(hi + eps); }
    }));
    const line = Array.from({ length: 20 }, (_, t) => 2 * t + 1);
    const out = movingAverage(line, 5);
    for (let t = 2; t < 18; t++) expect(out[t]).toBeCloseTo(line[t]!, 12);
  });
  it('rejects a bad window or non-finite values', () => {
    expect(() => movingAverage([1], 0)).toThrow(/window/);
    expect(() => movingAverage([1], 1.5)).toThrow(/window/);
    expect(() => movingAverage([1, NaN], 3)).toThrow(/index 1/);
    expect(movingAverage([], 3)).toHaveLength(0);
  });
});
