import { describe, expect, it } from 'vitest';
import { dealPlainThresholdKey } from '../../../src/crypto/schemes';
import { plainBackend, widePlainBackend } from '../../../src/protocol/crypto-backend';
import type { CryptoBackend } from '../../../src/protocol/crypto-backend';
import { runSimulationDetailed } from '../../../src/sim/run';
import type { SimulationHooks } from '../../../src/sim/run';
import type { RunConfig } from '../../../src/sim/contract';
import { smallConfig } from './helpers';

/** Everything a run publishes or counts, for exact comparison (wall times excluded). */
async function outcome(cfg: RunConfig, hooks: SimulationHooks): Promise<unknown> {
  const { result, details } = await runSimulationDetailed(cfg, hooks);
  const d = details!;
  return {
    iterations: result.iterations.map((r) => ({ ...r, msPerParticipant: 0 })),
    final: { ...result.final, wallSeconds: 0 },
    centroids: d.centroidsPerIteration,
    releases: d.releases,
    drops: d.drops,
    messages: d.messages,
    lost: d.lostMessages,
    departed: d.departed,
    stopReason: d.stopReason,
  };
}

describe('synchronous handler path (in-thread backends)', () => {
  it('in-thread backends offer non-enumerable sync ops that a spread copy drops', async () => {
    const pk = dealPlainThresholdKey({ bits: 512, holders: 3, threshold: 2 }).publicKey;
    for (const be of [plainBackend(pk), widePlainBackend(300)] as CryptoBackend[]) {
      expect(be.sync).toBeDefined();
      expect(Object.keys(be)).not.toContain('sync');
      expect(({ ...be } as CryptoBackend).sync).toBeUndefined();
      const a = [3n, 5n], b = [7n, 11n];
      expect(be.sync!.mergeScaled(a, 1, b, 3)).toEqual(await be.mergeScaled(a, 1, b, 3));
      expect(be.sync!.encryptVector(a)).toEqual(await be.encryptVector(a));
      expect(() => be.sync!.mergeScaled(a, 0, [1n], 0)).toThrow(/lengths differ/);
    }
  });

  // Same seed, same draws, same event order: the synchronous path must reproduce the promise path
  // exactly (centroids, releases, drops, message and loss counts), including churn and loss.
  const cases: [string, RunConfig, SimulationHooks][] = [
    ['bytes path (plain 2048-bit), churn + loss', smallConfig({ participants: 40, k: 4, iterations: 3, churn: 0.1, loss: 0.05, population: 400_000, seed: 3 }), {}],
    ['objects path (wide Mersenne), churn + loss', smallConfig({ participants: 150, k: 5, iterations: 3, churn: 0.1, loss: 0.05, population: 1_500_000, seed: 5 }), { transport: 'objects' }],
    ['objects path, noise-free', smallConfig({ participants: 120, population: 120, k: 4, iterations: 2, seed: 7 }), { transport: 'objects', noise: false }],
  ];
  it.each(cases)('gives results identical to the promise path: %s', async (_name, cfg, hooks) => {
    let asyncWork = 0;
    const sync = await outcome(cfg, { ...hooks, onEvent: undefined });
    const promised = await outcome(cfg, {
      ...hooks, synchronous: false,
      onEvent: (_i, e) => { if (e.type === 'iteration-started') asyncWork++; },
    });
    expect(asyncWork).toBeGreaterThan(0);
    expect(sync).toEqual(promised);
    expect((sync as { iterations: unknown[] }).iterations.length).toBe(cfg.iterations);
  });
});
