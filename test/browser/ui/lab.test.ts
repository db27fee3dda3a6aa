import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LitElement } from 'lit';
import '../../../src/ui/cs-lab';
import '../../../src/ui/cs-results';
import { LAB_MAX_ENCRYPTED, runLab } from '../../../src/app/lab/engine';
import type { LabInput } from '../../../src/app/lab/engine';
import { poolLabCrypto } from '../../../src/app/lab/pool-crypto';
import { controlledBackend } from '../../../src/app/lab/control';
import { createLabObserver } from '../../../src/app/lab/observer';
import { checkSameData } from '../../../src/app/lab/mirror';
import { createCryptoPool } from '../../../workers/pool';
import { seededRng } from '../../../src/core/rng';
import { dealPlainThresholdKey } from '../../../src/crypto/schemes';
import { plainBackend } from '../../../src/protocol/crypto-backend';
import type { CryptoBackend } from '../../../src/protocol/crypto-backend';
import type { Release } from '../../../src/protocol/chiaroscuro/participant';
import type { RunConfig } from '../../../src/sim/contract';
import type { RunRecord } from '../../../src/app/run-record';

const T = 6;
/** M participants on two well-separated levels (1 and 4 kWh). */
function twoLevels(M: number, keyBits: RunConfig['keyBits'], seed = 3): LabInput {
  const participants = Array.from({ length: M }, (_, i) => ({
    owner: `p${i}`,
    series: [Float64Array.from({ length: T }, (_, t) => (i % 2 === 0 ? 1 : 4) + 0.1 * Math.sin(t + i))],
  }));
  const config: RunConfig = {
    protocol: 'chiaroscuro', dataset: 'lcl', participants: M, seriesPerParticipant: 1, k: 3, iterations: 2, epsilon: 1,
    strategy: 'uniform', smoothing: 1, keyBits, seed, population: 3_000_000, churn: 0, loss: 0, neighbors: 4,
  };
  return { config, participants, T, lo: 0, hi: 5, unit: 'kWh', datasetLabel: 'test' };
}

const levels = (run: RunRecord): number[] =>
  run.result.final.centroids.map((c) => c.reduce((a, b) => a + b, 0) / c.length).sort((a, b) => a - b);

let pool: ReturnType<typeof createCryptoPool> | undefined;
afterAll(() => pool?.terminate());

describe('lab engine on the real simulator', () => {
  it('key-bits 0: runs the protocol, finds both levels and fills every omniscient view consistently', async () => {
    const phases: string[] = [];
    const run = await runLab(twoLevels(30, 0), { onProgress: (p) => phases.push(p.phase) });
    expect(phases[0]).toBe('setup');
    expect(phases.at(-1)).toBe('done');
    expect(run.source).toBe('lab');
    expect(run.label).toContain('no encryption');
    expect(run.result.protocol).toBe('chiaroscuro');
    expect(run.result.final.iterations).toBe(run.centroids.length);
    expect(run.centroids.length).toBeGreaterThanOrEqual(1);
    expect(run.result.iterations.every((r) => r.bytesPerParticipant > 0)).toBe(true); // real gossip traffic
    const lv = levels(run);
    expect(lv[0]).toBeCloseTo(1, 0);
    expect(lv.at(-1)).toBeCloseTo(4, 0);
    expect(run.result.final.epsilonSpent).toBeLessThanOrEqual(1 + 1e-12);

    const lab = run.lab!;
    expect(lab.sampled).toHaveLength(4);
    expect(new Set(lab.sampled.map((s) => s.label)).size).toBe(4);
    expect(lab.noise).toHaveLength(run.centroids.length);
    for (const [i, s] of lab.sampled.entries()) {
      expect(s.closest).toHaveLength(run.centroids.length);
      // Bob is sampled participant 0; every closest index points at a published centroid.
      if (i === 0) expect(run.own!.series).toEqual(s.series);
      s.closest.forEach((j, it) => expect(j).toBeLessThan(run.centroids[it]!.length));
    }
    // "After noise" is exactly a published centroid; "before noise" is an exact mean of true series,
    // so with two clean levels it sits within the data's ±0.1 wiggle of 1 or 4.
    for (const [it, pairs] of lab.noise.entries()) {
      expect(pairs.length).toBeGreaterThan(0);
      for (const p of pairs) {
        expect(run.centroids[it]).toContainEqual(p.after);
        const mean = p.before.reduce((a, b) => a + b, 0) / T;
        expect(Math.min(Math.abs(mean - 1), Math.abs(mean - 4))).toBeLessThan(1.5);
        expect(p.before.every((v) => v >= 0 && v <= 5)).toBe(true);
      }
    }
  });

  it('real threshold Paillier in the worker pool gives exactly the in-thread result (same seed)', async () => {
    pool = createCryptoPool({ size: 2 });
    const crypto = poolLabCrypto(pool, 512);
    let backendCalls = 0;
    const counting = { name: crypto.name, backend: (pk: Parameters<typeof crypto.backend>[0]) => { backendCalls++; return crypto.backend(pk); } };
    const inPool = await runLab(twoLevels(10, 512, 5), { crypto: counting });
    const inThread = await runLab(twoLevels(10, 512, 5));
    expect(backendCalls).toBe(1);
    expect(inPool.label).toContain('512-bit threshold Paillier in 2 workers');
    expect(inThread.label).toContain('in this thread');
    expect(inPool.result.config.keyBits).toBe(512);
    // Decryption is exact and the noise shares come from the seeded participants: identical outputs.
    expect(inPool.centroids).toEqual(inThread.centroids);
    expect(inPool.lab).toEqual(inThread.lab);
    expect(inPool.result.iterations.map((r) => r.inertia)).toEqual(inThread.result.iterations.map((r) => r.inertia));
    // 512-bit ciphertexts are 128 bytes: traffic is far above the plain run's handful of bytes per value.
    expect(inPool.result.iterations[0]!.bytesPerParticipant).toBeGreaterThan(1000);
  });

  it('above LAB_MAX_ENCRYPTED the run falls back to key-bits 0 and says so', async () => {
    const M = LAB_MAX_ENCRYPTED + 1;
    const input = twoLevels(M, 1024);
    input.config.iterations = 1;
    const run = await runLab(input);
    expect(run.result.config.keyBits).toBe(0);
    expect(run.label).toContain(`no encryption (above ${LAB_MAX_ENCRYPTED} participants)`);
    expect(run.centroids).toHaveLength(1);
  });

  it('stops with an AbortError when its signal aborts mid-run', async () => {
    const ac = new AbortController();
    const run = runLab(twoLevels(10, 512, 6), { signal: ac.signal, onProgress: (p) => { if (p.phase === 'running') ac.abort(); } });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects bad input with precise errors', async () => {
    const bad = twoLevels(10, 0);
    await expect(runLab({ ...bad, config: { ...bad.config, epsilon: 0 } })).rejects.toThrow(/epsilon must be > 0, got 0/);
    await expect(runLab({ ...bad, config: { ...bad.config, population: 5 } })).rejects.toThrow(/population \(5\) must be ≥ participants \(10\)/);
    await expect(runLab({ ...bad, config: { ...bad.config, protocol: 'ppkm' } })).rejects.toThrow(/lab mode runs Chiaroscuro/);
  });
});

describe('lab observer', () => {
  // T = 2; four series, two near (0,0) and two near (10,10).
  const data = [[Float64Array.of(0, 0)], [Float64Array.of(2, 0)], [Float64Array.of(10, 10)], [Float64Array.of(10, 12)]];
  const release = (iteration: number, kept: number[]): Release =>
    ({ iteration, noisySums: [], noisyCounts: [], kept, contributors: data.length, aggregator: 1, exponent: 0, stopReason: null, minCount: 1 });

  it('computes exact pre-noise means around the previous public centroids and tracks ids through ejection', () => {
    const obs = createLabObserver({ data, initialCentroids: [[1, 1], [5, 5], [9, 9]], rng: seededRng(1) });
    expect([...obs.sampledIndices].sort()).toEqual([0, 1, 2, 3]);
    // Iteration 1: centroid 1 ([5,5]) is ejected; published [0.9, 0.1] and [10, 11.2] for ids 0 and 2.
    obs.observe(1, [[0.9, 0.1], [10, 11.2]], release(1, [0, 2]));
    // Iteration 2, around the published centroids; nothing ejected.
    obs.observe(2, [[1, 0], [10, 11]], release(2, [0, 1]));
    const { noise, sampled } = obs.extras();
    expect(noise[0]).toEqual([
      { id: 0, before: [1, 0], after: [0.9, 0.1] },
      { id: 2, before: [10, 11], after: [10, 11.2] },
    ]);
    expect(noise[1]).toEqual([
      { id: 0, before: [1, 0], after: [1, 0] },
      { id: 2, before: [10, 11], after: [10, 11] },
    ]);
    for (const s of sampled) {
      const low = s.series[0]! < 5;
      expect(s.closest).toEqual(low ? [0, 0] : [1, 1]);
    }
  });

  it('an all-ejected iteration (previous centroids re-published, kept = []) has no noise pair', () => {
    const obs = createLabObserver({ data, initialCentroids: [[1, 1], [9, 9]], rng: seededRng(1) });
    obs.observe(1, [[1, 1], [9, 9]], release(1, []));
    const { noise, sampled } = obs.extras();
    expect(noise).toEqual([[]]);
    expect(sampled.every((s) => s.closest.length === 1)).toBe(true);
  });

  it('rejects out-of-order iterations and releases that do not match the published centroids', () => {
    const obs = createLabObserver({ data, initialCentroids: [[1, 1], [9, 9]], rng: seededRng(1) });
    expect(() => obs.observe(2, [[1, 1]], release(2, [0]))).toThrow(/expected iteration 1, got 2/);
    expect(() => obs.observe(1, [[1, 1]], release(1, [0, 1]))).toThrow(/without a matching 'kept' list/);
    expect(() => obs.observe(1, [[1, 1]], release(1, [7]))).toThrow(/without a matching 'kept' list/);
    expect(() => obs.observe(1, [[1, 1]], undefined)).toThrow(/without a matching 'kept' list/);
    expect(() => createLabObserver({ data: [], initialCentroids: [[1]], rng: seededRng(1) })).toThrow(/no participants/);
  });

  it('checkSameData notices data that differ from the simulator\'s', () => {
    const all = data.flat();
    // Every series is at squared distance 1 from its nearest centroid: inertia 1.
    expect(() => checkSameData(all, [[1, 0], [10, 11]], 1)).not.toThrow();
    expect(() => checkSameData(all, [[1, 0], [10, 11]], 1 + 1e-6)).toThrow(/differs from the simulator's \(inertia 1 vs 1\.000001\)/);
  });
});

describe('controlledBackend', () => {
  const inner = (): CryptoBackend => plainBackend(dealPlainThresholdKey({ bits: 256, holders: 1, threshold: 1 }).publicKey);

  it('passes operations through and rejects every operation once aborted', async () => {
    const ac = new AbortController();
    const b = controlledBackend(inner(), { signal: ac.signal, yieldEveryMs: 1 });
    const c = await b.encryptVector([3n, 4n]);
    expect(await b.combineVector({ n: b.plaintextModulus, bits: 256, holders: 1, threshold: 1 }, [await b.partialDecryptVector({ publicKey: { n: b.plaintextModulus, bits: 256, holders: 1, threshold: 1 }, index: 1, secret: 0n }, await b.addVectors(c, c))])).toEqual([6n, 8n]);
    ac.abort();
    await expect(b.encryptVector([1n])).rejects.toMatchObject({ name: 'AbortError' });
    await expect(b.mergeScaled(c, 0, c, 1)).rejects.toMatchObject({ name: 'AbortError' });
    expect(() => controlledBackend(inner(), { yieldEveryMs: 0 })).toThrow(/yieldEveryMs must be > 0/);
  });
});

describe('<cs-lab>', () => {
  const mounted: HTMLElement[] = [];
  afterEach(() => { mounted.splice(0).forEach((e) => e.remove()); });

  it('runs a small Italy lab round and shows the sampled-participant and noise views', async () => {
    const el = document.createElement('cs-lab');
    el.settings = { dataset: 'italy', participants: 20, seriesPerParticipant: 1, k: 3, iterations: 2, epsilon: 1, population: 1_000_000, strategy: 'uniform', smoothing: 1, keyBits: 0, seed: 7 };
    document.body.append(el);
    mounted.push(el);
    await el.updateComplete;
    const run = await el.start();
    expect(run).toBeDefined();
    await el.updateComplete;
    const status = el.shadowRoot!.querySelector('[role=status]')!.textContent!.replace(/\s+/g, ' ');
    expect(status).toMatch(/Done in [\d.]+ s \(\d iterations, no encryption\)/);
    const results = el.shadowRoot!.querySelector<LitElement>('cs-results')!;
    await results.updateComplete;
    const sampled = results.shadowRoot!.querySelector<LitElement>('cs-sampled-participants')!;
    const noise = results.shadowRoot!.querySelector<LitElement>('cs-noise-impact')!;
    await sampled.updateComplete;
    await noise.updateComplete;
    expect(sampled.shadowRoot!.querySelectorAll('cs-chart')).toHaveLength(4);
    expect(noise.shadowRoot!.querySelectorAll('cs-chart').length).toBeGreaterThan(0);
    expect(noise.shadowRoot!.querySelector('.warn')!.textContent).toMatch(/nobody ever sees them/);
  });
});
