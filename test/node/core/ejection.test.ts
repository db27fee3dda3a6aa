import { describe, expect, it } from 'vitest';
import { ejectCentroids, suggestedMinCount } from '../../../src/core/ejection';
import { sampleLaplace } from '../../../src/core/dp/laplace';
import { seededRng } from '../../../src/core/rng';

describe('ejectCentroids', () => {
  it('divides kept sums by counts and drops low or non-positive counts', () => {
    const sums = [Float64Array.of(10, 20), Float64Array.of(1, 1), Float64Array.of(30, 0), Float64Array.of(-5, 5)];
    const r = ejectCentroids(sums, [10, 2.9, 3, -1], 3);
    expect(r.kept).toEqual([0, 2]);
    expect(r.centroids).toEqual([[1, 2], [10, 0]]);
  });
  it('handles no centroids and all ejected', () => {
    expect(ejectCentroids([], [], 1)).toEqual({ centroids: [], kept: [] });
    expect(ejectCentroids([Float64Array.of(1)], [0.5], 1)).toEqual({ centroids: [], kept: [] });
  });
  it('validates its input', () => {
    expect(() => ejectCentroids([Float64Array.of(1)], [], 1)).toThrow(/1 sum vectors but 0 counts/);
    expect(() => ejectCentroids([Float64Array.of(1)], [1], 0)).toThrow(/minCount/);
    expect(() => ejectCentroids([Float64Array.of(1), Float64Array.of(1, 2)], [1, 1], 1)).toThrow(/length/);
    expect(() => ejectCentroids([Float64Array.of(NaN)], [5], 1)).toThrow(/non-finite/);
    expect(() => ejectCentroids([Float64Array.of(1)], [Infinity], 1)).toThrow(/not finite/);
  });
});

describe('suggestedMinCount', () => {
  it('is b·ln(1/(2p)), at least 1', () => {
    expect(suggestedMinCount(10)).toBeCloseTo(10 * Math.log(50), 12);
    expect(suggestedMinCount(10, 0.05)).toBeCloseTo(10 * Math.log(10), 12);
    expect(suggestedMinCount(0.01)).toBe(1);
    expect(() => suggestedMinCount(0)).toThrow(RangeError);
    expect(() => suggestedMinCount(1, 0.5)).toThrow(/falseKeep/);
  });
  it('keeps an empty cluster with probability ≈ 1% (fixed seed, 5σ)', () => {
    const rng = seededRng(31), b = 4, n = 50_000, p = 0.01;
    const min = suggestedMinCount(b, p);
    let kept = 0;
    for (let i = 0; i < n; i++) if (sampleLaplace(rng, b) >= min) kept++;
    expect(Math.abs(kept - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
  });
});
