import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../src/core/rng';
import type { PeerId } from '../../../src/core/transport';
import type { OverlayMessage } from '../../../src/net/control';
import { createOverlay, viewSizeFor, type Overlay } from '../../../src/net/overlay';
import { createOverlayDriver, type OverlayDriver } from '../../../src/net/overlay-driver';
import { manualClock } from './fakes';

/**
 * N overlay drivers over a fake network: links are undirected edges, a dial succeeds at once unless
 * the target is dead, messages are delivered synchronously. Each node starts linked to the creator
 * `p0` and pinning it, as a lobby leaves them.
 */
function swarm(N: number, D: number, seed: number, holders: PeerId[] = [], extra: { idleLinks?: number; jitter?: boolean } = {}) {
  const clock = manualClock();
  const ids = Array.from({ length: N }, (_, i) => `p${i}`);
  const links = new Set<string>();
  const dead = new Set<PeerId>();
  const key = (a: PeerId, b: PeerId): string => [a, b].sort().join('|');
  const nodes = new Map<PeerId, { overlay: Overlay; driver: OverlayDriver }>();
  const linkedTo = (a: PeerId): PeerId[] => [...links].map((e) => e.split('|') as [string, string]).filter(([x, y]) => x === a || y === a).map(([x, y]) => (x === a ? y : x));
  const up = (a: PeerId, b: PeerId): void => {
    if (links.has(key(a, b))) return;
    links.add(key(a, b));
    nodes.get(a)?.driver.linkUp(b); nodes.get(b)?.driver.linkUp(a);
  };
  const down = (a: PeerId, b: PeerId): void => {
    if (!links.delete(key(a, b))) return;
    nodes.get(a)?.driver.linkDown(b); nodes.get(b)?.driver.linkDown(a);
  };
  let messages = 0;
  for (const [i, id] of ids.entries()) {
    const rng = seededRng(seed * 7919 + i);
    const overlay = createOverlay({ self: id, degree: D, rng, idleLinks: extra.idleLinks });
    const driver = createOverlayDriver({
      overlay, clock, shufflePeriodMs: 1000, shuffleTimeoutMs: 3000, releaseGraceMs: 500, ...(extra.jitter ? { random: () => rng.nextFloat() } : {}),
      host: {
        has: (p) => links.has(key(id, p)),
        connect: async (p) => { if (dead.has(p) || dead.has(id)) return false; up(id, p); return true; },
        disconnect: (p) => down(id, p),
        send: (p, m: OverlayMessage) => {
          if (!links.has(key(id, p))) return false;
          messages++;
          queueMicrotask(() => { if (!dead.has(p)) nodes.get(p)?.driver.handle(id, m); });
          return true;
        },
      },
    });
    nodes.set(id, { overlay, driver });
  }
  // The lobby: everyone linked to p0, pinning each other.
  for (const id of ids.slice(1)) { links.add(key('p0', id)); }
  for (const [id, n] of nodes) {
    n.overlay.setMembers(ids, holders);
    for (const p of linkedTo(id)) { n.overlay.pin(p, true); n.overlay.linkUp(p); }
  }
  const settle = async (): Promise<void> => { for (let i = 0; i < 20; i++) await Promise.resolve(); };
  const run = async (ms: number): Promise<void> => { for (let t = 0; t < ms; t += 100) { clock.advance(100); await settle(); } };
  const go = async (): Promise<void> => {
    for (const [id, n] of nodes) { for (const p of linkedTo(id)) n.overlay.pin(p, false); n.driver.startShuffling(); }
    for (const n of nodes.values()) void n.driver.sync();
    await settle();
  };
  const kill = (id: PeerId): void => { dead.add(id); nodes.get(id)!.driver.stop(); for (const p of linkedTo(id)) down(id, p); nodes.delete(id); };
  const degree = (id: PeerId): number => linkedTo(id).length;
  const connected = (): boolean => {
    const alive = ids.filter((i) => !dead.has(i));
    const seen = new Set([alive[0]!]);
    const stack = [alive[0]!];
    while (stack.length) for (const q of linkedTo(stack.pop()!)) if (!seen.has(q)) { seen.add(q); stack.push(q); }
    return seen.size === alive.length;
  };
  return { ids, nodes, links, dead, run, go, kill, degree, connected, settle, messages: () => messages };
}

describe('overlay: a Cyclon view turned into links', () => {
  it('view size: ⌈D/2⌉, at least 2; invalid degrees are refused', () => {
    expect([1, 2, 3, 6, 7].map(viewSizeFor)).toEqual([2, 2, 2, 3, 4]);
    expect(() => createOverlay({ self: 'a', degree: 0, rng: seededRng(1) })).toThrow(/degree must be an integer ≥ 1, got 0/);
    expect(() => createOverlay({ self: 'a', degree: 2, idleLinks: -1, rng: seededRng(1) })).toThrow(/idleLinks must be an integer ≥ 0, got -1/);
    expect(() => createOverlay({ self: 'a', degree: 2, idleLinks: 1.5, rng: seededRng(1) })).toThrow(/idleLinks must be an integer ≥ 0, got 1.5/);
  });

  it('plans its view (a random sample of members), never self, never twice', () => {
    const o = createOverlay({ self: 'a', degree: 6, rng: seededRng(1) });
    expect(o.plan()).toEqual([]);
    o.setMembers(['a', 'b', 'c', 'd', 'e', 'f', 'g'], []);
    const first = o.plan();
    expect(first.length).toBe(3);
    expect(first).not.toContain('a');
    expect(new Set(first).size).toBe(3);
    expect(o.plan()).toEqual([]);
    // Different seeds sample different views (not the first members).
    const views = new Set([1, 2, 3, 4, 5].map((s) => { const x = createOverlay({ self: 'a', degree: 6, rng: seededRng(s) }); x.setMembers(['a', 'b', 'c', 'd', 'e', 'f', 'g'], []); return x.plan().sort().join(); }));
    expect(views.size).toBeGreaterThan(2);
  });

  it('seeds the view from unpinned links first (the lobby\'s), never preferring a pinned link', () => {
    const members = ['a', 'hub', ...'bcdefghijk'];
    const seen = new Map<string, number>();
    for (let seed = 1; seed <= 40; seed++) {
      const o = createOverlay({ self: 'a', degree: 4, rng: seededRng(seed) }); // view of 2
      o.pin('hub', true);
      for (const p of ['hub', 'c', 'f', 'j']) o.linkUp(p);
      o.setMembers(members, []);
      const view = o.cyclon.ids();
      expect(view.length).toBe(2);
      // Both view members are among the three unpinned links: nothing to dial.
      for (const p of view) expect(['c', 'f', 'j']).toContain(p);
      expect(o.plan()).toEqual([]);
      for (const p of view) seen.set(p, (seen.get(p) ?? 0) + 1);
    }
    // A random pick among them, not the first ones: each of the three is chosen (≈ 27 of 40 times).
    for (const p of ['c', 'f', 'j']) expect(seen.get(p)).toBeGreaterThan(15);
    // Fewer links than the view: the rest is drawn from all members, links still included.
    const o = createOverlay({ self: 'a', degree: 6, rng: seededRng(3) }); // view of 3
    o.pin('hub', true);
    for (const p of ['hub', 'k']) o.linkUp(p);
    o.setMembers(members, []);
    expect(o.cyclon.has('k')).toBe(true);
    expect(o.plan().length).toBe(2);
  });

  it('key holders form a star around holder 1; the smaller id of a star link dials', () => {
    const holders = ['h1', 'h2', 'h3', 'h4'];
    const members = [...holders, 'x', 'y', 'z'];
    const at = (self: string) => { const o = createOverlay({ self, degree: 2, rng: seededRng(1) }); o.setMembers(members, holders); return o; };
    const h1 = at('h1'), h3 = at('h3'), x = at('x');
    // Holder 1 wants every holder; the others want holder 1 but not each other (unless sampled).
    expect(holders.slice(1).every((h) => h1.wants(h))).toBe(true);
    expect(h3.wants('h1')).toBe(true);
    for (const h of ['h2', 'h4']) expect(h3.wants(h)).toBe(h3.cyclon.has(h));
    for (const h of holders) expect(x.wants(h)).toBe(x.cyclon.has(h));
    // h1 < h3: holder 1 dials the star links; h3 waits for it (unless h1 is in its view).
    expect(h1.plan()).toEqual(expect.arrayContaining(['h2', 'h3', 'h4']));
    expect(h3.plan().includes('h1')).toBe(h3.cyclon.has('h1'));
  });

  it('a pin keeps a link but is no gossip neighbour; unwanted links are released after the grace only', () => {
    const o = createOverlay({ self: 'a', degree: 2, rng: seededRng(1) });
    o.setMembers(['a', 'hub', 'b', 'c'], []);
    const view = o.cyclon.ids();
    const outsider = ['hub', 'b', 'c'].find((p) => !view.includes(p))!;
    o.pin(outsider, true);
    o.linkUp(outsider);
    o.setTheirWant(outsider, false);
    expect(o.neighbours()).not.toContain(outsider);
    expect(o.announcements()).toEqual([{ peer: outsider, want: false }]);
    expect(o.announcements()).toEqual([]); // only changes are announced
    expect(o.releasable(0, 1000)).toEqual([]); // pinned
    o.pin(outsider, false);
    expect(o.releasable(10, 1000)).toEqual([]);
    expect(o.releasePending()).toBe(true);
    expect(o.releasable(500, 1000)).toEqual([]);
    expect(o.releasable(1010, 1000)).toEqual([outsider]);
    // The other end wanting it keeps it, and makes it a neighbour.
    o.linkUp(view[0]!);
    o.setTheirWant(view[0]!, true);
    expect(o.neighbours()).toContain(view[0]);
  });

  it('idle links: the idleLinks most recently idle stay open, the older ones go after the grace', () => {
    const others = ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    const o = createOverlay({ self: 'a', degree: 2, idleLinks: 2, rng: seededRng(3) });
    o.setMembers(['a', ...others], []);
    const outside = others.filter((p) => !o.wants(p)); // not in the view: idle once the other end says so
    expect(outside.length).toBeGreaterThanOrEqual(4);
    const [p1, p2, p3, p4] = outside as [string, string, string, string];
    // Idle from t = 0, 100, 200, 300 (in this order).
    [p1, p2, p3, p4].forEach((p, i) => { o.linkUp(p); o.setTheirWant(p, false); o.releasable(i * 100, 1000); });
    expect(o.releasePending()).toBe(true); // 4 idle, 2 may stay
    expect(o.releasable(1050, 1000)).toEqual([p1]); // p2 is within its grace
    o.linkDown(p1); // the host closes what is released
    expect(o.releasable(1100, 1000)).toEqual([p2]);
    o.linkDown(p2);
    expect(o.releasePending()).toBe(false);
    expect(o.releasable(5000, 1000)).toEqual([]); // p3, p4: the two most recently idle stay
    // The other end wanting one again makes it a neighbour and frees a place: a new idle link stays.
    o.setTheirWant(p3, true);
    expect(o.neighbours()).toContain(p3);
    o.linkUp(outside[4] ?? p1);
    o.setTheirWant(outside[4] ?? p1, false);
    expect(o.releasable(6000, 1000)).toEqual([]);
    // A link that went down is no longer counted (p4 down: p3 idle again stays with the new one).
    o.linkDown(p4);
    o.setTheirWant(p3, false);
    expect(o.releasable(7000, 1000)).toEqual([]);
    expect(o.releasePending()).toBe(false);
  });

  it('a forgotten member that links again is a neighbour again (a tab back from a reload)', () => {
    const o = createOverlay({ self: 'a', degree: 2, rng: seededRng(1) });
    o.setMembers(['a', 'b', 'c'], []);
    o.linkUp('b');
    expect(o.neighbours()).toEqual(['b']);
    o.linkDown('b');
    o.forget('b'); // its page went away and a dial to it failed
    expect(o.neighbours()).toEqual([]);
    expect(o.plan()).not.toContain('b');
    o.linkUp('b'); // it rejoined and linked to us
    expect(o.neighbours()).toEqual(['b']);
  });
});

describe('overlay drivers on a fake network (Cyclon + want/release + shuffles)', () => {
  it('refuses negative or non-finite timings, naming the option', () => {
    const overlay = createOverlay({ self: 'a', degree: 4, rng: seededRng(1) });
    const host = { has: () => false, connect: async () => false, disconnect: () => {}, send: () => false };
    const mk = (o: object) => () => createOverlayDriver({ overlay, host, clock: manualClock(), ...o });
    expect(mk({ shufflePeriodMs: -1 })).toThrow(/shufflePeriodMs must be a finite number ≥ 0, got -1/);
    expect(mk({ releaseGraceMs: Number.NaN })).toThrow(/releaseGraceMs must be a finite number ≥ 0, got NaN/);
    expect(mk({ shuffleTimeoutMs: 0 })).toThrow(/shuffleTimeoutMs must be a finite number ≥ 1, got 0/);
    expect(mk({ shufflePeriodMs: 0, releaseGraceMs: 0 })).not.toThrow();
  });

  it('60 members: the lobby star is released, degrees stay bounded, the graph stays connected while shuffling', async () => {
    for (const seed of [1, 2]) {
      const s = swarm(60, 6, seed);
      expect(s.degree('p0')).toBe(59); // the lobby star
      await s.go();
      await s.run(2000); // past the release grace
      expect(s.degree('p0')).toBeLessThan(15);
      const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
      for (let t = 0; t < 4; t++) {
        await s.run(5000);
        expect(s.connected()).toBe(true);
        const degrees = s.ids.map(s.degree);
        expect(Math.min(...degrees)).toBeGreaterThanOrEqual(2);
        // Links include those waiting out their grace after a shuffle swapped them away.
        expect(Math.max(...degrees)).toBeLessThan(20);
        // Gossip neighbours (links either end wants): about D.
        const neighbours = [...s.nodes.values()].map((n) => n.overlay.neighbours().length);
        expect(mean(neighbours)).toBeGreaterThan(4.5);
        expect(mean(neighbours)).toBeLessThan(7.5);
      }
      const completed = [...s.nodes.values()].reduce((a, n) => a + n.driver.stats().shufflesCompleted, 0);
      expect(completed).toBeGreaterThan(60 * 15);
      // Shuffles stop (the round is over): once the grace has passed, only wanted links remain.
      for (const n of s.nodes.values()) n.driver.stopShuffling();
      await s.run(2000);
      expect(mean(s.ids.map(s.degree))).toBeLessThan(7.5);
      expect(s.connected()).toBe(true);
      for (const n of s.nodes.values()) n.driver.stop();
    }
  });

  it('idle links: each node keeps at most idleLinks links neither end wants; the graph stays connected', async () => {
    const s = swarm(40, 6, 4, [], { idleLinks: 3, jitter: true });
    const idleAt = (id: PeerId): number => {
      const n = s.nodes.get(id)!;
      return s.ids.filter((p) => p !== id && s.links.has([id, p].sort().join('|')) && !n.overlay.wants(p) && !s.nodes.get(p)!.overlay.wants(id)).length;
    };
    await s.go();
    for (let t = 0; t < 3; t++) {
      await s.run(3000);
      expect(s.connected()).toBe(true);
      expect(Math.max(...s.ids.map(s.degree))).toBeLessThan(6 + 3 + 8); // wanted, idle kept, swaps in their grace
    }
    // Shuffles stop: once the grace has passed, each node holds at most 3 idle links, and some hold that many.
    for (const n of s.nodes.values()) n.driver.stopShuffling();
    await s.run(2000);
    const idle = s.ids.map(idleAt);
    expect(Math.max(...idle)).toBeLessThanOrEqual(3);
    expect(idle.filter((x) => x > 0).length).toBeGreaterThan(10);
    expect(s.connected()).toBe(true);
    for (const n of s.nodes.values()) n.driver.stop();
  });

  it('jittered shuffles: waits drawn from [P/2, 3P/2), so members that start together drift apart', async () => {
    const flush = async (): Promise<void> => { for (let i = 0; i < 5; i++) await Promise.resolve(); };
    const starts = async (random: () => number): Promise<number[]> => {
      const clock = manualClock();
      const overlay = createOverlay({ self: 'a', degree: 2, rng: seededRng(1) });
      overlay.setMembers(['a', 'b', 'c'], []);
      const at: number[] = [];
      const driver = createOverlayDriver({
        overlay, clock, shufflePeriodMs: 1000, random,
        host: { has: () => true, connect: async () => true, disconnect: () => {}, send: (_p, m) => { if (m.t === 'shuffle') at.push(clock.now()); return true; } },
      });
      driver.startShuffling();
      for (let i = 0; i < 40; i++) {
        clock.advance(100);
        await flush();
        const target = overlay.cyclon.inFlight;
        if (target) driver.handle(target, { t: 'shuffle-reply', entries: [] });
      }
      driver.stop();
      return at;
    };
    // The extremes of the draw: every P/2, every 3P/2.
    expect(await starts(() => 0)).toEqual([500, 1000, 1500, 2000, 2500, 3000, 3500, 4000]);
    expect(await starts(() => 0.999)).toEqual([1500, 3000]); // due at 1499 and 2998, seen at the next 100 ms step
    expect(await starts(() => 0.5)).toEqual([1000, 2000, 3000, 4000]); // the mean: P
    // Seeded: ten members' first shuffles spread over at least half a period.
    const firsts: number[] = [];
    for (let i = 0; i < 10; i++) { const r = seededRng(100 + i); firsts.push((await starts(() => r.nextFloat()))[0]!); }
    expect(firsts.every((t) => t >= 500 && t < 1600)).toBe(true);
    expect(Math.max(...firsts) - Math.min(...firsts)).toBeGreaterThan(500);
  });

  it('a fifth of the members leave: views forget them, the rest stays connected with degree ≥ 2', async () => {
    const s = swarm(40, 6, 9);
    await s.go();
    await s.run(5000);
    for (let i = 1; i <= 8; i++) s.kill(`p${i * 4}`);
    await s.run(15_000);
    expect(s.connected()).toBe(true);
    for (const [id, n] of s.nodes) {
      expect(s.degree(id)).toBeGreaterThanOrEqual(2);
      for (const p of n.overlay.cyclon.ids()) expect(s.dead.has(p)).toBe(false);
    }
    for (const n of s.nodes.values()) n.driver.stop();
  });
});
