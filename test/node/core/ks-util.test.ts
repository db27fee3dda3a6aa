import { describe, expect, it } from 'vitest';
import { ksCritical, ksStatistic } from '../../util/ks';
import { gammaCdf, gammaPFromLog, lnGamma, normalCdf } from '../../util/special';

const uniform = (x: number): number => Math.min(1, Math.max(0, x));

describe('test/util/ks', () => {
  it('computes known KS statistics', () => {
    expect(ksStatistic([0.5], uniform)).toBe(0.5);
    expect(ksStatistic([0.25, 0.75], uniform)).toBe(0.25);
    expect(ksStatistic([0.9, 0.1], uniform)).toBeCloseTo(0.4, 15);
  });
  it('has the tabulated 1% critical value 1.628/√m', () => {
    expect(ksCritical(10_000)).toBeCloseTo(0.016276, 6);
    expect(ksCritical(100, 0.05)).toBeCloseTo(0.1358, 4);
  });
  it('rejects bad input', () => {
    expect(() => ksStatistic([], uniform)).toThrow(RangeError);
    expect(() => ksStatistic([NaN], uniform)).toThrow(RangeError);
    expect(() => ksStatistic([0.5], () => 2)).toThrow(RangeError);
  });
});

describe('test/util/special', () => {
  it('matches known values', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(gammaCdf(1, 1, 1)).toBeCloseTo(1 - Math.exp(-1), 12); // exponential
    expect(gammaCdf(6, 1, 2)).toBeCloseTo(1 - Math.exp(-3), 12);
    expect(gammaCdf(3, 2, 1)).toBeCloseTo(1 - 4 * Math.exp(-3), 12); // Erlang(2)
    expect(gammaCdf(0.5, 0.5, 1)).toBeCloseTo(0.6826894921, 8); // χ²₁ at 1 = P(|Z| < 1)
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 6);
    // Tiny shape, log scale: P(a, x) ≈ x^a / Γ(a + 1) for small x.
    expect(gammaPFromLog(1e-6, -693147.18)).toBeCloseTo(0.5, 5);
  });
});
