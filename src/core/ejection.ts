/**
 * Post-processing of the decrypted noisy aggregates (BRIEF §3.6): centroid = noisy sum / noisy
 * count, dropping ("ejecting") centroids whose noisy count is too small for the ratio to mean
 * anything. Public and deterministic, so every participant ejects the same centroids.
 * @module
 */

/**
 * Keeps centroid j iff noisyCounts[j] ≥ minCount (and is > 0), as noisySums[j] / noisyCounts[j].
 * @param minCount threshold, > 0 (see {@link suggestedMinCount})
 * @returns the kept centroids and, for each, its index in the input
 * @throws RangeError on mismatched lengths, non-finite values or a non-positive minCount
 */
export function ejectCentroids(
  noisySums: readonly Float64Array[],
  noisyCounts: readonly number[],
  minCount: number,
): { centroids: number[][]; kept: number[] } {
  if (noisySums.length !== noisyCounts.length) {
    throw new RangeError(`ejectCentroids: ${noisySums.length} sum vectors but ${noisyCounts.length} counts`);
  }
  if (!(minCount > 0) || !Number.isFinite(minCount)) {
    throw new RangeError(`ejectCentroids: minCount must be a positive finite number, got ${minCount}`);
  }
  const T = noisySums[0]?.length ?? 0;
  const centroids: number[][] = [];
  const kept: number[] = [];
  noisySums.forEach((s, j) => {
    const c = noisyCounts[j]!;
    if (s.length !== T) throw new RangeError(`ejectCentroids: sum ${j} has length ${s.length}, sum 0 has ${T}`);
    if (!Number.isFinite(c)) throw new RangeError(`ejectCentroids: count ${j} is not finite (${c})`);
    for (let t = 0; t < T; t++) {
      if (!Number.isFinite(s[t])) throw new RangeError(`ejectCentroids: sum ${j} has a non-finite value at index ${t}`);
    }
    if (c < minCount) return;
    centroids.push(Array.from(s, (v) => v / c));
    kept.push(j);
  });
  return { centroids, kept };
}

/**
 * A count threshold for {@link ejectCentroids} given the Laplace scale bCount of the count noise:
 * the m for which an EMPTY cluster (true count 0) survives with probability only
 * `falseKeep` (default 1%): P(Laplace(b) ≥ m) = ½·e^(−m/b) = p ⇒ m = b·ln(1/(2p)).
 * For p = 1% that is 3.91·b ≈ 2.77 standard deviations of the count noise. Never below 1.
 * @throws RangeError if bCount ≤ 0 or falseKeep is outside (0, 0.5)
 */
export function suggestedMinCount(bCount: number, falseKeep = 0.01): number {
  if (!(bCount > 0) || !Number.isFinite(bCount)) {
    throw new RangeError(`suggestedMinCount: bCount must be a positive finite number, got ${bCount}`);
  }
  if (!(falseKeep > 0 && falseKeep < 0.5)) {
    throw new RangeError(`suggestedMinCount: falseKeep must be in (0, 0.5), got ${falseKeep}`);
  }
  return Math.max(1, bCount * Math.log(1 / (2 * falseKeep)));
}
