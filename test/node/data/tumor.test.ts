import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../src/core/rng';
import { generateTumorDataset, sampleTumorParams, TUMOR_DEFAULTS, tumorCurve } from '../../../src/data/tumor';

const arr = (s: Float64Array): number[] => Array.from(s);

function meanSd(xs: number[]): [number, number] {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return [m, Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1))];
}

describe('tumorCurve', () => {
  it('matches known values of the Claret model (computed independently)', () => {
    const p = { y0: 80, KL: 0.015, KD: 0.058, lambda: 0.042 };
    expect(tumorCurve(p, 0)).toBe(80);
    expect(tumorCurve(p, 5)).toBeCloseTo(66.38376331265188, 10);
    expect(tumorCurve(p, 20)).toBeCloseTo(49.26657843443657, 10);
    // Without drug effect it is pure exponential growth.
    expect(tumorCurve({ ...p, KD: 0 }, 10)).toBeCloseTo(80 * Math.exp(0.15), 10);
  });
});

describe('generateTumorDataset', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = generateTumorDataset(seededRng(7), 30, { seriesPerPatient: 2 });
    const b = generateTumorDataset(seededRng(7), 30, { seriesPerPatient: 2 });
    const c = generateTumorDataset(seededRng(8), 30, { seriesPerPatient: 2 });
    const flat = (d: typeof a): number[][] => d.owners.flatMap((o) => o.series.map(arr));
    expect(flat(a)).toEqual(flat(b));
    expect(flat(a)).not.toEqual(flat(c));
  });

  it('has the requested shape: patients, series per patient, 20 weekly values in [0, hi]', () => {
    const ds = generateTumorDataset(seededRng(1), 1234, { seriesPerPatient: 3 });
    expect([ds.name, ds.T, ds.lo, ds.hi, ds.unit]).toEqual(['tumor', 20, 0, TUMOR_DEFAULTS.hi, 'mm']);
    expect(ds.owners.length).toBe(1234);
    expect(ds.owners[0]!.id).toBe('patient-0001');
    expect(ds.owners[1233]!.id).toBe('patient-1234');
    expect(new Set(ds.owners.map((o) => o.id)).size).toBe(1234);
    let lo = Infinity, hi = -Infinity, bad = 0;
    for (const o of ds.owners) {
      if (o.series.length !== 3 || o.series.some((s) => s.length !== 20)) bad++;
      for (const s of o.series) for (const v of s) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    }
    expect(bad).toBe(0);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(ds.hi);
  });

  it('without variability or noise every series is the median curve', () => {
    const ds = generateTumorDataset(seededRng(3), 4, { y0LogSd: 0, rateLogSd: 0, noiseSd: 0, seriesPerPatient: 2 });
    const median = Array.from({ length: 20 }, (_, t) => tumorCurve({ y0: 80, KL: 0.015, KD: 0.058, lambda: 0.042 }, t));
    for (const o of ds.owners) for (const s of o.series) expect(arr(s)).toEqual(median);
  });

  it('clips to [0, hi]', () => {
    const ds = generateTumorDataset(seededRng(4), 200, { hi: 60, noiseSd: 40 });
    const all = ds.owners.flatMap((o) => o.series.flatMap(arr));
    expect(Math.max(...all)).toBe(60);
    expect(Math.min(...all)).toBe(0);
  });

  it('sampled parameters are log-normal with the documented medians and log-SDs (fixed seed)', () => {
    const rng = seededRng(2024);
    const n = 4000;
    const ps = Array.from({ length: n }, () => sampleTumorParams(rng));
    const checks: Array<[keyof (typeof ps)[0], number, number]> = [
      ['y0', TUMOR_DEFAULTS.y0Median, TUMOR_DEFAULTS.y0LogSd],
      ['KL', 0.015, 0.6], ['KD', 0.058, 0.6], ['lambda', 0.042, 0.6],
    ];
    for (const [key, median, logSd] of checks) {
      const [m, sd] = meanSd(ps.map((p) => Math.log(p[key])));
      // 5 standard errors: SE(mean) = σ/√n, SE(sd) ≈ σ/√(2n).
      expect(Math.abs(m - Math.log(median)), `${key} log-mean`).toBeLessThan(5 * logSd / Math.sqrt(n));
      expect(Math.abs(sd - logSd), `${key} log-sd`).toBeLessThan(5 * logSd / Math.sqrt(2 * n));
    }
  });

  it('baseline and measurement noise show up in the generated values (fixed seed)', () => {
    const n = 4000;
    const ds = generateTumorDataset(seededRng(99), n);
    const [m0] = meanSd(ds.owners.map((o) => o.series[0]![0]!));
    // E[y0] = median · exp(σ²/2); SE ≈ √(26² + 15²)/√n ≈ 0.48.
    expect(Math.abs(m0 - 80 * Math.exp(0.3 ** 2 / 2))).toBeLessThan(2.5);
    // Noise only: without variability the residual SD is the noise SD 15.
    const flat = generateTumorDataset(seededRng(5), n, { y0LogSd: 0, rateLogSd: 0 });
    const [, sd] = meanSd(flat.owners.map((o) => o.series[0]![10]! - tumorCurve({ y0: 80, KL: 0.015, KD: 0.058, lambda: 0.042 }, 10)));
    expect(Math.abs(sd - 15)).toBeLessThan(5 * 15 / Math.sqrt(2 * n));
  });

  it('rejects bad input', () => {
    expect(() => generateTumorDataset(seededRng(1), 0)).toThrow(/patients must be a positive integer/);
    expect(() => generateTumorDataset(seededRng(1), 1.5)).toThrow(RangeError);
    expect(() => generateTumorDataset(seededRng(1), 2, { seriesPerPatient: 0 })).toThrow(/seriesPerPatient/);
    expect(() => generateTumorDataset(seededRng(1), 2, { weeks: 2.5 })).toThrow(/weeks/);
    expect(() => generateTumorDataset(seededRng(1), 2, { noiseSd: -1 })).toThrow(/noiseSd/);
    expect(() => generateTumorDataset(seededRng(1), 2, { hi: 0 })).toThrow(/hi must be a positive/);
    expect(() => generateTumorDataset(seededRng(1), 2, { klMedian: NaN })).toThrow(/klMedian/);
  });
});
