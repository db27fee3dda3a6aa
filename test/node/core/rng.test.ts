import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomBelow, randomHex, secureRng, seededRng } from '../../../src/core/rng';

describe('seededRng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = seededRng(42), b = seededRng(42), c = seededRng(43);
    const xa = Array.from({ length: 8 }, () => a.nextUint32());
    const xb = Array.from({ length: 8 }, () => b.nextUint32());
    const xc = Array.from({ length: 8 }, () => c.nextUint32());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });
  it('produces floats in [0,1) with mean ≈ 1/2 (fixed seed, 4σ bound)', () => {
    const r = seededRng(7);
    const n = 100_000;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const x = r.nextFloat();
      expect(x >= 0 && x < 1).toBe(true);
      s += x;
    }
    expect(Math.abs(s / n - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
  });
  it('rejects a non-integer seed', () => {
    expect(() => seededRng(1.5)).toThrow(TypeError);
  });
});

describe('randomBelow', () => {
  it('stays below the bound (property)', () => {
    const rng = secureRng();
    fc.assert(fc.property(fc.bigInt({ min: 1n, max: 1n << 300n }), (bound) => {
      const x = randomBelow(rng, bound);
      return x >= 0n && x < bound;
    }));
  });
  it('rejects a non-positive bound', () => {
    expect(() => randomBelow(secureRng(), 0n)).toThrow(RangeError);
  });
});

describe('randomHex', () => {
  it('encodes the rng\'s bytes as lowercase hex, 2 characters per byte', () => {
    const bytes = seededRng(9).fillBytes(new Uint8Array(16));
    const expected = [...bytes].map((b) => (b < 16 ? '0' : '') + b.toString(16)).join('');
    expect(randomHex(seededRng(9), 16)).toBe(expected);
    expect(randomHex(seededRng(9), 0)).toBe('');
    fc.assert(fc.property(fc.integer({ min: 0, max: 64 }), (n) => /^[0-9a-f]*$/.test(randomHex(secureRng(), n)) && randomHex(secureRng(), n).length === 2 * n));
  });

  it('refuses a negative or fractional byte count, naming it', () => {
    expect(() => randomHex(secureRng(), -1)).toThrow(/bytes must be a non-negative integer, got -1/);
    expect(() => randomHex(secureRng(), 1.5)).toThrow(/got 1.5/);
  });
});
