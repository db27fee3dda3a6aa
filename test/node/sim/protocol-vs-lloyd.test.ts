import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../src/core/rng';
import { assignParticipants, generateTumorDataset } from '../../../src/data/index';
import { runSimulationDetailed } from '../../../src/sim/run';
import { lloydWithEjection, maxAbsDiff, smallConfig } from './helpers';

/** Push-sum error after 40 cycles (measured ≈ 1e-3 mm on tumour sizes of 0–300 mm) plus fixed point. */
const GOSSIP_BOUND_MM = 0.02;

describe('Chiaroscuro without noise (test-only switch)', () => {
  it('matches centralised Lloyd (with empty clusters ejected) from the same initial centroids', async () => {
    const cfg = smallConfig({ participants: 24, iterations: 3 });
    const { result, details } = await runSimulationDetailed(cfg, { noise: false, cycles: 40 });
    const ds = generateTumorDataset(seededRng(cfg.seed), cfg.participants, { seriesPerPatient: 1 });
    const data = assignParticipants(ds, cfg.participants, 1, seededRng(cfg.seed ^ 0x5eed)).participants.flatMap((p) => p.series);
    const ref = lloydWithEjection(data, details!.round.initialCentroids, cfg.iterations);
    expect(result.iterations).toHaveLength(cfg.iterations);
    details!.centroidsPerIteration.forEach((cs, i) => {
      expect(cs.length).toBe(ref[i]!.length);
      expect(maxAbsDiff(cs, ref[i]!)).toBeLessThan(GOSSIP_BOUND_MM);
    });
    expect(details!.stoppedEarly).toBe(false);
    expect(result.final.epsilonSpent).toBeLessThanOrEqual(cfg.epsilon);
  });

  it('is far from Lloyd with too few gossip cycles (the bound above is meaningful)', async () => {
    const cfg = smallConfig({ participants: 24, iterations: 1 });
    // Without the contributor census: with a census the aggregate is not even decrypted (next test).
    const { details } = await runSimulationDetailed(cfg, { noise: false, cycles: 3, census: false });
    const ds = generateTumorDataset(seededRng(cfg.seed), cfg.participants, { seriesPerPatient: 1 });
    const data = assignParticipants(ds, cfg.participants, 1, seededRng(cfg.seed ^ 0x5eed)).participants.flatMap((p) => p.series);
    const ref = lloydWithEjection(data, details!.round.initialCentroids, 1);
    expect(maxAbsDiff(details!.centroidsPerIteration[0]!, ref[0]!)).toBeGreaterThan(GOSSIP_BOUND_MM);
  });

  it('releases nothing when one gossip cycle cannot bring every contribution to the key holder', async () => {
    // One cycle on a sparse overlay (degree 3), and late relays within the exponent headroom: the
    // aggregating holder's state cannot contain all 24 contributions, and the noise shares are sized
    // for all 24.
    const cfg = smallConfig({ participants: 24, iterations: 2, neighbors: 3 });
    let answered = 0;
    const { result, details } = await runSimulationDetailed(cfg, { cycles: 1, onEvent: (_i, e) => { if (e.type === 'answered') answered++; } });
    expect(details!.stopReason).toBe('too-few-contributors');
    expect(details!.releases).toEqual([]);
    expect(answered).toBe(0); // no holder partially decrypted anything
    expect(result.iterations).toEqual([]);
    expect(result.final.epsilonSpent).toBe(0);
    expect(result.final.centroids).toEqual(details!.round.initialCentroids);
    expect(details!.stopMessage).toMatch(/too few participants contributed to iteration 1 \(\d+ of the 24 its noise was sized for\)/);
  });
});
