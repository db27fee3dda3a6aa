import { describe, expect, it } from 'vitest';
import { inertia } from '../../../src/core/kmeans';
import { seededRng } from '../../../src/core/rng';
import { clipSeries } from '../../../src/core/series';
import { assignParticipants, generateTumorDataset } from '../../../src/data/index';
import { runSimulationDetailed } from '../../../src/sim/run';
import { smallConfig } from './helpers';

/**
 * BRIEF §3.8: the swarm estimates the inertia of its own centroids through the same encrypted,
 * noised aggregate. It lags one iteration (aggregated while the next iteration runs).
 */
describe('private inertia estimate', () => {
  it('without noise it equals the omniscient inertia of the previous centroids (gossip and fixed point aside)', async () => {
    const cfg = smallConfig({ participants: 24, iterations: 3, privateInertia: 0.1 });
    const { result, details } = await runSimulationDetailed(cfg, { noise: false, cycles: 40 });
    const its = result.iterations;
    expect(its).toHaveLength(3);
    for (const it of its.slice(0, -1)) expect(Math.abs(it.privateInertia! - it.inertia) / it.inertia).toBeLessThan(1e-3);
    expect(its.at(-1)!.privateInertia).toBeUndefined();
    // The first release estimated the public initial centroids.
    expect(details!.releases[0]!.priorInertia).toBeGreaterThan(its[0]!.inertia);
  });

  it('with noise at a large calibration population it stays close (fixed seeds), and costs part of each ε_ℓ, not more', async () => {
    const base = smallConfig({ participants: 60, iterations: 4, population: 600_000, epsilon: 1 });
    const off = await runSimulationDetailed(base);
    const on = await runSimulationDetailed({ ...base, privateInertia: 0.1 });
    expect(off.result.iterations.every((it) => it.privateInertia === undefined)).toBe(true);
    expect(on.result.final.epsilonSpent).toBeCloseTo(off.result.final.epsilonSpent, 12);
    const rel = on.result.iterations.slice(0, -1).map((it) => Math.abs(it.privateInertia! - it.inertia) / it.inertia);
    expect(rel.length).toBe(3);
    expect(Math.max(...rel)).toBeLessThan(0.1);
    // At P = N the same budget share gives a far noisier estimate (the noise is calibrated to P): compare
    // both runs' estimates of the same public initial centroids with their true inertia.
    const small = await runSimulationDetailed({ ...base, population: 60, privateInertia: 0.1 });
    const ds = generateTumorDataset(seededRng(base.seed), base.participants, { seriesPerPatient: 1 });
    const data = assignParticipants(ds, base.participants, 1, seededRng(base.seed ^ 0x5eed)).participants
      .flatMap((p) => p.series.map((x) => clipSeries(x, ds.lo, ds.hi)));
    const truth = inertia(data, on.details!.round.initialCentroids);
    const errLarge = Math.abs(on.details!.releases[0]!.priorInertia! - truth) / truth;
    const errSmall = Math.abs((small.details!.releases[0]!.priorInertia ?? 0) - truth) / truth;
    expect(errLarge).toBeLessThan(0.05);
    expect(errSmall).toBeGreaterThan(5 * errLarge);
  });

  it('refuses a fraction outside [0, 0.5]', async () => {
    await expect(runSimulationDetailed(smallConfig({ privateInertia: 0.7 }))).rejects.toThrow(/inertiaFraction must be in \[0, 0.5\], got 0.7/);
  });
});
