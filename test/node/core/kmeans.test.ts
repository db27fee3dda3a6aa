import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assign, clusterSums, inertia, lloyd, nearestCentroid, squaredDistanceSum } from '../../../src/core/kmeans';

/** Arbitrary: k centroids and n series, all of length T, small integers so ties happen too. */
const problem = fc
  .record({ T: fc.integer({ min: 1, max: 4 }), k: fc.integer({ min: 1, max: 4 }), n: fc.integer({ min: 1, max: 25 }) })
  .chain(({ T, k, n }) => {
    const vec = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: T, maxLength: T });
    return fc.record({ data: fc.array(vec, { minLength: n, maxLength: n }), centroids: fc.array(vec, { minLength: k, maxLength: k }) });
  });

const naiveD2 = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0);

describe('nearestCentroid / assign / inertia vs a naive reference', () => {
  it('picks a minimum-distance centroid (the first on ties) and reports its distance', () => {
    fc.assert(fc.property(problem, ({ data, centroids }) => {
      for (const x of data) {
        const ds = centroids.map((c) => naiveD2(x, c));
        const min = Math.min(...ds);
        const r = nearestCentroid(x, centroids);
        expect(r.distance2).toBe(min);
        expect(r.index).toBe(ds.indexOf(min));
      }
      expect(Array.from(assign(data, centroids))).toEqual(data.map((x) => nearestCentroid(x, centroids).index));
      const ref = data.reduce((s, x) => s + Math.min(...centroids.map((c) => naiveD2(x, c))), 0) / data.length;
      expect(inertia(data, centroids)).toBeCloseTo(ref, 10);
    }));
  });
  it('computes a hand-checked inertia (mean, not sum)', () => {
    expect(inertia([[0, 0], [0, 2], [10, 0]], [[0, 1], [10, 0]])).toBeCloseTo((1 + 1 + 0) / 3, 15);
  });
  it('rejects empty centroids, ragged centroids, mismatched lengths and empty data', () => {
    expect(() => nearestCentroid([1], [])).toThrow(RangeError);
    expect(() => assign([[1, 2]], [[1, 2], [1]])).toThrow(/centroid 1 has length 1/);
    expect(() => nearestCentroid([1, 2, 3], [[1, 2]])).toThrow(RangeError);
    expect(() => inertia([], [[1]])).toThrow(/empty/);
  });
});

describe('clusterSums', () => {
  it('matches per-cluster naive sums and counts, with extra zero slots up to k', () => {
    fc.assert(fc.property(problem, fc.integer({ min: 0, max: 2 }), ({ data, centroids }, extra) => {
      const k = centroids.length + extra;
      const { sums, counts } = clusterSums(data, centroids, k);
      expect(sums).toHaveLength(k);
      expect(counts).toHaveLength(k);
      const a = assign(data, centroids);
      for (let j = 0; j < k; j++) {
        const members = data.filter((_, i) => a[i] === j);
        expect(counts[j]).toBe(members.length);
        const ref = new Array<number>(centroids[0]!.length).fill(0);
        for (const x of members) x.forEach((v, t) => { ref[t]! += v; });
        expect(Array.from(sums[j]!)).toEqual(ref);
      }
      expect(counts.reduce((s, c) => s + c, 0)).toBe(data.length);
    }));
  });
  it('rejects k below the number of centroids', () => {
    expect(() => clusterSums([[1]], [[0], [1]], 1)).toThrow(RangeError);
  });
});

describe('lloyd', () => {
  it('converges on a hand-checked 1-D dataset in 3 steps', () => {
    // Step 1: {1} | {2,3,10,11,12} → 1, 7.6. Step 2: {1,2,3} | {10,11,12} → 2, 11. Step 3: unchanged.
    const data = [[1], [2], [3], [10], [11], [12]];
    const r = lloyd(data, [[1], [2]]);
    expect(r.centroids).toEqual([[2], [11]]);
    expect(r.iterations).toBe(3);
    expect(r.converged).toBe(true);
    expect(r.inertia).toBeCloseTo(4 / 6, 15);
    const one = lloyd(data, [[1], [2]], { maxIterations: 1 });
    expect(one.centroids[0]).toEqual([1]);
    expect(one.centroids[1]![0]).toBeCloseTo(7.6, 14);
    expect(one.converged).toBe(false);
  });
  it('keeps an empty cluster at its previous centroid', () => {
    const data = [[0, 0], [0, 1], [10, 0], [10, 1]];
    const r = lloyd(data, [[0, 0], [100, 100], [10, 0.5]]);
    expect(r.centroids).toEqual([[0, 0.5], [100, 100], [10, 0.5]]);
    expect(r.converged).toBe(true);
    expect(r.inertia).toBeCloseTo(0.25, 15);
  });
  it('returns the initial centroids for maxIterations = 0, and does not alias the input', () => {
    const init = [[1], [5]];
    const r = lloyd([[0], [6]], init, { maxIterations: 0 });
    expect(r).toMatchObject({ centroids: [[1], [5]], iterations: 0, converged: false, inertia: 1 });
    r.centroids[0]![0] = 99;
    expect(init[0]![0]).toBe(1);
  });
  it('never increases inertia from one iteration to the next (property)', () => {
    fc.assert(fc.property(problem, ({ data, centroids }) => {
      let prev = inertia(data, centroids);
      for (let i = 1; i <= 6; i++) {
        const cur = lloyd(data, centroids, { maxIterations: i }).inertia;
        expect(cur).toBeLessThanOrEqual(prev * (1 + 1e-12) + 1e-12);
        prev = cur;
      }
    }));
  });
  it('stops early with a tolerance', () => {
    const data = [[1], [2], [3], [10], [11], [12]];
    expect(lloyd(data, [[1], [2]], { tolerance: 10 }).iterations).toBe(1);
  });
  it('validates its input', () => {
    expect(() => lloyd([], [[0]])).toThrow(/empty/);
    expect(() => lloyd([[NaN]], [[0]])).toThrow(/data\[0\]/);
    expect(() => lloyd([[1, 2]], [[0]])).toThrow(/expected length 1/);
    expect(() => lloyd([[1]], [[0]], { maxIterations: -1 })).toThrow(RangeError);
    expect(() => lloyd([[1]], [[0]], { tolerance: NaN })).toThrow(RangeError);
  });
});

describe('squaredDistanceSum', () => {
  it('is inertia × n without a cap, and caps each series', () => {
    fc.assert(fc.property(problem, ({ data, centroids }) => {
      expect(squaredDistanceSum(data, centroids)).toBeCloseTo(inertia(data, centroids) * data.length, 9);
      const capped = data.reduce((s, x) => s + Math.min(2, nearestCentroid(x, centroids).distance2), 0);
      expect(squaredDistanceSum(data, centroids, 2)).toBe(capped);
    }));
    expect(squaredDistanceSum([[0], [10]], [[1]], 25)).toBe(1 + 25);
    expect(squaredDistanceSum([], [[1]])).toBe(0);
    expect(() => squaredDistanceSum([[0]], [[1]], -1)).toThrow(/cap/);
  });
});
