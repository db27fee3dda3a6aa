/**
 * Gamma variates for noise shares, where the shape is 1/n and n can reach 10^6.
 *
 * Shape ≥ 1: Marsaglia & Tsang (2000). Shape a < 1: the boost G_a = G_{a+1} · U^(1/a), computed in
 * log space as ln G_a = ln G_{a+1} − E/a with E = −ln U ~ Exp(1) taken from log1p. For a = 10^-6
 * the typical ln G_a is around −10^6, so G_a itself underflows to 0 — which is the correctly rounded
 * value, not a bias: such draws contribute nothing to a sum. What matters for the sum of n shares
 * are the rare large draws, which come from small E; E is resolved down to 2^-53, far below the
 * ≈ a·|ln x| needed for a draw above any x that doubles can see. {@link sampleLogGamma} exposes the
 * log-space value for tests and callers that need it.
 *
 * Speed for tiny shapes (n up to 10^6 shares per coordinate): E is drawn first, and when
 * E/a > {@link EXP_UNDERFLOW} + ln(max G_{a+1}) the result is exactly 0 whatever G_{a+1} would be,
 * so that draw is skipped. This is exact, not an approximation: G_{a+1} from Marsaglia–Tsang is
 * d·(1 + c·x)³ with x a polar-method normal, |x| ≤ √(−2 ln s) ≤ √(2·745) for any double s > 0, which
 * bounds G_{a+1}; and Math.exp(y) is exactly 0 for y ≤ −746. For a = 10^-5 this skips 99.2 % of the
 * Marsaglia–Tsang draws (the cost per share drops to one uniform and one log1p).
 * @module
 */
import type { Rng } from '../rng';
import { sampleExp1 } from './laplace';
import { sampleStandardNormal } from './normal';

function checkShape(fn: string, shape: number): void {
  if (!(shape > 0) || !Number.isFinite(shape)) throw new RangeError(`${fn}: shape must be a positive finite number, got ${shape}`);
}

/** Marsaglia–Tsang for shape d + 1/3 ≥ 1, scale 1, with d and c = 1/√(9d) precomputed. */
function marsagliaTsang(rng: Rng, d: number, c: number): number {
  for (;;) {
    const x = sampleStandardNormal(rng);
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const u = rng.nextFloat();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Math.exp(y) === 0 for every y ≤ −EXP_UNDERFLOW (the smallest subnormal is e^−744.4). */
export const EXP_UNDERFLOW = 746;
/** |x| ≤ this for any polar-method normal: |x| ≤ √(−2 ln s) and s ≥ 5e-324 (the smallest double). */
const NORMAL_ABS_MAX = 38.6;

/**
 * The E above which G_a = G_{a+1}·e^(−E/a) is exactly 0 in doubles: E/a ≥ EXP_UNDERFLOW + 1 +
 * ln max G_{a+1} (one unit of margin covers the rounding of Math.log). Infinity for shape ≥ 1.
 */
function underflowE(shape: number, d: number, c: number): number {
  if (shape >= 1) return Infinity;
  const gMax = d * (1 + c * NORMAL_ABS_MAX) ** 3;
  return shape * (EXP_UNDERFLOW + 1 + Math.log(gMax));
}

/** ln G, G ~ Gamma(shape, 1), for a validated shape (constants precomputed by the caller). E first. */
function logGamma(rng: Rng, shape: number, d: number, c: number): number {
  if (shape >= 1) return Math.log(marsagliaTsang(rng, d, c));
  const e = sampleExp1(rng);
  return Math.log(marsagliaTsang(rng, d, c)) - e / shape;
}

/** Marsaglia–Tsang constants for a shape (boosted by 1 below 1). */
function constants(shape: number): [number, number] {
  const d = (shape >= 1 ? shape : shape + 1) - 1 / 3;
  return [d, 1 / Math.sqrt(9 * d)];
}

/**
 * ln G for G ~ Gamma(shape, 1). Finite for every shape (no underflow), so it is the accurate
 * quantity for tiny shapes.
 * @throws RangeError if shape is not a positive finite number
 */
export function sampleLogGamma(rng: Rng, shape: number): number {
  checkShape('sampleLogGamma', shape);
  const [d, c] = constants(shape);
  return logGamma(rng, shape, d, c);
}

/**
 * A sampler of Gamma(shape, scale) with the parameters validated and the constants computed once,
 * for hot loops (noise-share vectors). Same distribution and draws as {@link sampleGamma}; for
 * shape < 1 it equals scale·exp({@link sampleLogGamma}) on the same rng state, but skips the
 * G_{a+1} draw when the result is exactly 0 (so the rng stream may then advance less).
 * @throws RangeError if shape or scale is not a positive finite number
 */
export function gammaSampler(shape: number, scale: number): (rng: Rng) => number {
  checkShape('gammaSampler', shape);
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`gammaSampler: scale must be a positive finite number, got ${scale}`);
  const [d, c] = constants(shape);
  if (shape >= 1) return (rng) => scale * marsagliaTsang(rng, d, c);
  // E = −log1p(−U) > eZero ⇔ U > −expm1(−eZero). Comparing U itself saves the log for skipped draws;
  // uZero is computed for eZero·(1 + 1e-9), so rounding near the boundary can only skip less.
  const uZero = -Math.expm1(-underflowE(shape, d, c) * (1 + 1e-9));
  return (rng) => {
    const u = rng.nextFloat();
    // Exactly 0 whatever G_{a+1} would be (see the module notes): skip drawing it.
    if (u > uZero) return 0;
    const e = -Math.log1p(-u); // = sampleExp1 on the same draw
    return scale * Math.exp(Math.log(marsagliaTsang(rng, d, c)) - e / shape);
  };
}

/**
 * A Gamma(shape, scale) variate (mean shape·scale, variance shape·scale²). For shape < 1 it is
 * scale·exp({@link sampleLogGamma}), which may be exactly 0 when the true value is below the
 * smallest double (see the module notes).
 * @throws RangeError if shape or scale is not a positive finite number
 */
export function sampleGamma(rng: Rng, shape: number, scale: number): number {
  checkShape('sampleGamma', shape);
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`sampleGamma: scale must be a positive finite number, got ${scale}`);
  return gammaSampler(shape, scale)(rng);
}
