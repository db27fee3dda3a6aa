import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LitElement } from 'lit';
import '../../../src/ui/cs-lab';
import '../../../src/ui/cs-results';
import { runPpkmLab } from '../../../src/app/lab/ppkm-engine';
import { runPpkmSimulation } from '../../../src/sim/ppkm/run';
import { poolPpkmCrypto } from '../../../src/net/ppkm-tab';
import { createCryptoPool } from '../../../workers/pool';
import type { Dataset } from '../../../src/data/types';
import type { RunConfig } from '../../../src/sim/contract';

const T = 6;
/** `owners` owners, two series each, on two well-separated levels (1 and 4 kWh). */
function twoLevels(owners: number): Dataset {
  return {
    name: 'test', T, lo: 0, hi: 5, unit: 'kWh',
    owners: Array.from({ length: owners }, (_, i) => ({
      id: `o${i}`,
      series: [0, 1].map((r) => Float64Array.from({ length: T }, (_, t) => (i % 2 === 0 ? 1 : 4) + 0.1 * Math.sin(t + i + r))),
    })),
  };
}

const config = (participants: number, keyBits: RunConfig['keyBits'], neighbors = 4): RunConfig => ({
  protocol: 'ppkm', dataset: 'lcl', participants, seriesPerParticipant: 2, k: 3, iterations: 4, epsilon: 1,
  strategy: 'uniform', smoothing: 1, keyBits, seed: 5, population: 1000, churn: 0, loss: 0, neighbors,
});

let pool: ReturnType<typeof createCryptoPool> | undefined;
afterAll(() => pool?.terminate());

describe('PPkM lab engine', () => {
  it('key-bits 0: reports exactly what runPpkmSimulation reports, and fills the PPkM views', async () => {
    const ds = twoLevels(16);
    const phases: string[] = [];
    const run = await runPpkmLab(config(16, 0), ds, 'test', { onProgress: (p) => phases.push(p.phase) });
    const sim = await runPpkmSimulation(config(16, 0), { dataset: ds });
    expect(phases[0]).toBe('setup');
    expect(phases.at(-1)).toBe('done');
    // Same setup and reporting as the simulator (only the wall-clock fields differ).
    expect(run.result.protocol).toBe('ppkm');
    expect(run.result.final.centroids).toEqual(sim.final.centroids);
    expect(run.result.final.inertia).toBeCloseTo(sim.final.inertia, 12);
    expect(run.result.final.referenceInertia).toBeCloseTo(sim.final.referenceInertia, 12);
    expect(run.result.iterations.map((r) => [r.index, r.inertia, r.bytesPerParticipant, r.epsilon]))
      .toEqual(sim.iterations.map((r) => [r.index, r.inertia, r.bytesPerParticipant, r.epsilon]));
    expect(run.result.final.epsilonSpent).toBe(0);
    // Views: one centroid set per iteration (node 0's), the last = the final centroids.
    expect(run.centroids).toHaveLength(run.result.iterations.length);
    expect(run.centroids.at(-1)).toEqual(run.result.final.centroids);
    const levels = run.result.final.centroids.map((c) => c.reduce((a, b) => a + b, 0) / T).sort((a, b) => a - b);
    expect(levels[0]).toBeCloseTo(1, 0);
    expect(levels.at(-1)).toBeCloseTo(4, 0);
    // No DP: no noise pairs; sampled participants carry their own node's closest centroid.
    expect(run.lab!.noise).toEqual([]);
    expect(run.lab!.sampled).toHaveLength(4);
    for (const s of run.lab!.sampled) {
      expect(s.profiles).toHaveLength(run.centroids.length);
      const last = s.profiles!.at(-1)!;
      // The sampled series is on level 1 or 4: its own node's closest centroid is on the same level.
      const level = s.series.reduce((a, b) => a + b, 0) / T;
      expect(Math.abs(last.reduce((a, b) => a + b, 0) / T - level)).toBeLessThan(0.5);
    }
    expect(run.label).toMatch(/PPkM .* no encryption · no differential privacy/);
  });

  it('512-bit Paillier in the worker pool gives the same centroids as key-bits 0 (exact arithmetic)', async () => {
    pool = createCryptoPool({ size: 2 });
    const ds = twoLevels(4);
    const plain = await runPpkmLab({ ...config(4, 0, 3), iterations: 2 }, ds, 'test');
    const enc = await runPpkmLab({ ...config(4, 512, 3), iterations: 2 }, ds, 'test', { crypto: (bits) => poolPpkmCrypto(pool!, bits) });
    expect(enc.label).toContain('paillier-512-djn-pool');
    expect(enc.centroids).toEqual(plain.centroids);
    expect(enc.result.iterations.every((r) => r.bytesPerParticipant > 0)).toBe(true);
  }, 60_000);

  it('rejects a non-PPkM config and stops on abort', async () => {
    await expect(runPpkmLab({ ...config(4, 0), protocol: 'chiaroscuro' }, twoLevels(4), 'x')).rejects.toThrow(/protocol must be 'ppkm'/);
    await expect(runPpkmLab(config(1, 0), twoLevels(4), 'x')).rejects.toThrow(/participants must be an integer ≥ 2, got 1/);
    const ac = new AbortController();
    ac.abort();
    await expect(runPpkmLab(config(6, 0), twoLevels(6), 'x', { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('<cs-lab> with PPkM', () => {
  const mounted: HTMLElement[] = [];
  afterEach(() => { mounted.splice(0).forEach((e) => e.remove()); });

  it('runs a small Italy PPkM round: profiles, sampled participants with their node\'s centroid, no noise view', async () => {
    const el = document.createElement('cs-lab');
    el.settings = { protocol: 'ppkm', dataset: 'italy', participants: 12, seriesPerParticipant: 1, k: 3, iterations: 3, epsilon: 1, population: 1_000_000, strategy: 'uniform', smoothing: 1, keyBits: 0, seed: 7 };
    document.body.append(el);
    mounted.push(el);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector<HTMLSelectElement>('#protocol')!.value).toBe('ppkm');
    const run = await el.start();
    expect(run?.result.protocol).toBe('ppkm');
    await el.updateComplete;
    const status = el.shadowRoot!.querySelector('[role=status]')!.textContent!.replace(/\s+/g, ' ');
    expect(status).toMatch(/Done in [\d.]+ s \(\d iterations, no encryption; PPkM has no differential privacy/);
    const results = el.shadowRoot!.querySelector<LitElement>('cs-results')!;
    await results.updateComplete;
    const root = results.shadowRoot!;
    expect(root.querySelector('cs-noise-impact')).toBeNull();
    expect(root.querySelector('[data-testid="no-dp"]')!.textContent).toMatch(/no differential-privacy noise/);
    expect(root.querySelector('h2 + p')!.textContent!.replace(/\s+/g, ' ')).toMatch(/ppkm · .* no differential privacy \(exact centroids\)/);
    const sampled = root.querySelector<LitElement>('cs-sampled-participants')!;
    await sampled.updateComplete;
    const charts = sampled.shadowRoot!.querySelectorAll<HTMLElement & { lines: { label: string; values: number[] }[]; caption: string }>('cs-chart');
    expect(charts).toHaveLength(4);
    const first = run!.lab!.sampled[0]!;
    const shown = charts[0]!.lines[1]!.values;
    expect(shown).toEqual(first.profiles!.at(-1));
    expect(charts[0]!.getAttribute('caption')).toMatch(/of its own node/);
  }, 30_000);
});
