import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CENSUS_MAX_MEMBERS, censusBytes, censusCount, censusFromBytes, censusLacks, censusOf, censusToBytes, censusUnion,
  censusWords, emptyCensus, isValidCensus,
} from '../../../src/core/census';
import type { Census } from '../../../src/core/census';

/** Reference: the census of a set of member indices, bit by bit. */
function fromSet(members: number, set: Iterable<number>): Census {
  const c = new Uint32Array(censusWords(members));
  for (const i of set) c[Math.floor(i / 32)] = (c[Math.floor(i / 32)]! + 2 ** (i % 32)) >>> 0;
  return c;
}
function toSet(c: Census): Set<number> {
  const s = new Set<number>();
  for (let i = 0; i < c.length * 32; i++) if (Math.floor(c[Math.floor(i / 32)]! / 2 ** (i % 32)) % 2 === 1) s.add(i);
  return s;
}
const censusOfMembers = (members: number) => fc.uniqueArray(fc.integer({ min: 0, max: members - 1 }), { maxLength: members }).map((xs) => fromSet(members, xs));
const withMembers = <T>(f: (n: number) => fc.Arbitrary<T>) => fc.integer({ min: 1, max: 100 }).chain((n) => fc.tuple(fc.constant(n), f(n)));

describe('contributor census', () => {
  it('known answers: one member, sizes, counts, wire bytes', () => {
    expect([censusWords(1), censusWords(32), censusWords(33)]).toEqual([1, 1, 2]);
    expect([censusBytes(1), censusBytes(33)]).toEqual([4, 8]);
    expect([...censusOf(40, 0)]).toEqual([1, 0]);
    expect([...censusOf(40, 39)]).toEqual([0, 0x80]);
    expect([...censusOf(32, 31)]).toEqual([0x80000000]);
    expect(censusCount(Uint32Array.of(0xffffffff, 0x0f, 0x80000001))).toBe(38);
    expect(censusCount(emptyCensus(70))).toBe(0);
    expect([...censusUnion(Uint32Array.of(0b0101, 0), Uint32Array.of(0b0011, 1))]).toEqual([0b0111, 1]);
    // Byte j holds members 8j..8j+7.
    expect([...censusToBytes(Uint32Array.of(0x04030201, 0x80))]).toEqual([1, 2, 3, 4, 0x80, 0, 0, 0]);
    expect([...censusFromBytes(Uint8Array.of(1, 2, 3, 4, 0x80, 0, 0, 0), 40)!]).toEqual([0x04030201, 0x80]);
  });

  it('refuses members and indices out of range, with the value named', () => {
    expect(() => censusOf(0, 0)).toThrow(`censusOf: members must be an integer in [1, ${CENSUS_MAX_MEMBERS}], got 0`);
    expect(() => emptyCensus(CENSUS_MAX_MEMBERS + 1)).toThrow(/got 20001/);
    expect(() => censusOf(10, 10)).toThrow('censusOf: member index must be an integer in [0, 10), got 10');
    expect(() => censusOf(10, 1.5)).toThrow(/got 1.5/);
    expect(() => censusUnion(new Uint32Array(1), new Uint32Array(2))).toThrow('censusUnion: censuses of 1 and 2 words');
    expect(() => censusLacks(new Uint32Array(2), new Uint32Array(1))).toThrow('censusLacks: censuses of 2 and 1 words');
  });

  it('validates a census from a peer: exact size, no member beyond N', () => {
    expect(isValidCensus(Uint32Array.of(0x1fff), 13)).toBe(true);
    expect(isValidCensus(Uint32Array.of(0x2000), 13)).toBe(false); // member 13
    expect(isValidCensus(Uint32Array.of(0, 0), 13)).toBe(false);
    expect(isValidCensus(Uint32Array.of(0xffffffff), 32)).toBe(true);
    expect(isValidCensus(Uint8Array.of(0xff, 0, 0, 0), 8)).toBe(false);
    expect(isValidCensus(new Uint32Array(0), 0)).toBe(false);
    expect(censusFromBytes(Uint8Array.of(0, 0x20, 0, 0), 13)).toBeNull(); // member 13 of 13
    expect(censusFromBytes(Uint8Array.of(0xff, 0x1f, 0), 13)).toBeNull(); // not 4 bytes
    expect(censusFromBytes(new Uint8Array(4), CENSUS_MAX_MEMBERS + 1)).toBeNull();
  });

  it('round-trips through its wire bytes', () => {
    fc.assert(fc.property(withMembers(censusOfMembers), ([n, c]) => {
      const bytes = censusToBytes(c);
      expect(bytes.length).toBe(censusBytes(n));
      expect(censusFromBytes(bytes, n)).toEqual(c);
    }));
  });

  it('union is the set union; it returns an input that already holds the other', () => {
    fc.assert(fc.property(withMembers((n) => fc.tuple(censusOfMembers(n), censusOfMembers(n))), ([n, [a, b]]) => {
      const u = censusUnion(a, b);
      expect(toSet(u)).toEqual(new Set([...toSet(a), ...toSet(b)]));
      expect(isValidCensus(u, n)).toBe(true);
      expect(censusCount(u)).toBe(toSet(u).size);
      expect([...censusUnion(b, a)]).toEqual([...u]);
      // No copy when one side holds every member of the other.
      if ([...toSet(b)].every((i) => toSet(a).has(i))) expect(u).toBe(a);
      else if ([...toSet(a)].every((i) => toSet(b).has(i))) expect(u).toBe(b);
      expect(censusUnion(u, a)).toBe(u);
    }));
  });

  it('lacks tells whether the second census holds a member the first does not', () => {
    fc.assert(fc.property(withMembers((n) => fc.tuple(censusOfMembers(n), censusOfMembers(n))), ([, [a, b]]) => {
      const sa = toSet(a);
      expect(censusLacks(a, b)).toBe([...toSet(b)].some((i) => !sa.has(i)));
      expect(censusLacks(censusUnion(a, b), b)).toBe(false);
    }));
  });
});
