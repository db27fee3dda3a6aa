import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRng } from '../../../src/core/rng';
import { assignParticipants } from '../../../src/data/assign';
import type { Assignment, Dataset } from '../../../src/data/types';

/** Owner i has sizes[i] series; series values encode (owner, index) so provenance can be checked. */
function dataset(sizes: number[]): Dataset {
  return {
    name: 'toy', T: 2, lo: 0, hi: 1000, unit: 'u',
    owners: sizes.map((n, i) => ({ id: `o${i}`, series: Array.from({ length: n }, (_, j) => Float64Array.of(i, j)) })),
  };
}

/** Checks the invariants every assignment must satisfy. */
function checkInvariants(a: Assignment, N: number, L: number, sizes: number[]): void {
  expect(a.participants.length).toBe(N);
  const seen = new Set<Float64Array>();
  for (const p of a.participants) {
    const owner = Number(p.owner.slice(1));
    const expectedSize = sizes[owner]! < L ? sizes[owner]! : L;
    expect(p.series.length).toBe(expectedSize);
    for (const s of p.series) {
      expect(s[0]).toBe(owner); // the series belongs to the participant's owner
      expect(seen.has(s)).toBe(false); // disjoint: no series is given twice
      seen.add(s);
    }
  }
  // (owner, group) pairs are unique.
  expect(new Set(a.participants.map((p) => `${p.owner}#${p.group}`)).size).toBe(N);
}

const key = (a: Assignment): string[] => a.participants.map((p) => `${p.owner}#${p.group}:${p.series.map((s) => s[1]).join(',')}`);

describe('assignParticipants', () => {
  it('N ≤ owners: one participant per distinct owner, L series each, no note', () => {
    const sizes = [10, 10, 10, 10, 10, 10];
    const a = assignParticipants(dataset(sizes), 4, 3, seededRng(1));
    checkInvariants(a, 4, 3, sizes);
    expect(new Set(a.participants.map((p) => p.owner)).size).toBe(4);
    expect(a.participants.every((p) => p.group === 0)).toBe(true);
    expect(a.note).toBeUndefined();
  });

  it('N > owners: owners split into disjoint groups of L, round-robin, and the note says so', () => {
    const sizes = [9, 9, 9];
    const a = assignParticipants(dataset(sizes), 7, 3, seededRng(2));
    checkInvariants(a, 7, 3, sizes);
    const perOwner = [0, 1, 2].map((i) => a.participants.filter((p) => p.owner === `o${i}`).length).sort();
    expect(perOwner).toEqual([2, 2, 3]); // balanced: no owner gets a third group before all have two
    expect(a.note).toMatch(/N = 7 exceeds the 3 owners of 'toy'.*disjoint groups of 3.*3 owners stand behind 7 participants \(up to 3 each\)/);
  });

  it('an owner with fewer than L series contributes what it has (and the note says so)', () => {
    const sizes = [2, 8];
    const a = assignParticipants(dataset(sizes), 2, 5, seededRng(3));
    checkInvariants(a, 2, 5, sizes);
    expect(a.participants.find((p) => p.owner === 'o0')!.series.length).toBe(2);
    expect(a.note).toMatch(/1 participant\(s\) have fewer than L = 5 series/);
  });

  it('is deterministic for a seed and depends on it', () => {
    const ds = dataset([5, 6, 7, 8, 9, 10, 11]);
    expect(key(assignParticipants(ds, 12, 2, seededRng(9)))).toEqual(key(assignParticipants(ds, 12, 2, seededRng(9))));
    expect(key(assignParticipants(ds, 12, 2, seededRng(9)))).not.toEqual(key(assignParticipants(ds, 12, 2, seededRng(10))));
  });

  it('rejects N larger than the number of disjoint groups, and bad N/L/datasets', () => {
    expect(() => assignParticipants(dataset([4, 4]), 5, 2, seededRng(1))).toThrow(/only 4 disjoint groups of 2 series; N = 5/);
    expect(() => assignParticipants(dataset([4]), 0, 2, seededRng(1))).toThrow(/N must be a positive integer/);
    expect(() => assignParticipants(dataset([4]), 1, 1.5, seededRng(1))).toThrow(/L must be a positive integer/);
    expect(() => assignParticipants(dataset([0, 0]), 1, 1, seededRng(1))).toThrow(/has no series/);
  });

  it('satisfies its invariants on random datasets (fast-check)', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 15 }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 60 }),
      fc.integer(),
      (sizes, L, N, seed) => {
        const groups = sizes.reduce((s, n) => s + (n === 0 ? 0 : n < L ? 1 : Math.floor(n / L)), 0);
        if (N > groups) {
          expect(() => assignParticipants(dataset(sizes), N, L, seededRng(seed))).toThrow(RangeError);
          return;
        }
        const a = assignParticipants(dataset(sizes), N, L, seededRng(seed));
        checkInvariants(a, N, L, sizes);
        // Round-robin: group counts per owner differ by at most one among owners that still had groups.
        const used = new Map<string, number>();
        for (const p of a.participants) used.set(p.owner, (used.get(p.owner) ?? 0) + 1);
        const maxUsed = Math.max(...used.values());
        sizes.forEach((n, i) => {
          const avail = n === 0 ? 0 : n < L ? 1 : Math.floor(n / L);
          expect(used.get(`o${i}`) ?? 0).toBeGreaterThanOrEqual(Math.min(avail, maxUsed - 1));
        });
        expect(a.note !== undefined).toBe(used.size < N || a.participants.some((p) => p.series.length < L));
      },
    ), { numRuns: 300, seed: 7 });
  });
});
