/** Shared helpers of the simulator tests: a small config and Lloyd with ejection of empty clusters. */
import { clusterSums } from '../../../src/core/kmeans';
import type { ReadonlySeries } from '../../../src/core/series';
import { DEFAULT_RUN_CONFIG } from '../../../src/sim/options';
import type { RunConfig } from '../../../src/sim/contract';

/** A small tumour run: fast enough for unit tests. */
export function smallConfig(over: Partial<RunConfig> = {}): RunConfig {
  return { ...DEFAULT_RUN_CONFIG, dataset: 'tumor', participants: 24, seriesPerParticipant: 1, k: 4, iterations: 3, population: 24, ...over };
}

/** Lloyd steps that, like the protocol without noise, drop clusters that received no series. */
export function lloydWithEjection(data: readonly ReadonlySeries[], initial: readonly ReadonlySeries[], steps: number): number[][][] {
  let cs = initial.map((c) => Array.from(c));
  const out: number[][][] = [];
  for (let s = 0; s < steps; s++) {
    const { sums, counts } = clusterSums(data, cs, cs.length);
    const next: number[][] = [];
    counts.forEach((c, j) => { if (c >= 0.5) next.push(Array.from(sums[j]!, (v) => v / c)); });
    cs = next;
    out.push(cs);
  }
  return out;
}

/** Largest absolute coordinate difference between two centroid sets of equal shape. */
export function maxAbsDiff(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  a.forEach((c, j) => c.forEach((v, t) => { m = Math.max(m, Math.abs(v - b[j]![t]!)); }));
  return m;
}
