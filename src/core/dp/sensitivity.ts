/**
 * L1 sensitivities for add/remove of one participant contributing at most L series of length T
 * clipped to [lo, hi] (BRIEF §3.2, user-level privacy).
 * @module
 */

function checkL(fn: string, L: number): void {
  if (!Number.isInteger(L) || L < 1) throw new RangeError(`${fn}: L must be a positive integer, got ${L}`);
}

/**
 * Sensitivity of the concatenated per-cluster sum vectors: each of the L series lands in one
 * cluster and moves its sum by at most T·max(|lo|, |hi|) in L1, so Δ = L·T·max(|lo|, |hi|).
 * @throws RangeError on a non-positive-integer L or T, a non-finite or inverted range, or Δ = 0
 */
export function sumSensitivity(p: { L: number; T: number; lo: number; hi: number }): number {
  checkL('sumSensitivity', p.L);
  if (!Number.isInteger(p.T) || p.T < 1) throw new RangeError(`sumSensitivity: T must be a positive integer, got ${p.T}`);
  if (!Number.isFinite(p.lo) || !Number.isFinite(p.hi) || p.lo > p.hi) {
    throw new RangeError(`sumSensitivity: need finite lo <= hi, got [${p.lo}, ${p.hi}]`);
  }
  const m = Math.max(Math.abs(p.lo), Math.abs(p.hi));
  if (m === 0) throw new RangeError('sumSensitivity: range [0, 0] has zero sensitivity; nothing to protect or cluster');
  return p.L * p.T * m;
}

/** Sensitivity of the per-cluster count vector: Δ = L (each series adds 1 to one count). */
export function countSensitivity(p: { L: number }): number {
  checkL('countSensitivity', p.L);
  return p.L;
}

/**
 * Sensitivity of the sum of capped squared distances (`squaredDistanceSum` (kmeans.ts) with
 * cap = T·(hi − lo)²) used for a private inertia estimate: Δ = L·T·(hi − lo)².
 * @throws RangeError on a non-positive-integer L or T, a non-finite range, or lo >= hi
 */
export function inertiaSensitivity(p: { L: number; T: number; lo: number; hi: number }): number {
  checkL('inertiaSensitivity', p.L);
  if (!Number.isInteger(p.T) || p.T < 1) throw new RangeError(`inertiaSensitivity: T must be a positive integer, got ${p.T}`);
  if (!Number.isFinite(p.lo) || !Number.isFinite(p.hi) || !(p.lo < p.hi)) {
    throw new RangeError(`inertiaSensitivity: need finite lo < hi, got [${p.lo}, ${p.hi}]`);
  }
  return p.L * p.T * (p.hi - p.lo) ** 2;
}
