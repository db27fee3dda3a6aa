import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomBelow, secureRng, seededRng } from '../../../src/core/rng';

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
