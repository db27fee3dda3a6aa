import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG } from '../../../src/sim/options';
import type { RunConfig } from '../../../src/sim/contract';
import { runPpkmSimulation } from '../../../src/sim/ppkm/run';

const base: RunConfig = { ...DEFAULT_RUN_CONFIG, protocol: 'ppkm', dataset: 'tumor', participants: 12, k: 3, iterations: 20, epsilon: 0, keyBits: 0, seed: 5 };

describe('runPpkmSimulation', () => {
  it('on a complete graph reaches the centralised reference inertia and reports per BRIEF §7', async () => {
    const progress: number[] = [];
    const r = await runPpkmSimulation({ ...base, neighbors: 11 }, { onProgress: (p) => progress.push(p) });
    expect(r.protocol).toBe('ppkm');
    expect(r.transport).toBe('memory');
    expect(r.participants).toBe(12);
    expect(r.final.epsilonSpent).toBe(0);
    expect(r.final.centroids).toHaveLength(3);
    expect(r.iterations.length).toBe(r.final.iterations);
    expect(r.iterations.every((it) => it.epsilon === 0 && it.bytesPerParticipant > 0)).toBe(true);
    expect(Math.abs(r.final.inertia - r.final.referenceInertia) / r.final.referenceInertia).toBeLessThan(1e-6);
    expect(progress.at(-1)).toBe(1);
  });

  it('on a sparse graph every node still improves on the start; with loss it retransmits and finishes', async () => {
    const r = await runPpkmSimulation({ ...base, participants: 16, neighbors: 3, loss: 0.05 });
    expect(r.final.inertia).toBeGreaterThanOrEqual(r.final.referenceInertia * (1 - 1e-9));
    expect(r.final.inertia).toBeLessThan(r.iterations[0]!.inertia * 1.0001 + 1e-9);
  });

  it('refuses churn and other protocols', async () => {
    await expect(runPpkmSimulation({ ...base, churn: 0.1 })).rejects.toThrow(/churn/);
    await expect(runPpkmSimulation({ ...base, protocol: 'chiaroscuro' })).rejects.toThrow(/protocol/);
  });
});
