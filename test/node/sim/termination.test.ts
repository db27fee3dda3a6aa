import { describe, expect, it } from 'vitest';
import { runSimulationDetailed } from '../../../src/sim/run';
import { smallConfig } from './helpers';

describe('stop reasons of a simulated round', () => {
  it('ends with all-centroids-ejected (and says why) when the count noise exceeds every cluster', async () => {
    // 12 participants calibrated for themselves (P = N), ε = 1 over 10 iterations: the count noise
    // (b ≈ 90) puts the ejection threshold (≈ 250) far above any cluster of 12 series.
    const cfg = smallConfig({ participants: 12, population: 12, k: 3, iterations: 10, seed: 2 });
    const notes: string[] = [];
    const { result, details } = await runSimulationDetailed(cfg, { onNote: (n) => notes.push(n) });
    expect(details!.stopReason).toBe('all-centroids-ejected');
    expect(details!.stoppedEarly).toBe(false);
    expect(result.iterations).toHaveLength(1);
    expect(details!.releases[0]!.stopReason).toBe('all-centroids-ejected');
    expect(details!.releases[0]!.kept).toEqual([]);
    // Final centroids: the previous ones unchanged, here the public initial centroids.
    expect(result.final.centroids).toEqual(details!.round.initialCentroids);
    expect(details!.stopMessage).toMatch(/larger ε/);
    expect(notes.some((n) => n.includes('all centroids were ejected'))).toBe(true);
    expect(result.final.epsilonSpent).toBeCloseTo(cfg.epsilon / cfg.iterations, 12);
  });

  it('with enough population it runs to the cap: reason max-iterations (the test above can fail)', async () => {
    const cfg = smallConfig({ participants: 12, population: 1_200_000, k: 3, iterations: 3, seed: 2 });
    const { result, details } = await runSimulationDetailed(cfg);
    expect(details!.stopReason).toBe('max-iterations');
    expect(result.iterations).toHaveLength(3);
    expect(details!.releases.every((r) => r.kept.length > 0)).toBe(true);
  });
});
