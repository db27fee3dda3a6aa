/**
 * End-to-end: `npm run swarm` with real tabs over real WebRTC, including the fault case of BRIEF:
 * 20 % of the tabs close mid-round and the rest still finish (key holders ≥ threshold remain);
 * a reloaded tab rejoins with its id and contributes again; PPkM runs over WebRTC too. Every run
 * reports why the round stopped (`final.stopReason`, and a `stop:` line like `npm run sim`).
 * Also the runner's pure helpers: options, stop reason, trace parsing, Chromium features.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import type { RunResult } from '../../../src/sim/contract';
import { parseRunOptions } from '../../../src/sim/options';
import { runPpkmSimulation } from '../../../src/sim/ppkm/run';
import { STOP_REASONS } from '../../../src/core/termination';
import { defaultCycleMs, expectedDropout, longTaskCpu, parseSwarmOptions, roundStopReason, traceEvents } from '../../../scripts/swarm';
import { enableFeaturesArg, FOREGROUND_FEATURES, PLAYWRIGHT_ENABLED_FEATURES } from '../../../scripts/lib/app-browser';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function swarm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'scripts/swarm.ts'), ...args], { cwd: root, timeout: 170_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('swarm runner helpers', () => {
  it('lengthens the gossip cycle for swarms above 32 tabs unless told', () => {
    expect(parseSwarmOptions(['--tabs', '12']).cycleMs).toBe(150);
    expect(parseSwarmOptions(['--tabs', '50']).cycleMs).toBe(300);
    expect(parseSwarmOptions(['--tabs', '50', '--cycle-ms', '120']).cycleMs).toBe(120);
    expect([defaultCycleMs(32), defaultCycleMs(33)]).toEqual([150, 300]);
  });

  it('sizes the noise for the tabs it closes and reloads', () => {
    expect(expectedDropout(10, 0.2, 0)).toBe(0.2);
    expect(expectedDropout(10, 0.15, 0)).toBe(0.2); // ⌈1.5⌉ = 2 tabs closed
    expect(expectedDropout(6, 0, 1)).toBeCloseTo(1 / 6, 12);
    expect(expectedDropout(12, 0, 0)).toBe(0);
    expect(expectedDropout(4, 0.5, 3)).toBe(0.75); // at least one tab contributes
  });

  it('parses --crypto-slots, --foreground and --lobby-links', () => {
    const d = parseSwarmOptions(['--tabs', '3']);
    expect(d.cryptoSlots).toBeUndefined();
    expect(d.foreground).toBe(true);
    expect(d.lobbyLinks).toBe(true);
    const o = parseSwarmOptions(['--tabs', '3', '--crypto-slots', '0', '--foreground=0', '--lobby-links', '0']);
    expect(o.cryptoSlots).toBe(0);
    expect(o.foreground).toBe(false);
    expect(o.lobbyLinks).toBe(false);
    expect(() => parseSwarmOptions(['--tabs', '3', '--lobby-links', '2'])).toThrow('--lobby-links: must be in [0, 1], got 2');
    expect(() => parseSwarmOptions(['--tabs', '3', '--lobby-links', 'yes'])).toThrow(/--lobby-links: expected an integer, got 'yes'/);
    expect(() => parseSwarmOptions(['--tabs', '3', '--crypto-slots', '65'])).toThrow('--crypto-slots: must be in [0, 64], got 65');
    expect(() => parseSwarmOptions(['--tabs', '3', '--foreground', '2'])).toThrow('--foreground: must be in [0, 1], got 2');
  });

  it('the stop reason is the one the tabs reported, validated', () => {
    expect(roundStopReason([{ stopReason: 'converged' }, { stopReason: 'converged' }, undefined])).toEqual({ reason: 'converged', counts: { converged: 2, unknown: 1 } });
    expect(roundStopReason([{ stopReason: 'max-iterations' }, { stopReason: 'budget-exhausted' }, { stopReason: 'max-iterations' }]).reason).toBe('max-iterations');
    expect(roundStopReason([{ stopReason: 'because' }, {}])).toEqual({ reason: undefined, counts: { unknown: 2 } });
    expect(roundStopReason([])).toEqual({ reason: undefined, counts: {} });
  });

  it('parses a Chromium trace line by line (one event per line) or whole, and finds main-thread long tasks', () => {
    const events = [
      { args: { name: 'CrRendererMain' }, name: 'thread_name', ph: 'M', pid: 1, tid: 1 },
      { args: { name: 'DedicatedWorker thread' }, name: 'thread_name', ph: 'M', pid: 1, tid: 2 },
      { name: 'RunTask', ph: 'X', pid: 1, tid: 1, dur: 120_000, tdur: 9_000 },
      { name: 'RunTask', ph: 'X', pid: 1, tid: 1, dur: 60_000, tdur: 30_000 },
      { name: 'RunTask', ph: 'X', pid: 1, tid: 1, dur: 20_000, tdur: 20_000 },
      { name: 'RunTask', ph: 'X', pid: 1, tid: 2, dur: 500_000, tdur: 500_000 },
    ];
    // Chromium's layout: one event per line, the last one closing the array before the metadata.
    const lines = `{"traceEvents":[\n${events.map((e) => JSON.stringify(e)).join(',\n')}],"metadata":\n{"clock-domain":"LINUX_CLOCK_MONOTONIC"}}\n`;
    expect(traceEvents(Buffer.from(lines))).toHaveLength(events.length);
    expect(traceEvents(JSON.stringify({ traceEvents: events }))).toHaveLength(events.length);
    expect(traceEvents(JSON.stringify(events))).toHaveLength(events.length);
    expect(longTaskCpu(Buffer.from(lines))).toEqual({ longTasks: 2, maxWallMs: 120, cpuOfMaxWallMs: 9, maxCpuMs: 30 });
  });

  it('enables foreground priority for all tabs without dropping the features Playwright enables', () => {
    // Chromium keeps only the last --enable-features: ours must repeat the installed playwright-core's list.
    const bundle = readFileSync(join(root, 'node_modules/playwright-core/lib/coreBundle.js'), 'utf8');
    const block = /enabledFeatures = \(\) => \[([\s\S]*?)\]\.filter\(Boolean\)/.exec(bundle)?.[1];
    expect(block, 'playwright-core no longer declares enabledFeatures: re-check scripts/lib/app-browser.ts').toBeDefined();
    const theirs = [...block!.replace(/\/\/.*$/gm, '').matchAll(/"([A-Za-z0-9_]+)"/g)].map((m) => m[1]);
    expect([...PLAYWRIGHT_ENABLED_FEATURES].sort()).toEqual([...new Set(theirs)].sort());
    const arg = enableFeaturesArg(FOREGROUND_FEATURES);
    expect(arg.startsWith('--enable-features=')).toBe(true);
    expect(arg.slice('--enable-features='.length).split(',').sort()).toEqual([...PLAYWRIGHT_ENABLED_FEATURES, ...FOREGROUND_FEATURES].sort());
    expect(() => enableFeaturesArg(['Bad,Name'])).toThrow(TypeError);
  });
});

describe('npm run swarm', () => {
  it('rejects invalid options with a clear message and a non-zero exit', async () => {
    const r = await swarm(['--tabs', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--tabs: must be in \[2, 200\]/);
    const u = await swarm(['--tabs', '3', '--bogus', '1']);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/unknown option '--bogus'/);
  });

  it('10 tabs over WebRTC with 2 tabs closed mid-round: the others finish with the same centroids', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'swarm-')), 'out.json');
    const r = await swarm(['--tabs', '10', '--dataset', 'italy', '--k', '3', '--iterations', '3', '--key-bits', '0',
      '--population', '100000', '--churn', '0.2', '--cycle-ms', '80', '--private-inertia', '0.1', '--json', json]);
    expect(r.stderr + r.stdout).toMatch(/closed 2 tabs mid-round/);
    expect(r.code).toBe(0);
    const out = JSON.parse(readFileSync(json, 'utf8')) as RunResult & { swarm: { finishedTabs: number; closedTabs: number } };
    expect(out.transport).toBe('webrtc');
    expect(out.participants).toBe(10);
    expect(out.swarm.closedTabs).toBe(2);
    expect(out.swarm.finishedTabs).toBe(8);
    expect(out.iterations.length).toBeGreaterThanOrEqual(2);
    expect(out.final.epsilonSpent).toBeLessThanOrEqual(out.config.epsilon + 1e-9);
    expect(out.final.centroids.length).toBeGreaterThan(0);
    expect(Number.isFinite(out.final.inertia)).toBe(true);
    expect(out.iterations.every((it) => it.bytesPerParticipant > 0)).toBe(true);
    // The swarm's private inertia estimate of every iteration but the last (it arrives one iteration late).
    expect(out.iterations.slice(0, -1).every((it) => Number.isFinite(it.privateInertia) && it.privateInertia! >= 0)).toBe(true);
    expect(out.iterations.at(-1)!.privateInertia).toBeUndefined();
    // Why the round stopped, from the tabs' final results (BRIEF §7 `final.stopReason`), and printed.
    const reason = out.final.stopReason;
    expect(STOP_REASONS).toContain(reason);
    if (out.final.iterations < out.config.iterations) expect(reason).not.toBe('max-iterations');
    else expect(['max-iterations', 'all-centroids-ejected']).toContain(reason);
    expect(r.stdout).toMatch(new RegExp(`^stop: ${reason}: `, 'm'));
  }, 180_000);

  it('a reloaded tab rejoins with the same id and contributes from the next iteration', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'swarm-')), 'out.json');
    // Slow cycles: the round must outlast a page reload on a loaded 2-core machine (several seconds).
    const r = await swarm(['--tabs', '6', '--dataset', 'italy', '--k', '3', '--iterations', '6', '--key-bits', '0',
      '--population', '100000', '--cycle-ms', '300', '--reload', '1', '--timeout', '150', '--json', json]);
    expect(r.stderr + r.stdout).toMatch(/reloaded tabs \d+ after iteration \d+/);
    expect(r.code, r.stderr.replace(/\r/g, '\n').slice(-1500)).toBe(0);
    type Reloaded = { tab: number; id: string; afterIteration: number; sameId: boolean; rejoined: boolean; contributed: number[]; finalIteration: number };
    const out = JSON.parse(readFileSync(json, 'utf8')) as RunResult & { swarm: { reloaded: Reloaded[]; finishedTabs: number; centroidsAgree: boolean } };
    expect(out.swarm.finishedTabs).toBe(6);
    expect(out.swarm.centroidsAgree).toBe(true);
    const [re] = out.swarm.reloaded;
    expect(re).toBeDefined();
    expect(re!.sameId).toBe(true);
    expect(re!.rejoined).toBe(true);
    // It started (contributed to) a later iteration than the one it had reached before the reload.
    expect(re!.contributed.length).toBeGreaterThan(0);
    expect(Math.min(...re!.contributed)).toBeGreaterThan(re!.afterIteration);
    expect(re!.finalIteration).toBe(out.final.iterations);
  }, 180_000);

  it('PPkM over WebRTC: 4 tabs on a complete graph, 512-bit keys in the worker pool, equal centroids at every tab', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'swarm-')), 'out.json');
    const r = await swarm(['--protocol', 'ppkm', '--tabs', '4', '--neighbors', '3', '--dataset', 'italy', '--k', '3',
      '--iterations', '5', '--key-bits', '512', '--timeout', '120', '--json', json]);
    expect(r.code, r.stderr.replace(/\r/g, '\n').slice(-1500)).toBe(0);
    const out = JSON.parse(readFileSync(json, 'utf8')) as RunResult & { swarm: { centroidsAgree: boolean; graphDegrees: number[]; dropped: Record<string, number> } };
    expect(out.protocol).toBe('ppkm');
    expect(out.transport).toBe('webrtc');
    expect(out.swarm.graphDegrees).toEqual([3, 3, 3, 3]);
    expect(out.swarm.centroidsAgree).toBe(true);
    expect(out.swarm.dropped).toEqual({});
    expect(out.final.epsilonSpent).toBe(0);
    expect(out.final.centroids.length).toBe(3);
    // PPkM is exact k-means up to fixed point: on a complete graph it is Lloyd from the same start.
    expect(Math.abs(out.final.inertia - out.final.referenceInertia) / out.final.referenceInertia).toBeLessThan(1e-3);
    expect(out.iterations.every((it) => it.bytesPerParticipant > 0)).toBe(true);
    // The in-memory simulator (plain arithmetic, same graph, data and start) ends with the very same
    // centroids: PPkM's fixed-point result does not depend on the key or the transport.
    const sim = await runPpkmSimulation(parseRunOptions(['--protocol', 'ppkm', '--participants', '4', '--neighbors', '3',
      '--dataset', 'italy', '--k', '3', '--iterations', '5', '--key-bits', '0']), { readPublicFile: (p) => readFile(join(root, 'public', p)) });
    expect(out.final.centroids).toEqual(sim.final.centroids);
    expect(out.final.iterations).toBe(sim.final.iterations);
    // A node stops when its centroids moved ≤ ε_stop (converged), else at the iteration cap.
    if (out.final.iterations < 5) expect(out.final.stopReason).toBe('converged');
    else expect(['converged', 'max-iterations']).toContain(out.final.stopReason);
    expect(r.stdout).toMatch(new RegExp(`^stop: ${out.final.stopReason}: `, 'm'));
  }, 180_000);
});
