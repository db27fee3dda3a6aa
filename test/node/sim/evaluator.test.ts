import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { inertia, lloyd } from '../../../src/core/kmeans';
import { seededRng } from '../../../src/core/rng';
import { createClippedEvaluator, createEvaluator } from '../../../src/sim/evaluator';

// Small integer values make ties (equal distances) and empty clusters frequent: the flat evaluator
// must break ties and keep empty clusters exactly like src/core/kmeans.
const value = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ min: -100, max: 100, noNaN: true }));
const problem = fc.integer({ min: 1, max: 5 }).chain((T) =>
  fc.record({
    data: fc.array(fc.array(value, { minLength: T, maxLength: T }), { minLength: 1, maxLength: 40 }),
    initial: fc.array(fc.array(value, { minLength: T, maxLength: T }), { minLength: 1, maxLength: 6 }),
  }));

describe('flat evaluator', () => {
  it('reference and inertia are bit-identical to core lloyd / inertia', () => {
    fc.assert(fc.property(problem, ({ data, initial }) => {
      const ev = createEvaluator(data.map((s) => Float64Array.from(s)));
      const want = lloyd(data, initial, { maxIterations: 10_000 });
      const got = ev.reference(initial);
      expect(got.centroids).toEqual(want.centroids);
      expect(got.iterations).toBe(want.iterations);
      expect(Object.is(got.inertia, want.inertia)).toBe(true);
      expect(Object.is(ev.inertia(initial), inertia(data, initial))).toBe(true);
      expect(Object.is(ev.inertia(want.centroids), want.inertia)).toBe(true);
    }), { numRuns: 300, seed: 42 });
  });

  it('is bit-identical on a larger clustered data set (many Lloyd steps, most series skipped)', () => {
    const rng = seededRng(9);
    const centres = Array.from({ length: 12 }, () => Array.from({ length: 8 }, () => rng.nextFloat() * 100));
    const data = Array.from({ length: 3000 }, (_, i) => Float64Array.from(centres[i % 12]!, (v) => v + (rng.nextFloat() - 0.5) * 60));
    const initial = Array.from({ length: 10 }, () => Array.from({ length: 8 }, () => rng.nextFloat() * 100));
    const want = lloyd(data, initial, { maxIterations: 10_000 });
    const got = createEvaluator(data).reference(initial);
    expect(want.iterations).toBeGreaterThan(5);
    expect(got.iterations).toBe(want.iterations);
    expect(got.centroids).toEqual(want.centroids);
    expect(Object.is(got.inertia, want.inertia)).toBe(true);
  });

  it('caches the reference and validates shapes', () => {
    const ev = createEvaluator([[0, 0], [10, 10], [11, 9]]);
    const r = ev.reference([[1, 1], [9, 9]]);
    expect(r.centroids).toEqual([[0, 0], [10.5, 9.5]]);
    expect(r.inertia).toBeCloseTo((0.25 + 0.25 + 0.25 + 0.25) / 3, 12);
    expect(ev.reference([[5, 5]])).toBe(r);
    expect(() => createEvaluator([])).toThrow(RangeError);
    expect(() => createEvaluator([[1, 2], [1]])).toThrow(/length/);
    expect(() => ev.inertia([[1, 2, 3]])).toThrow(/length/);
    expect(() => ev.inertia([])).toThrow(/at least one centroid/);
  });

  it('a round\'s evaluator scores the series clipped to the public range, as the participants contribute them', () => {
    const data = [Float64Array.of(0, 10), Float64Array.of(-2, 1)];
    const ev = createClippedEvaluator(data, 0, 4);
    // Clipped: (0, 4) and (0, 1); at the centroid (0, 2): (0 + 4 + 0 + 1) / 2.
    expect(ev.inertia([[0, 2]])).toBe(2.5);
    expect(createEvaluator(data).inertia([[0, 2]])).toBe((64 + 4 + 1) / 2);
    expect(ev.reference([[0, 4], [0, 1]]).inertia).toBe(0);
  });
});
