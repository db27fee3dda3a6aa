import { describe, expect, it } from 'vitest';
import { assertSeries, clipSeries, squaredDistance } from '../../../src/core/series';

describe('squaredDistance', () => {
  it('matches a hand-computed value for arrays and Float64Arrays', () => {
    expect(squaredDistance([1, 2, 3], [4, 6, 3])).toBe(25);
    expect(squaredDistance(Float64Array.of(0, -1), [0, 1])).toBe(4);
    expect(squaredDistance([], [])).toBe(0);
  });
  it('rejects different lengths', () => {
    expect(() => squaredDistance([1, 2], [1])).toThrow(RangeError);
  });
});

describe('clipSeries', () => {
  it('clamps into [lo, hi] and returns a new Float64Array', () => {
    const input = [-5, 0, 2.5, 9];
    const out = clipSeries(input, 0, 3);
    expect(out).toBeInstanceOf(Float64Array);
    expect(Array.from(out)).toEqual([0, 0, 2.5, 3]);
    expect(input).toEqual([-5, 0, 2.5, 9]);
  });
  it('maps ±Infinity to the bounds', () => {
    expect(Array.from(clipSeries([-Infinity, Infinity], -1, 1))).toEqual([-1, 1]);
  });
  it('rejects NaN values, inverted and non-finite bounds', () => {
    expect(() => clipSeries([1, NaN], 0, 1)).toThrow(/index 1 is NaN/);
    expect(() => clipSeries([1], 2, 1)).toThrow(RangeError);
    expect(() => clipSeries([1], 0, Infinity)).toThrow(RangeError);
  });
});

describe('assertSeries', () => {
  it('accepts finite series of the expected length', () => {
    expect(() => assertSeries([1, 2], 'x', 2)).not.toThrow();
    expect(() => assertSeries(Float64Array.of(1), 'x')).not.toThrow();
  });
  it('names the problem', () => {
    expect(() => assertSeries('12', 'row 3')).toThrow(/row 3: expected a number\[\]/);
    expect(() => assertSeries([], 'x')).toThrow(/empty/);
    expect(() => assertSeries([1, 2], 'x', 3)).toThrow(/expected length 3, got 2/);
    expect(() => assertSeries([1, Infinity], 'x')).toThrow(/index 1/);
    expect(() => assertSeries([1, '2'], 'x')).toThrow(TypeError);
  });
});
