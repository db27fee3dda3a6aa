import { describe, expect, it } from 'vitest';
import { laplaceCdf } from '../../../src/core/dp/laplace';
import { noiseShare, noiseShareSampler, noiseSharesVector, oversizedContributors } from '../../../src/core/dp/noise-shares';
import { sampleStandardNormal } from '../../../src/core/dp/normal';
import { seededRng } from '../../../src/core/rng';
import type { Rng } from '../../../src/core/rng';
import { ksCritical, ksStatistic } from '../../util/ks';

const m = 2000;
const b = 2;

/** m draws of the sum of `summed` shares calibrated for `calibrated` contributors. */
function shareSums(rng: Rng, calibrated: number, summed: number): number[] {
  return Array.from({ length: m }, () => {
    let s = 0;
    for (let i = 0; i < summed; i++) s += noiseShare(rng, calibrated, b);
    return s;
  });
}
const lap = (x: number): number => laplaceCdf(x, b);

describe('noiseShare: n shares sum to Laplace(b)', () => {
  it.each([50, 1000])('KS test of the sum of n = %i shares against Laplace(b) (1% level)', (n) => {
    const xs = shareSums(seededRng(n), n, n);
    expect(ksStatistic(xs, lap)).toBeLessThan(ksCritical(m));
  });
  it('negative control: the same test rejects a Normal of the same variance 2b²', () => {
    const rng = seededRng(50);
    const xs = Array.from({ length: m }, () => Math.SQRT2 * b * sampleStandardNormal(rng));
    expect(ksStatistic(xs, lap)).toBeGreaterThan(ksCritical(m));
  });
  it('negative control: rejects the sum when only half of the calibrated contributors add a share', () => {
    const xs = shareSums(seededRng(51), 50, 25);
    expect(ksStatistic(xs, lap)).toBeGreaterThan(ksCritical(m));
  });
  it('a single share (n = 1) is Laplace(b) itself', () => {
    const xs = shareSums(seededRng(52), 1, 1);
    expect(ksStatistic(xs, lap)).toBeLessThan(ksCritical(m));
  });
  it('rejects bad contributors and scales', () => {
    const rng = seededRng(1);
    expect(() => noiseShare(rng, 0, 1)).toThrow(/contributors/);
    expect(() => noiseShare(rng, 2.5, 1)).toThrow(/contributors/);
    expect(() => noiseShare(rng, 10, 0)).toThrow(/scale/);
    expect(() => noiseShare(rng, 10, NaN)).toThrow(/scale/);
  });
});

describe('noiseSharesVector', () => {
  it('coordinate-wise sums over n contributors are Laplace(b) (pooled KS)', () => {
    // A 1 % KS test rejects 1 seed in 100 by design. Seed 60 did after the gamma sampler started drawing E
    // first; over seeds 60–89: 1 rejection, √m·D mean 0.87 (KS law: 0.87), and 0 of 4 at m = 20,000.
    const rng = seededRng(61);
    const n = 50, T = 4;
    const pooled: number[] = [];
    for (let r = 0; r < m / T; r++) {
      const acc = new Float64Array(T);
      for (let i = 0; i < n; i++) noiseSharesVector(rng, T, n, b).forEach((v, t) => { acc[t]! += v; });
      pooled.push(...acc);
    }
    expect(ksStatistic(pooled, lap)).toBeLessThan(ksCritical(m));
  });
  it('noiseShareSampler draws exactly what noiseShare draws, and validates', () => {
    for (const n of [1, 7, 100_000]) {
      const a = seededRng(8), c = seededRng(8), s = noiseShareSampler(n, 3);
      for (let i = 0; i < 200; i++) expect(s(a)).toBe(noiseShare(c, n, 3));
    }
    expect(() => noiseShareSampler(0, 1)).toThrow(/contributors/);
    expect(() => noiseShareSampler(2, 0)).toThrow(/scale/);
  });
  it('is deterministic for a seeded rng and has the requested length', () => {
    const a = noiseSharesVector(seededRng(3), 5, 10, 1);
    expect(a).toBeInstanceOf(Float64Array);
    expect(a).toHaveLength(5);
    expect(noiseSharesVector(seededRng(3), 5, 10, 1)).toEqual(a);
    expect(noiseSharesVector(seededRng(3), 0, 10, 1)).toHaveLength(0);
    expect(() => noiseSharesVector(seededRng(3), -1, 10, 1)).toThrow(/length/);
  });
});

describe('oversizedContributors', () => {
  it('is floor(n·(1 − dropout)), at least 1', () => {
    expect(oversizedContributors(100, 0)).toBe(100);
    expect(oversizedContributors(100, 0.2)).toBe(80);
    expect(oversizedContributors(10, 0.25)).toBe(7);
    expect(oversizedContributors(3, 0.9)).toBe(1);
  });
  it('rejects a bad population or dropout fraction', () => {
    expect(() => oversizedContributors(0, 0.1)).toThrow(RangeError);
    expect(() => oversizedContributors(10, 1)).toThrow(/\[0, 1\)/);
    expect(() => oversizedContributors(10, -0.1)).toThrow(RangeError);
  });
  it('keeps at least Laplace(b): exactly n′ contributors give Laplace(b), all n give variance 2b²·n/n′', () => {
    const n = 100, np = oversizedContributors(n, 0.2);
    expect(ksStatistic(shareSums(seededRng(70), np, np), lap)).toBeLessThan(ksCritical(m));
    const all = shareSums(seededRng(71), np, n);
    const v = all.reduce((s, x) => s + x * x, 0) / m;
    const expected = 2 * b * b * (n / np);
    // Sum = Gamma(α) − Gamma(α) with α = n/n′: E X⁴ = 2·(α)(α+1)(α+2)(α+3)b⁴ − … ; use a loose 5σ with
    // the Laplace-like kurtosis bound Var(X²) ≤ 6·(E X²)².
    expect(Math.abs(v - expected)).toBeLessThan(5 * Math.sqrt(6 / m) * expected);
    expect(v).toBeGreaterThan(2 * b * b);
  });
});
