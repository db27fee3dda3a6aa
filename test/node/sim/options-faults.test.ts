import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_CONFIG, parseRunOptions } from '../../../src/sim/options';
import { PLAIN_MODULUS_BITS, runSimulationDetailed } from '../../../src/sim/run';
import { dealPlainThresholdKey } from '../../../src/crypto/schemes';
import { plainBackend } from '../../../src/protocol/crypto-backend';
import type { CryptoBackend } from '../../../src/protocol/crypto-backend';
import { VirtualClock } from '../../../src/sim/virtual-clock';
import { smallConfig } from './helpers';

describe('parseRunOptions', () => {
  it('applies defaults and parses every option in both spellings', () => {
    expect(parseRunOptions([])).toEqual({ ...DEFAULT_RUN_CONFIG, population: DEFAULT_RUN_CONFIG.participants });
    const c = parseRunOptions(['--dataset', 'tumor', '--participants=50', '--k', '5', '--epsilon', '0.5', '--strategy', 'geometric',
      '--key-bits', '512', '--population', '5000', '--churn', '0.2', '--loss', '0.05', '--json', 'o.json', '--series-per-participant', '3']);
    expect(c).toMatchObject({ dataset: 'tumor', participants: 50, k: 5, epsilon: 0.5, strategy: 'geometric', keyBits: 512, population: 5000, churn: 0.2, loss: 0.05, json: 'o.json', seriesPerParticipant: 3 });
  });
  it('rejects unknown, duplicated, missing and invalid options with a message naming them', () => {
    expect(() => parseRunOptions(['--bogus', '1'])).toThrow(/unknown option '--bogus'/);
    expect(() => parseRunOptions(['--k', '3', '--k', '4'])).toThrow(/--k: given twice/);
    expect(() => parseRunOptions(['--k'])).toThrow(/--k: missing value/);
    expect(() => parseRunOptions(['--k', '1.5'])).toThrow(/--k/);
    expect(() => parseRunOptions(['--key-bits', '768'])).toThrow(/--key-bits/);
    expect(() => parseRunOptions(['--epsilon', '0'])).toThrow(/--epsilon/);
    expect(() => parseRunOptions(['--churn', '1'])).toThrow(/--churn/);
    expect(() => parseRunOptions(['--strategy', 'linear'])).toThrow(/--strategy/);
    expect(() => parseRunOptions(['--dataset', 'foo.txt'])).toThrow(/--dataset/);
    expect(() => parseRunOptions(['--participants', '10', '--population', '5'])).toThrow(/--population/);
  });
});

describe('VirtualClock', () => {
  it('fires timers in time then insertion order, skips cancelled ones and awaits tracked work', async () => {
    const clock = new VirtualClock();
    const log: string[] = [];
    clock.setTimer(20, () => log.push(`b${clock.now()}`));
    clock.setTimer(10, () => {
      log.push(`a${clock.now()}`);
      clock.track(Promise.resolve().then(() => { log.push('work'); clock.setTimer(0, () => log.push('c10')); }));
    });
    const cancel = clock.setTimer(15, () => log.push('never'));
    clock.setTimer(20, () => log.push('b2'));
    cancel();
    await clock.run();
    expect(log).toEqual(['a10', 'work', 'c10', 'b20', 'b2']);
  });
});

describe('faults', () => {
  it('an internal participant error fails the run loudly (no silent zero-iteration result)', async () => {
    const cfg = smallConfig({ participants: 12, population: 12_000, iterations: 2, seed: 4 });
    const good = plainBackend(dealPlainThresholdKey({ bits: PLAIN_MODULUS_BITS, holders: 10, threshold: 6 }).publicKey);
    const broken: CryptoBackend = { ...good, combineVector: () => Promise.reject(new RangeError('combine: injected failure')) };
    await expect(runSimulationDetailed(cfg, { backend: broken })).rejects.toThrow(/participant p\d+ failed: combine: injected failure/);
    // The same run with the intact backend completes (the failure above is the injected one).
    const { result } = await runSimulationDetailed(cfg, { backend: good });
    expect(result.iterations).toHaveLength(2);
  });

  it('a run with 20% churn and 5% loss completes and drops nothing silently', async () => {
    const cfg = smallConfig({ participants: 60, population: 60_000, iterations: 3, churn: 0.2, loss: 0.05, seed: 3 });
    const { result, details } = await runSimulationDetailed(cfg);
    expect(details!.departed).toBeGreaterThanOrEqual(8);
    expect(details!.departed).toBeLessThanOrEqual(12);
    expect(details!.lostMessages).toBeGreaterThan(0);
    expect(details!.stoppedEarly).toBe(false);
    expect(result.final.iterations).toBe(3);
    expect(result.final.epsilonSpent).toBeLessThanOrEqual(cfg.epsilon);
    expect(Number.isFinite(result.final.inertia)).toBe(true);
  });
});
