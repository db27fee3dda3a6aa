import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeFixed, decodeSigned, encodeFixed, encodeSigned } from '../../../src/crypto/index';

const n = (1n << 127n) - 1n;

describe('fixed-point encoding', () => {
  it('known answers: round half away from zero, negatives as n − |v|', () => {
    expect(encodeFixed(1.5, 100, n)).toBe(150n);
    expect(encodeFixed(-1.5, 100, n)).toBe(n - 150n);
    expect(encodeFixed(0.125, 4, n)).toBe(1n); // 0.5 → 1
    expect(encodeFixed(-0.125, 4, n)).toBe(n - 1n); // −0.5 → −1
    expect(encodeFixed(-0, 10, n)).toBe(0n);
    expect(decodeFixed(n - 150n, 100, n)).toBe(-1.5);
    expect(decodeFixed(150n, 100, n)).toBe(1.5);
  });
  it('round-trips within half a quantum, negatives included', () => {
    fc.assert(fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (x) => {
      const scale = 2 ** 20;
      expect(Math.abs(decodeFixed(encodeFixed(x, scale, n), scale, n) - x)).toBeLessThanOrEqual(0.5 / scale + Math.abs(x) * 1e-15);
    }));
  });
  it('sums of encodings mod n decode to the sum of the rounded values', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), { maxLength: 50 }), (xs) => {
      const scale = 1000;
      const sum = xs.reduce((acc, x) => (acc + encodeFixed(x, scale, n)) % n, 0n);
      const expected = xs.reduce((acc, x) => acc + Math.sign(x) * Math.round(Math.abs(x) * scale), 0);
      expect(decodeFixed(sum, scale, n)).toBeCloseTo(expected / scale, 9);
    }));
  });
  it('signed bigint codec is centred', () => {
    expect(encodeSigned(-1n, 77n)).toBe(76n);
    expect(decodeSigned(76n, 77n)).toBe(-1n);
    expect(decodeSigned(38n, 77n)).toBe(38n);
    expect(decodeSigned(39n, 77n)).toBe(-38n);
    expect(encodeSigned(38n, 77n)).toBe(38n);
    expect(encodeSigned(-38n, 77n)).toBe(39n);
    expect(() => encodeSigned(39n, 77n)).toThrow(new RangeError('encodeSigned: |value| must be below n/2'));
    expect(() => encodeSigned(-39n, 77n)).toThrow(RangeError);
    expect(() => decodeSigned(77n, 77n)).toThrow(new RangeError('decodeSigned: value must be in [0, n)'));
    expect(() => decodeSigned(-1n, 77n)).toThrow(RangeError);
  });
  it('errors: NaN, Infinity, non-number, bad scale, out of range, bad modulus', () => {
    expect(() => encodeFixed(NaN, 10, n)).toThrow(new RangeError('encodeFixed: value must be finite, got NaN'));
    expect(() => encodeFixed(Infinity, 10, n)).toThrow(new RangeError('encodeFixed: value must be finite, got Infinity'));
    expect(() => encodeFixed(-Infinity, 10, n)).toThrow(RangeError);
    expect(() => encodeFixed('1' as unknown as number, 10, n)).toThrow(new TypeError('encodeFixed: value must be a number, got string'));
    expect(() => encodeFixed(1, 0, n)).toThrow(new RangeError('encodeFixed: scale must be a positive finite number, got 0'));
    expect(() => encodeFixed(1, NaN, n)).toThrow(RangeError);
    expect(() => encodeFixed(1e300, 1e10, n)).toThrow(new RangeError('encodeFixed: 1e+300·10000000000 overflows'));
    expect(() => encodeFixed(0.39, 100, 77n)).toThrow(new RangeError('encodeFixed: 0.39·100 is out of range for the modulus (|v| ≥ n/2)'));
    expect(encodeFixed(0.38, 100, 77n)).toBe(38n);
    expect(() => encodeFixed(-0.39, 100, 77n)).toThrow(RangeError);
    expect(() => encodeFixed(1, 1, 2n)).toThrow(new RangeError('encodeFixed: modulus n must be ≥ 3'));
    expect(() => decodeFixed(1n, -1, n)).toThrow(new RangeError('decodeFixed: scale must be a positive finite number, got -1'));
    expect(() => decodeFixed(n, 1, n)).toThrow(new RangeError('decodeSigned: value must be in [0, n)'));
  });
});
