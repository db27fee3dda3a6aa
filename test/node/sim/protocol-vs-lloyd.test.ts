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
    const { details } = await runSimulationDetailed(cfg, { noise: false, cycles: 3 });
    const ds = generateTumorDataset(seededRng(cfg.seed), cfg.participants, { seriesPerPatient: 1 });
    const data = assignParticipants(ds, cfg.participants, 1, seededRng(cfg.seed ^ 0x5eed)).participants.flatMap((p) => p.series);
    const ref = lloydWithEjection(data, details!.round.initialCentroids, 1);
    expect(maxAbsDiff(details!.centroidsPerIteration[0]!, ref[0]!)).toBeGreaterThan(GOSSIP_BOUND_MM);
  });
});
