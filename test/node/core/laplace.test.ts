import { describe, expect, it } from 'vitest';
import { laplaceCdf, laplaceScale, sampleExp1, sampleLaplace } from '../../../src/core/dp/laplace';
import { seededRng } from '../../../src/core/rng';
import { ksCritical, ksStatistic } from '../../util/ks';

describe('laplaceCdf', () => {
  it('matches known values', () => {
    expect(laplaceCdf(0, 2)).toBe(0.5);
    expect(laplaceCdf(-2 * Math.LN2, 2)).toBeCloseTo(0.25, 15);
    expect(laplaceCdf(2 * Math.LN2, 2)).toBeCloseTo(0.75, 15);
    expect(laplaceCdf(-Infinity, 1)).toBe(0);
    expect(laplaceCdf(Infinity, 1)).toBe(1);
  });
  it('rejects a bad scale or NaN', () => {
    expect(() => laplaceCdf(0, 0)).toThrow(RangeError);
    expect(() => laplaceCdf(NaN, 1)).toThrow(RangeError);
  });
});

describe('sampleLaplace', () => {
  const m = 5000;
  it('passes a KS test against Laplace(b) (fixed seed, 1% level)', () => {
    const rng = seededRng(11);
    const xs = Array.from({ length: m }, () => sampleLaplace(rng, 3));
    expect(ksStatistic(xs, (x) => laplaceCdf(x, 3))).toBeLessThan(ksCritical(m));
  });
  it('negative control: the same KS test rejects Laplace(1.2·b)', () => {
    const rng = seededRng(11);
    const xs = Array.from({ length: m }, () => sampleLaplace(rng, 3.6));
    expect(ksStatistic(xs, (x) => laplaceCdf(x, 3))).toBeGreaterThan(ksCritical(m));
  });
  it('has variance 2b² (fixed seed, 5σ)', () => {
    const rng = seededRng(12);
    const n = 100_000;
    let s2 = 0;
    for (let i = 0; i < n; i++) s2 += sampleLaplace(rng, 1) ** 2;
    // Var(X²) = E X⁴ − (E X²)² = 24 − 4 = 20 for b = 1.
    expect(Math.abs(s2 / n - 2)).toBeLessThan(5 * Math.sqrt(20 / n));
  });
  it('rejects a non-positive or infinite scale', () => {
    expect(() => sampleLaplace(seededRng(1), 0)).toThrow(RangeError);
    expect(() => sampleLaplace(seededRng(1), Infinity)).toThrow(RangeError);
  });
  it('sampleExp1 is positive-or-zero and has mean 1 (5σ)', () => {
    const rng = seededRng(13);
    const n = 50_000;
    let s = 0, min = Infinity;
    for (let i = 0; i < n; i++) { const e = sampleExp1(rng); min = Math.min(min, e); s += e; }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(Math.abs(s / n - 1)).toBeLessThan(5 / Math.sqrt(n));
  });
});

describe('laplaceScale', () => {
  it('is Δ/ε and validates', () => {
    expect(laplaceScale(48, 0.5)).toBe(96);
    expect(() => laplaceScale(0, 1)).toThrow(/sensitivity/);
    expect(() => laplaceScale(1, -1)).toThrow(/epsilon/);
    expect(() => laplaceScale(1, Infinity)).toThrow(/epsilon/);
  });
});
