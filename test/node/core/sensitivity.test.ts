import { describe, expect, it } from 'vitest';
import { countSensitivity, inertiaSensitivity, sumSensitivity } from '../../../src/core/dp/sensitivity';

describe('sensitivity', () => {
  it('sum: L·T·max(|lo|, |hi|)', () => {
    expect(sumSensitivity({ L: 1, T: 24, lo: 0, hi: 5 })).toBe(120);
    expect(sumSensitivity({ L: 2, T: 24, lo: -3, hi: 1 })).toBe(144);
    expect(sumSensitivity({ L: 3, T: 20, lo: 0, hi: 250 })).toBe(15_000);
  });
  it('count: L', () => {
    expect(countSensitivity({ L: 1 })).toBe(1);
    expect(countSensitivity({ L: 7 })).toBe(7);
  });
  it('inertia: L·T·(hi − lo)²', () => {
    expect(inertiaSensitivity({ L: 2, T: 24, lo: -1, hi: 2 })).toBe(432);
    expect(() => inertiaSensitivity({ L: 1, T: 24, lo: 1, hi: 1 })).toThrow(/lo < hi/);
    expect(() => inertiaSensitivity({ L: 1, T: 0, lo: 0, hi: 1 })).toThrow(/T must/);
  });
  it('rejects bad parameters', () => {
    expect(() => sumSensitivity({ L: 0, T: 24, lo: 0, hi: 1 })).toThrow(/L must/);
    expect(() => sumSensitivity({ L: 1, T: 2.5, lo: 0, hi: 1 })).toThrow(/T must/);
    expect(() => sumSensitivity({ L: 1, T: 24, lo: 2, hi: 1 })).toThrow(/lo <= hi/);
    expect(() => sumSensitivity({ L: 1, T: 24, lo: 0, hi: Infinity })).toThrow(RangeError);
    expect(() => sumSensitivity({ L: 1, T: 24, lo: 0, hi: 0 })).toThrow(/zero sensitivity/);
    expect(() => countSensitivity({ L: -1 })).toThrow(RangeError);
  });
});
