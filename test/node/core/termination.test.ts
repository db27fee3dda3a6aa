import { describe, expect, it } from 'vitest';
import { maxCentroidShift, shouldStop, STOP_REASONS } from '../../../src/core/termination';

describe('maxCentroidShift', () => {
  it('is the largest Euclidean move', () => {
    expect(maxCentroidShift([[0, 0], [1, 1]], [[3, 4], [1, 2]])).toBe(5);
    expect(maxCentroidShift([[1]], [[1]])).toBe(0);
  });
  it('maps next to prev through kept after ejection', () => {
    expect(maxCentroidShift([[0], [10], [20]], [[0.5], [23]], [0, 2])).toBe(3);
    expect(() => maxCentroidShift([[0]], [[1]], [1])).toThrow(/not a previous centroid/);
    expect(() => maxCentroidShift([[0], [1]], [[1]])).toThrow(/pass kept/);
    expect(() => maxCentroidShift([[0], [1]], [[1]], [0, 1])).toThrow(/kept has 2/);
  });
});

describe('shouldStop', () => {
  const base = { iteration: 3, maxIterations: 10, budgetRemaining: 0.5, shift: 1, tolerance: 0.01 };
  it('continues while nothing applies', () => {
    expect(shouldStop(base)).toBeNull();
    expect(shouldStop({ ...base, shift: undefined })).toBeNull();
    expect(shouldStop({ ...base, shift: Infinity })).toBeNull();
  });
  it('stops for each reason, in order cap > budget > convergence', () => {
    expect(shouldStop({ ...base, iteration: 10 })).toBe('max-iterations');
    expect(shouldStop({ ...base, iteration: 10, budgetRemaining: 0, shift: 0 })).toBe('max-iterations');
    expect(shouldStop({ ...base, budgetRemaining: 0 })).toBe('budget-exhausted');
    expect(shouldStop({ ...base, budgetRemaining: 0.05, minEpsilon: 0.1 })).toBe('budget-exhausted');
    expect(shouldStop({ ...base, budgetRemaining: 0, shift: 0 })).toBe('budget-exhausted');
    expect(shouldStop({ ...base, shift: 0.01 })).toBe('converged');
  });
  it('tolerance 0 never stops on stability, not even for a shift of exactly 0', () => {
    expect(shouldStop({ ...base, tolerance: 0, shift: 0 })).toBeNull();
    expect(shouldStop({ ...base, tolerance: 0, shift: 0, iteration: 10 })).toBe('max-iterations');
    expect(shouldStop({ ...base, tolerance: 1e-12, shift: 0 })).toBe('converged');
  });
  it('stops with all-centroids-ejected when nothing is alive, before any other reason', () => {
    expect(shouldStop({ ...base, alive: 0 })).toBe('all-centroids-ejected');
    expect(shouldStop({ ...base, alive: 0, iteration: 10, budgetRemaining: 0, shift: 0 })).toBe('all-centroids-ejected');
    expect(shouldStop({ ...base, alive: 1 })).toBeNull();
    expect(STOP_REASONS).toContain(shouldStop({ ...base, alive: 0 }));
    expect(() => shouldStop({ ...base, alive: -1 })).toThrow(/alive/);
    expect(() => shouldStop({ ...base, alive: 1.5 })).toThrow(/alive/);
  });
  it('rejects bad input', () => {
    expect(() => shouldStop({ ...base, iteration: -1 })).toThrow(RangeError);
    expect(() => shouldStop({ ...base, maxIterations: 1.5 })).toThrow(RangeError);
    expect(() => shouldStop({ ...base, budgetRemaining: NaN })).toThrow(RangeError);
    expect(() => shouldStop({ ...base, shift: NaN })).toThrow(RangeError);
    expect(() => shouldStop({ ...base, tolerance: -1 })).toThrow(RangeError);
  });
});
