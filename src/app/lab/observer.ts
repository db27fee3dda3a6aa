/**
 * The lab's omniscient observer. It sees every virtual participant's TRUE (clipped) series — only a
 * simulation can — and, from each iteration's public outputs, derives the seed demo's illustrative
 * views: four sampled participants with their closest perturbed centroid, and centroids before and
 * after noise. "Before noise" is the exact mean of the series assigned to each PREVIOUS public
 * centroid (what the noisy aggregate estimates); it is never computed in a real swarm.
 * @module
 */
import { clusterSums, nearestCentroid } from '../../core/kmeans';
import type { Rng } from '../../core/rng';
import type { Release } from '../../protocol/chiaroscuro/participant';
import type { LabExtras, NoisePair, SampledParticipant } from '../run-record';

/** Sampled participants shown in the lab (the seed demo's "four participants sampled at random"). */
export const LAB_SAMPLED = 4;
/** Centroids shown before/after noise per iteration. */
export const LAB_NOISE_PAIRS = 4;

/** Options of {@link createLabObserver}. */
export interface LabObserverOptions {
  /** data[i] = participant i's clipped series (≤ L). */
  data: readonly (readonly Float64Array[])[];
  /** The round's public initial centroids (iteration 0). */
  initialCentroids: readonly (readonly number[])[];
  /** Picks the sampled participants (seeded in the lab: reproducible views). */
  rng: Rng;
}

/** Accumulates the omniscient views iteration by iteration. */
export interface LabObserver {
  /** Indices of the sampled participants. */
  readonly sampledIndices: readonly number[];
  /**
   * Records iteration `iteration`'s published centroids; `release.kept` maps them to the previous
   * centroids (identity when the release is unknown and the count is unchanged; an empty `kept` with
   * the previous centroids re-published means every centroid was ejected: no noise pair then).
   * @throws RangeError on an out-of-order iteration or an inconsistent release
   */
  observe(iteration: number, published: readonly number[][], release: Release | undefined): void;
  /** The views so far. */
  extras(): LabExtras;
}

/**
 * An observer over the participants' true data.
 * @throws RangeError when there is no participant or no initial centroid
 */
export function createLabObserver(opts: LabObserverOptions): LabObserver {
  const { data, rng } = opts;
  const N = data.length;
  if (N === 0) throw new RangeError('createLabObserver: no participants');
  if (opts.initialCentroids.length === 0) throw new RangeError('createLabObserver: no initial centroids');
  const all = data.flat();
  const T = opts.initialCentroids[0]!.length;

  const candidates = data.flatMap((d, i) => (d.length > 0 ? [i] : []));
  const sampledIndices: number[] = [];
  while (sampledIndices.length < Math.min(LAB_SAMPLED, candidates.length)) {
    const i = candidates[rng.nextUint32() % candidates.length]!;
    if (!sampledIndices.includes(i)) sampledIndices.push(i);
  }
  const sampled: SampledParticipant[] = sampledIndices.map((i) => ({
    label: `participant #${i + 1}`,
    series: Array.from(data[i]![0] ?? new Float64Array(T)),
    closest: [],
  }));
  const noise: NoisePair[][] = [];
  let previous: number[][] = opts.initialCentroids.map((c) => Array.from(c));
  let ids = previous.map((_, j) => j);
  let done = 0;

  return {
    sampledIndices,
    observe(iteration, published, release) {
      if (iteration !== done + 1) throw new RangeError(`LabObserver.observe: expected iteration ${done + 1}, got ${iteration}`);
      const identity = published.length === previous.length ? previous.map((_, j) => j) : null;
      // Everything ejected: the round ends re-publishing the previous centroids; no centroid got "after noise".
      const allEjected = release !== undefined && release.kept.length === 0 && identity !== null;
      const kept = allEjected ? identity : release?.kept ?? identity;
      if (!kept || kept.length !== published.length || kept.some((j) => !Number.isInteger(j) || j < 0 || j >= previous.length)) {
        throw new RangeError(`LabObserver.observe: iteration ${iteration} publishes ${published.length} centroids without a matching 'kept' list`);
      }
      // Exact (un-noised) means of the clusters formed around the previous public centroids.
      const { sums, counts } = clusterSums(all, previous, previous.length);
      const pairs: NoisePair[] = [];
      for (let i = 0; i < published.length && pairs.length < LAB_NOISE_PAIRS && !allEjected; i++) {
        const j = kept[i]!;
        const c = counts[j]!;
        if (c > 0) pairs.push({ id: ids[j]!, before: Array.from(sums[j]!, (v) => v / c), after: published[i]!.slice() });
      }
      noise.push(pairs);
      for (const s of sampled) s.closest.push(published.length > 0 ? nearestCentroid(s.series, published).index : -1);
      ids = kept.map((j) => ids[j]!);
      previous = published.map((c) => c.slice());
      done = iteration;
    },
    extras: () => ({ sampled: sampled.map((s) => ({ ...s, closest: s.closest.slice() })), noise: noise.slice() }),
  };
}
