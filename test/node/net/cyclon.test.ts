import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seededRng } from '../../../src/core/rng';
import { createCyclon, type Cyclon } from '../../../src/net/cyclon';

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `p${i}`);

/**
 * A synchronous Cyclon population: each round every live node shuffles with its oldest peer; a dead
 * target fails the shuffle. Bootstrap: a ring plus one random pointer per node, deliberately far from
 * random, so the test shows the shuffles producing random views.
 */
function population(n: number, c: number, l: number, seed: number) {
  const nodes = new Map<string, Cyclon>(ids(n).map((id, i) => [id, createCyclon({ self: id, viewSize: c, shuffleLength: l, rng: seededRng(seed * 1000 + i) })]));
  ids(n).forEach((id, i) => nodes.get(id)!.seed([`p${(i + 1) % n}`, `p${(i + 2) % n}`]));
  const dead = new Set<string>();
  const round = (): void => {
    for (const [id, node] of nodes) {
      if (dead.has(id)) continue;
      const s = node.startShuffle();
      if (!s) continue;
      if (dead.has(s.target)) { node.failShuffle(s.target); continue; }
      const reply = nodes.get(s.target)!.answerShuffle(id, s.offer);
      node.completeShuffle(s.target, reply);
    }
  };
  return { nodes, dead, round };
}

function inDegrees(nodes: Map<string, Cyclon>, dead: Set<string>): number[] {
  const d = new Map<string, number>();
  for (const [id, n] of nodes) if (!dead.has(id)) for (const p of n.ids()) d.set(p, (d.get(p) ?? 0) + 1);
  return [...nodes.keys()].filter((id) => !dead.has(id)).map((id) => d.get(id) ?? 0);
}

function connected(nodes: Map<string, Cyclon>, dead: Set<string>): boolean {
  const alive = [...nodes.keys()].filter((id) => !dead.has(id));
  const adj = new Map(alive.map((id) => [id, new Set<string>()]));
  for (const id of alive) for (const p of nodes.get(id)!.ids()) if (!dead.has(p)) { adj.get(id)!.add(p); adj.get(p)!.add(id); }
  const seen = new Set([alive[0]!]);
  const stack = [alive[0]!];
  while (stack.length) for (const q of adj.get(stack.pop()!)!) if (!seen.has(q)) { seen.add(q); stack.push(q); }
  return seen.size === alive.length;
}

describe('Cyclon peer sampling', () => {
  it('validates its parameters precisely', () => {
    const rng = seededRng(1);
    expect(() => createCyclon({ self: 'a', viewSize: 0, shuffleLength: 1, rng })).toThrow(/viewSize must be an integer in \[1, 64\], got 0/);
    expect(() => createCyclon({ self: 'a', viewSize: 3, shuffleLength: 4, rng })).toThrow(/shuffleLength must be an integer in \[1, viewSize = 3\], got 4/);
    expect(() => createCyclon({ self: 'a', viewSize: 65, shuffleLength: 1, rng })).toThrow(RangeError);
  });

  it('a shuffle: the oldest entry is the target, the offer is self (age 0) plus ℓ−1 others, ages grow', () => {
    const c = createCyclon({ self: 'me', viewSize: 4, shuffleLength: 2, rng: seededRng(3) });
    c.seed(['a', 'b', 'me', 'a', 'c']); // self and duplicates ignored
    expect(c.ids()).toEqual(['a', 'b', 'c']);
    const s1 = c.startShuffle()!;
    expect(s1.offer[0]).toEqual({ id: 'me', age: 0 });
    expect(s1.offer.length).toBe(2);
    expect(c.startShuffle()).toBeNull(); // one shuffle at a time
    expect(c.has(s1.target)).toBe(false);
    c.completeShuffle(s1.target, [{ id: 'x', age: 5 }, { id: 'me', age: 0 }]);
    expect(c.inFlight).toBeNull();
    expect(c.has('x')).toBe(true);
    expect(c.has('me')).toBe(false);
    // Ages: every entry was aged by one at the start of the shuffle; received entries keep theirs.
    const ages = Object.fromEntries(c.view().map((e) => [e.id, e.age]));
    expect(ages['x']).toBe(5);
    for (const id of c.ids()) if (id !== 'x') expect(ages[id]).toBe(1);
    // The next target is the oldest: x (age 5 → 6).
    expect(c.startShuffle()!.target).toBe('x');
  });

  it('properties: views never exceed c, never hold self or duplicates, after any sequence of operations', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('seed'), peers: fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 6 }) }),
      fc.record({ k: fc.constant('start') }),
      fc.record({ k: fc.constant('complete'), peers: fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 6 }) }),
      fc.record({ k: fc.constant('answer'), from: fc.integer({ min: 0, max: 12 }), peers: fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 6 }) }),
      fc.record({ k: fc.constant('fail') }),
    );
    fc.assert(fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.array(op, { maxLength: 40 }), fc.integer(), (c, lRaw, ops, seed) => {
      const l = Math.min(lRaw, c);
      const node = createCyclon({ self: 'p0', viewSize: c, shuffleLength: l, rng: seededRng(seed) });
      const entries = (ps: number[]) => [...new Set(ps)].map((i) => ({ id: `p${i}`, age: i }));
      for (const o of ops) {
        if (o.k === 'seed') node.seed(o.peers.map((i) => `p${i}`));
        else if (o.k === 'start') { const s = node.startShuffle(); if (s) expect(s.offer.length).toBeLessThanOrEqual(l); }
        else if (o.k === 'complete') { if (node.inFlight) node.completeShuffle(node.inFlight, entries(o.peers)); }
        else if (o.k === 'answer') expect(node.answerShuffle(`p${o.from}`, entries(o.peers)).length).toBeLessThanOrEqual(l);
        else if (node.inFlight) node.failShuffle(node.inFlight);
        const v = node.ids();
        expect(v.length).toBeLessThanOrEqual(c);
        expect(v).not.toContain('p0');
        expect(new Set(v).size).toBe(v.length);
      }
    }), { seed: 7, numRuns: 300 });
  });

  it('from a ring bootstrap, shuffles give random-like views: narrow in-degrees, connected, far from the ring', () => {
    const { nodes, dead, round } = population(200, 6, 3, 11);
    for (let r = 0; r < 60; r++) round();
    const deg = inDegrees(nodes, dead);
    const mean = deg.reduce((a, b) => a + b, 0) / deg.length;
    const sd = Math.sqrt(deg.reduce((a, b) => a + (b - mean) ** 2, 0) / deg.length);
    expect(mean).toBeGreaterThan(5.5); // views are full
    expect(sd).toBeLessThan(2); // Cyclon's in-degrees are narrower than a random graph's (√6 ≈ 2.45)
    expect(Math.min(...deg)).toBeGreaterThan(0);
    expect(connected(nodes, dead)).toBe(true);
    // Ring neighbours make up a small share of the views now (a random view holds one with p ≈ 2/199).
    let ring = 0;
    ids(200).forEach((id, i) => { for (const p of nodes.get(id)!.ids()) if (p === `p${(i + 1) % 200}` || p === `p${(i + 2) % 200}`) ring++; });
    expect(ring / (200 * 6)).toBeLessThan(0.05);
  });

  it('dead peers disappear from the views (failed shuffles drop them) and the rest stays connected', () => {
    const { nodes, dead, round } = population(120, 5, 3, 5);
    for (let r = 0; r < 30; r++) round();
    for (let i = 0; i < 30; i++) dead.add(`p${i * 4}`); // a quarter leaves
    for (let r = 0; r < 40; r++) round();
    let pointersToDead = 0;
    for (const [id, n] of nodes) if (!dead.has(id)) for (const p of n.ids()) if (dead.has(p)) pointersToDead++;
    expect(pointersToDead).toBeLessThan(0.02 * 90 * 5);
    expect(connected(nodes, dead)).toBe(true);
  });
});
