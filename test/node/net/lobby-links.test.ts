import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seededRng } from '../../../src/core/rng';
import type { PeerId } from '../../../src/core/transport';
import { createLobbyLinker, type LobbyLinker } from '../../../src/net/lobby-links';
import { manualClock, type ManualClock } from './fakes';

/** A fake mesh: dials resolve after `dialMs` of the manual clock; `dead` peers fail. */
function fakeHost(clock: ManualClock, dialMs = 100) {
  const linked = new Set<PeerId>();
  const dead = new Set<PeerId>();
  const dials: PeerId[] = [];
  let inFlight = 0, maxInFlight = 0;
  return {
    linked, dead, dials, maxInFlight: () => maxInFlight,
    host: {
      has: (p: PeerId) => linked.has(p),
      connect: (p: PeerId) => new Promise<boolean>((resolve) => {
        dials.push(p);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        clock.setTimer(dialMs, () => { inFlight--; if (!dead.has(p)) linked.add(p); resolve(!dead.has(p)); });
      }),
    },
  };
}

/** Advances the clock in steps, letting the dial promises settle between them. */
async function run(clock: ManualClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 50) { clock.advance(50); for (let i = 0; i < 5; i++) await Promise.resolve(); }
}

const members = (n: number): PeerId[] => ['hub', 'me', ...Array.from({ length: n }, (_, i) => `m${i}`)];

function linker(clock: ManualClock, host: ReturnType<typeof fakeHost>['host'], target: number, seed = 1): LobbyLinker {
  return createLobbyLinker({ self: 'me', hub: 'hub', target, spreadMs: 1000, host, clock, rng: seededRng(seed) });
}

describe('lobby links: a joiner links to a few members while it waits', () => {
  it('dials one member at a time until it has `target` links, never itself or the creator', async () => {
    const clock = manualClock();
    const f = fakeHost(clock);
    const l = linker(clock, f.host, 3);
    l.update(members(8));
    expect(f.dials).toEqual([]); // waits its random spread first
    expect(l.settled()).toBe(false);
    await run(clock, 2000);
    expect(f.dials.length).toBe(3);
    expect(new Set(f.dials).size).toBe(3);
    for (const p of f.dials) expect(p).toMatch(/^m\d$/);
    expect(f.maxInFlight()).toBe(1);
    expect(l.linked()).toBe(3);
    expect(l.settled()).toBe(true);
    l.update(members(10)); // more members: it has enough already
    await run(clock, 2000);
    expect(f.dials.length).toBe(3);
  });

  it('links others dialled to it count: a joiner with enough links dials nobody', async () => {
    const clock = manualClock();
    const f = fakeHost(clock);
    for (const p of ['m1', 'm4', 'm6']) f.linked.add(p);
    f.linked.add('hub');
    const l = linker(clock, f.host, 3);
    l.update(members(8));
    await run(clock, 2000);
    expect(f.dials).toEqual([]);
    expect(l.settled()).toBe(true);
  });

  it('a failed dial is not repeated; with no member left to dial it is settled with fewer links', async () => {
    const clock = manualClock();
    const f = fakeHost(clock);
    f.dead.add('m0');
    const l = linker(clock, f.host, 3);
    l.update(members(2)); // hub, me, m0 (dead), m1
    await run(clock, 3000);
    expect(f.dials.sort()).toEqual(['m0', 'm1']);
    expect(l.linked()).toBe(1);
    expect(l.settled()).toBe(true);
    l.update(members(3)); // m2 joins: one more to dial
    await run(clock, 3000);
    expect(f.dials.filter((p) => p === 'm0').length).toBe(1);
    expect(f.dials).toContain('m2');
    expect(l.linked()).toBe(2);
  });

  it('stop (the round started) cancels the pending dial and any further one', async () => {
    const clock = manualClock();
    const f = fakeHost(clock);
    const l = linker(clock, f.host, 3);
    l.update(members(8));
    l.stop();
    await run(clock, 3000);
    expect(f.dials).toEqual([]);
    const l2 = linker(clock, f.host, 3, 2);
    l2.update(members(8));
    await run(clock, 1100); // the first dial went out (spread < 1 s, dial 100 ms)
    const after = f.dials.length;
    expect(after).toBeGreaterThanOrEqual(1);
    l2.stop();
    await run(clock, 3000);
    expect(f.dials.length).toBe(after);
  });

  it('picks uniformly among the members (χ² over 600 seeds, 6 candidates)', async () => {
    const counts = new Map<PeerId, number>();
    for (let seed = 1; seed <= 600; seed++) {
      const clock = manualClock();
      const f = fakeHost(clock);
      const l = linker(clock, f.host, 1, seed);
      l.update(members(6));
      await run(clock, 1200);
      expect(f.dials.length).toBe(1);
      counts.set(f.dials[0]!, (counts.get(f.dials[0]!) ?? 0) + 1);
    }
    const chi2 = [...Array(6).keys()].reduce((a, i) => a + ((counts.get(`m${i}`) ?? 0) - 100) ** 2 / 100, 0);
    expect(chi2).toBeLessThan(20.5); // χ²(5) at p = 0.001
  });

  it('property: never dials self, the creator, a linked member, or more than needed', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 1e6 }), fc.array(fc.integer({ min: 0, max: 11 }), { maxLength: 6 }), async (n, target, seed, pre) => {
      const clock = manualClock();
      const f = fakeHost(clock);
      const m = members(n);
      for (const i of pre) if (i < n) f.linked.add(`m${i}`);
      const before = f.linked.size;
      const l = linker(clock, f.host, target, seed);
      l.update(m);
      await run(clock, 1000 + 150 * (n + 1));
      expect(f.dials).not.toContain('me');
      expect(f.dials).not.toContain('hub');
      expect(new Set(f.dials).size).toBe(f.dials.length);
      for (const p of f.dials) expect(m).toContain(p);
      expect(f.dials.length).toBe(Math.max(0, Math.min(target, n) - before));
      expect(l.settled()).toBe(true);
    }), { numRuns: 60, seed: 7 });
  });

  it('accepts lobby dials only up to 2 × target links (always the creator, a linked peer, or once stopped)', () => {
    const clock = manualClock();
    const f = fakeHost(clock);
    const l = linker(clock, f.host, 2);
    l.update(members(8));
    for (const p of ['m0', 'm1', 'm2']) f.linked.add(p);
    expect(l.accepts('m5')).toBe(true); // 3 < 4
    f.linked.add('m3');
    expect(l.accepts('m5')).toBe(false); // 4 links: full
    expect(l.accepts('m3')).toBe(true); // a re-dial from a linked peer (a reload) replaces its link
    expect(l.accepts('hub')).toBe(true);
    l.stop();
    expect(l.accepts('m5')).toBe(true); // the round's overlay decides from here
  });

  it('refuses a bad target or spread, naming it', () => {
    const clock = manualClock();
    const { host } = fakeHost(clock);
    const make = (target: number, spreadMs: number) => () => createLobbyLinker({ self: 'me', hub: 'hub', target, spreadMs, host, clock, rng: seededRng(1) });
    expect(make(-1, 0)).toThrow(/target must be an integer ≥ 0, got -1/);
    expect(make(1.5, 0)).toThrow(/target must be an integer ≥ 0, got 1.5/);
    expect(make(1, Number.NaN)).toThrow(/spreadMs must be a finite number ≥ 0, got NaN/);
  });
});
