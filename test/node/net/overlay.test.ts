import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../src/core/rng';
import { createOverlay } from '../../../src/net/overlay';

/** Simulates N overlays with a fake "dialler": every planned dial succeeds unless the target is dead. */
function simulate(N: number, D: number, seed: number, holders: string[] = []) {
  const ids = Array.from({ length: N }, (_, i) => `p${i}`);
  const ov = new Map(ids.map((id) => [id, createOverlay({ self: id, degree: D, rng: seededRng(seed + id.length * 7 + Number(id.slice(1))) })]));
  const edges = new Set<string>();
  const dead = new Set<string>();
  const maxPendingSeen = { v: 0 };
  for (const o of ov.values()) o.setMembers(ids, holders);
  const step = (): number => {
    let dials = 0;
    for (const [id, o] of ov) {
      if (dead.has(id)) continue;
      const plan = o.plan();
      dials += plan.length;
      for (const p of plan) {
        if (dead.has(p)) { o.forget(p); continue; }
        const key = [id, p].sort().join('|');
        edges.add(key);
        o.linkUp(p); ov.get(p)!.linkUp(id);
      }
    }
    return dials;
  };
  return { ids, ov, edges, dead, step, maxPendingSeen };
}

function connected(ids: string[], edges: Set<string>, dead: Set<string>): boolean {
  const alive = ids.filter((i) => !dead.has(i));
  const adj = new Map(alive.map((i) => [i, [] as string[]]));
  for (const e of edges) { const [a, b] = e.split('|') as [string, string]; if (!dead.has(a) && !dead.has(b)) { adj.get(a)!.push(b); adj.get(b)!.push(a); } }
  const seen = new Set([alive[0]!]);
  const stack = [alive[0]!];
  while (stack.length) for (const n of adj.get(stack.pop()!)!) if (!seen.has(n)) { seen.add(n); stack.push(n); }
  return seen.size === alive.length;
}

describe('bounded random overlay', () => {
  it('builds a connected graph with bounded degree, not a full mesh', () => {
    for (const seed of [1, 2, 3]) {
      const { ids, ov, edges, dead, step } = simulate(60, 6, seed);
      step(); step();
      expect(connected(ids, edges, dead)).toBe(true);
      const degrees = ids.map((id) => ov.get(id)!.neighbours().length);
      expect(Math.min(...degrees)).toBeGreaterThanOrEqual(3);
      expect(degrees.reduce((a, b) => a + b, 0) / ids.length).toBeLessThanOrEqual(6.5);
      expect(edges.size).toBeLessThan((60 * 59) / 2 / 5);
    }
  });

  it('key holders link to every other holder', () => {
    const holders = ['p0', 'p5', 'p9', 'p20'];
    const { ov, step } = simulate(30, 4, 7, holders);
    step();
    for (const h of holders) for (const g of holders) if (h !== g) expect(ov.get(h)!.neighbours()).toContain(g);
  });

  it('repairs the degree after neighbours leave and stays connected', () => {
    const { ids, ov, edges, dead, step } = simulate(40, 6, 11);
    step();
    for (const v of ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8']) {
      dead.add(v);
      for (const o of ov.values()) o.linkDown(v);
    }
    for (const o of ov.values()) for (const v of dead) o.forget(v);
    step(); step();
    expect(connected(ids, edges, dead)).toBe(true);
    for (const id of ids) if (!dead.has(id)) expect(ov.get(id)!.neighbours().length).toBeGreaterThanOrEqual(3);
  });

  it('plans nothing before members are known and never plans self or a planned peer twice', () => {
    const o = createOverlay({ self: 'a', degree: 4, rng: seededRng(1) });
    expect(o.plan()).toEqual([]);
    o.setMembers(['a', 'b', 'c', 'd', 'e'], []);
    const first = o.plan();
    expect(first.length).toBe(2);
    expect(first).not.toContain('a');
    expect(o.plan()).toEqual([]);
    expect(() => createOverlay({ self: 'a', degree: 0, rng: seededRng(1) })).toThrow(RangeError);
  });
});

describe('overlay: a forgotten member that links again', () => {
  it('is a neighbour again (a tab back from a reload)', () => {
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
