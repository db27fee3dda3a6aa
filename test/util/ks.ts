/**
 * One-sample Kolmogorov–Smirnov test for the statistical tests of samplers.
 * @module
 */

/**
 * The KS statistic D = sup_x |F_m(x) − F(x)| of `samples` against the continuous CDF `cdf`.
 * @throws RangeError on an empty sample, a NaN sample or a CDF value outside [0, 1]
 */
export function ksStatistic(samples: ArrayLike<number>, cdf: (x: number) => number): number {
  const m = samples.length;
  if (m === 0) throw new RangeError('ksStatistic: empty sample');
  const xs = Float64Array.from(samples).sort();
  if (Number.isNaN(xs[m - 1])) throw new RangeError('ksStatistic: sample contains NaN');
  let d = 0;
  for (let i = 0; i < m; i++) {
    const f = cdf(xs[i]!);
    if (!(f >= 0 && f <= 1)) throw new RangeError(`ksStatistic: cdf(${xs[i]}) = ${f} is not in [0, 1]`);
    d = Math.max(d, f - i / m, (i + 1) / m - f);
  }
  return d;
}

/**
 * Asymptotic critical value c(α)/√m of the one-sample KS statistic, c(α) = √(−½·ln(α/2))
 * (α = 0.01 → 1.628/√m). D above it rejects "the sample comes from cdf" at level α.
 */
export function ksCritical(m: number, alpha = 0.01): number {
  if (!Number.isInteger(m) || m < 1) throw new RangeError(`ksCritical: m must be a positive integer, got ${m}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`ksCritical: alpha must be in (0, 1), got ${alpha}`);
  return Math.sqrt(-0.5 * Math.log(alpha / 2)) / Math.sqrt(m);
}
