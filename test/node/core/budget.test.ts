import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ACCOUNTANT_TOLERANCE, allocateBudget, createAccountant, nextDown, optimalSumsFraction, splitIterationBudget,
} from '../../../src/core/dp/budget';
import { sampleLaplace } from '../../../src/core/dp/laplace';
import { seededRng } from '../../../src/core/rng';

const seqSum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);
/**
 * Exact sum of doubles as a bigint multiple of 2^-1074, computed independently of the module's
 * bit-level helper: scaling by powers of two is exact, so x·2^k is an integer for some k ≤ 1074+.
 */
const exactSum = (xs: readonly number[]): bigint => xs.reduce((s, x) => {
  let k = 0, m = x;
  while (!Number.isInteger(m)) { m *= 2 ** 32; k += 32; }
  return s + (BigInt(m) << BigInt(1088 - k));
}, 0n);

describe('nextDown', () => {
  it('returns the previous double', () => {
    expect(nextDown(1)).toBe(1 - 2 ** -53);
    expect(nextDown(Number.MIN_VALUE)).toBe(0);
    expect(() => nextDown(0)).toThrow(RangeError);
  });
});

describe('allocateBudget', () => {
  it('geometric: ε/2, ε/4, …, remainder to the last', () => {
    expect(allocateBudget('geometric', 1, 1)).toEqual([1]);
    expect(allocateBudget('geometric', 1, 3)).toEqual([0.5, 0.25, 0.25]);
    expect(allocateBudget('geometric', 8, 4)).toEqual([4, 2, 1, 1]);
  });
  it('uniform: corrects float rounding where the naive ε/I parts sum above ε', () => {
    const naive = new Array<number>(7).fill(0.1 / 7);
    expect(seqSum(naive)).toBeGreaterThan(0.1); // the case exists
    const parts = allocateBudget('uniform', 0.1, 7);
    expect(seqSum(parts)).toBeLessThanOrEqual(0.1);
    expect(parts.slice(0, 6)).toEqual(naive.slice(0, 6));
    expect(parts[6]).toBeLessThan(naive[6]!);
  });
  it('uniform: the exact real sum is ≤ ε too, not only the float sum', () => {
    // 15 × fl(0.1/15) sums to ≤ 0.1 in floats but exceeds 0.1 in exact arithmetic.
    const naive = new Array<number>(15).fill(0.1 / 15);
    expect(seqSum(naive)).toBeLessThanOrEqual(0.1);
    expect(exactSum(naive)).toBeGreaterThan(exactSum([0.1]));
    const parts = allocateBudget('uniform', 0.1, 15);
    expect(exactSum(parts)).toBeLessThanOrEqual(exactSum([0.1]));
    expect(parts[14]).toBeLessThan(0.1 / 15);
  });
  it('geometric: lowers the last part when the float sum rounds above ε (ε = 7.7, I = 53)', () => {
    const parts = allocateBudget('geometric', 7.7, 53);
    expect(seqSum(parts)).toBeLessThanOrEqual(7.7);
    expect(parts[52]).toBeGreaterThan(0);
    expect(parts[52]).toBeLessThan(7.7 / 2 ** 52);
  });
  it('geometric: still positive when the float sum of all but the last already rounds to ε', () => {
    for (const [eps, I] of [[1, 55], [7.7, 54], [0.1, 54]] as const) {
      let head = 0;
      for (let l = 1; l < I; l++) head += eps / 2 ** l;
      expect(head).toBeGreaterThanOrEqual(eps); // the case exists
      const parts = allocateBudget('geometric', eps, I);
      expect(parts[I - 1]).toBeGreaterThan(0);
      expect(seqSum(parts)).toBeLessThanOrEqual(eps);
      expect(exactSum(parts) <= exactSum([eps])).toBe(true);
    }
  });
  it('geometric with many iterations: real sum exactly ε, no zero part', () => {
    const parts = allocateBudget('geometric', 1, 80);
    expect(exactSum(parts)).toBe(exactSum([1]));
    expect(parts[79]).toBe(2 ** -79);
  });
  it('sums to at most ε (and not much less), each part > 0 (property)', () => {
    fc.assert(fc.property(
      fc.constantFrom('uniform' as const, 'geometric' as const),
      fc.double({ min: 1e-4, max: 100, noNaN: true }),
      fc.integer({ min: 1, max: 300 }),
      (strategy, eps, I) => {
        const parts = allocateBudget(strategy, eps, I);
        // One expect per property (per-element expects dominate the run time).
        expect(parts).toHaveLength(I);
        expect(parts.every((p) => p > 0)).toBe(true);
        const s = seqSum(parts);
        expect(s).toBeLessThanOrEqual(eps);
        expect(exactSum(parts) <= exactSum([eps])).toBe(true);
        expect(s).toBeGreaterThanOrEqual(eps * (1 - 1e-12));
        if (strategy === 'uniform') {
          // All but the last are exactly ε/I; the last absorbs the rounding (≤ I ulps of ε).
          expect(parts.slice(0, -1).every((p) => p === eps / I)).toBe(true);
          expect(Math.abs(parts[I - 1]! - eps / I)).toBeLessThanOrEqual(I * eps * 2 ** -52);
        } else {
          // ε/2, ε/4, …; the last (ε/2^(I−1)) may be lowered when the float sum rounds above ε.
          expect(parts.slice(0, -1).every((p, l) => p === eps / 2 ** (l + 1))).toBe(true);
          expect(parts[I - 1]).toBeLessThanOrEqual(eps / 2 ** (I - 1));
        }
      }), { numRuns: 300 });
  });
  it('rejects bad input, and geometric with so many iterations a part would be 0', () => {
    expect(() => allocateBudget('uniform', 0, 3)).toThrow(/epsilon/);
    expect(() => allocateBudget('uniform', 1, 0)).toThrow(/iterations/);
    expect(() => allocateBudget('uniform', 1, 2.5)).toThrow(/iterations/);
    expect(() => allocateBudget('linear' as never, 1, 3)).toThrow(/unknown strategy/);
    expect(() => allocateBudget('geometric', 1, 1200)).toThrow(/too small/);
    expect(() => allocateBudget('uniform', Number.MIN_VALUE, 3)).toThrow(/too small/);
  });
});

describe('splitIterationBudget / optimalSumsFraction', () => {
  it('defaults to 0.5 and never exceeds ε (property)', () => {
    expect(splitIterationBudget(1)).toEqual({ sums: 0.5, counts: 0.5 });
    fc.assert(fc.property(fc.double({ min: 1e-6, max: 1e3, noNaN: true }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (eps, f) => {
      const { sums, counts } = splitIterationBudget(eps, f);
      expect(sums).toBeGreaterThan(0);
      expect(counts).toBeGreaterThan(0);
      expect(sums + counts).toBeLessThanOrEqual(eps);
      expect(sums).toBeCloseTo(eps * f, 10);
    }));
    expect(() => splitIterationBudget(1, 1)).toThrow(/sumsFraction/);
    expect(() => splitIterationBudget(-1)).toThrow(/epsilon/);
  });
  it('optimalSumsFraction: known values and a minimum of T²/x² + ρ/(1−x)²', () => {
    expect(optimalSumsFraction(1)).toBeCloseTo(0.5, 15);
    expect(optimalSumsFraction(24)).toBeCloseTo(0.8927, 4);
    expect(optimalSumsFraction(8)).toBeCloseTo(0.8, 15); // 8^(2/3) = 4
    fc.assert(fc.property(fc.integer({ min: 1, max: 500 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (T, rho) => {
      const x = optimalSumsFraction(T, rho);
      const err = (f: number): number => (T * T) / (f * f) + rho / ((1 - f) * (1 - f));
      for (const d of [-1e-3, 1e-3]) if (x + d > 0 && x + d < 1) expect(err(x)).toBeLessThanOrEqual(err(x + d));
    }));
    expect(() => optimalSumsFraction(0)).toThrow(RangeError);
    expect(() => optimalSumsFraction(24, 0)).toThrow(/fill/);
  });
  it('the optimal split lowers the centroid error ≈ 2.8× vs 0.5 at T = 24 (Monte Carlo, fixed seed)', () => {
    // One cluster of c = 2000 series in [0, 1], centroid μ = 1 (worst case ρ = 1), L = 1, ε = 1.
    const T = 24, c = 2000, eps = 1, reps = 3000;
    const mse = (f: number): number => {
      const rng = seededRng(99);
      const { sums, counts } = splitIterationBudget(eps, f);
      const bs = T / sums, bc = 1 / counts;
      let e = 0;
      for (let r = 0; r < reps; r++) {
        const nc = c + sampleLaplace(rng, bc);
        for (let t = 0; t < T; t++) e += ((c + sampleLaplace(rng, bs)) / nc - 1) ** 2;
      }
      return e / reps;
    };
    const ratio = mse(0.5) / mse(optimalSumsFraction(T));
    expect(ratio).toBeGreaterThan(2.4);
    expect(ratio).toBeLessThan(3.3);
  });
});

describe('createAccountant', () => {
  it('spends allocated budgets exactly to the end, then refuses more', () => {
    for (const strategy of ['uniform', 'geometric'] as const) {
      const acc = createAccountant(0.1);
      for (const e of allocateBudget(strategy, 0.1, 7)) acc.spend(e);
      expect(acc.spent()).toBeLessThanOrEqual(0.1);
      expect(acc.remaining()).toBeLessThan(1e-15);
      expect(() => acc.spend(1e-6)).toThrow(RangeError);
    }
  });
  it('accepts per-iteration sums + counts splits spent separately (tolerance absorbs rounding)', () => {
    fc.assert(fc.property(fc.double({ min: 1e-3, max: 10, noNaN: true }), fc.integer({ min: 1, max: 50 }), fc.double({ min: 0.05, max: 0.95, noNaN: true }), (eps, I, f) => {
      const acc = createAccountant(eps);
      for (const e of allocateBudget('uniform', eps, I)) {
        const { sums, counts } = splitIterationBudget(e, f);
        acc.spend(sums);
        acc.spend(counts);
      }
      expect(acc.spent()).toBeLessThanOrEqual(eps * (1 + ACCOUNTANT_TOLERANCE));
    }));
  });
  it('throws on over-spend and records nothing', () => {
    const acc = createAccountant(1);
    expect(acc.spend(0.6)).toBeCloseTo(0.4, 15);
    expect(acc.canSpend(0.5)).toBe(false);
    expect(() => acc.spend(0.5)).toThrow(/exceed/);
    expect(acc.spent()).toBe(0.6);
    expect(acc.remaining()).toBeCloseTo(0.4, 15);
    expect(acc.canSpend(0.4)).toBe(true);
    acc.spend(0.4);
    expect(acc.total).toBe(1);
  });
  it('rejects bad totals and spends', () => {
    expect(() => createAccountant(0)).toThrow(RangeError);
    expect(() => createAccountant(Infinity)).toThrow(RangeError);
    const acc = createAccountant(1);
    expect(() => acc.spend(-0.1)).toThrow(/non-negative/);
    expect(() => acc.spend(NaN)).toThrow(RangeError);
  });
});
