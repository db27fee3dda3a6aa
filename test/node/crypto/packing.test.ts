import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seededRng } from '../../../src/core/rng';
import {
  add, decrypt, encrypt, mulConst, pack, packingLayout, plaintextsNeeded, privateKeyFromPrimes, unpack,
} from '../../../src/crypto/index';
import { P256, Q256 } from './fixtures';

describe('packingLayout', () => {
  it('slot width = valueBits + ⌈log2 summands⌉ + scalingBits + 1; slots leave a 2-bit margin', () => {
    const l = packingLayout({ modulusBits: 2048, valueBits: 32, summands: 1000, scalingBits: 5 });
    expect(l.slotBits).toBe(32 + 10 + 5 + 1);
    expect(l.slotsPerPlaintext).toBe(Math.floor(2046 / 48));
    expect(l.capacity).toBe(1000n * ((1n << 31n) - 1n) * 32n);
    expect(packingLayout({ modulusBits: 64, valueBits: 8, summands: 1 }).slotBits).toBe(9);
    expect(packingLayout({ modulusBits: 64, valueBits: 8, summands: 2 }).slotBits).toBe(10);
    expect(packingLayout({ modulusBits: 64, valueBits: 8, summands: 1024 }).slotBits).toBe(19);
    expect(packingLayout({ modulusBits: 64, valueBits: 8, summands: 1025 }).slotBits).toBe(20);
    expect(plaintextsNeeded(l, 0)).toBe(0);
    expect(plaintextsNeeded(l, 42)).toBe(1);
    expect(plaintextsNeeded(l, 43)).toBe(2);
  });
  it('errors', () => {
    expect(() => packingLayout({ modulusBits: 16, valueBits: 16, summands: 1 })).toThrow(new RangeError('packingLayout: a 17-bit slot does not fit a 16-bit modulus with 2 margin bits'));
    expect(() => packingLayout({ modulusBits: 64, valueBits: 1, summands: 1 })).toThrow(new RangeError('packingLayout: valueBits must be an integer ≥ 2, got 1'));
    expect(() => packingLayout({ modulusBits: 64, valueBits: 8, summands: 0 })).toThrow(new RangeError('packingLayout: summands must be an integer ≥ 1, got 0'));
    expect(() => packingLayout({ modulusBits: 64, valueBits: 8, summands: 1.5 })).toThrow(RangeError);
    expect(() => packingLayout({ valueBits: 8, summands: 1 })).toThrow(new TypeError('packingLayout: modulusBits must be a number, got undefined'));
    expect(() => packingLayout({ modulus: 77n, modulusBits: 8, valueBits: 2, summands: 1 })).toThrow(new RangeError('packingLayout: modulusBits 8 disagrees with the modulus (7 bits)'));
    expect(() => packingLayout({ modulus: 1n, valueBits: 2, summands: 1 })).toThrow(RangeError);
    const l = packingLayout({ modulusBits: 64, valueBits: 8, summands: 4 });
    expect(() => plaintextsNeeded(l, -1)).toThrow(RangeError);
  });
});

describe('pack / unpack', () => {
  const layout = packingLayout({ modulusBits: 128, valueBits: 16, summands: 64, scalingBits: 3 });
  it('known answer: slot i at bit i·slotBits, Horner order, signed', () => {
    const l = packingLayout({ modulusBits: 64, valueBits: 8, summands: 1 }); // slotBits 9, 6 slots
    expect(pack(l, [1n, 2n, 3n])).toEqual([1n + (2n << 9n) + (3n << 18n)]);
    expect(pack(l, [-1n, 0n])).toEqual([-1n]);
    expect(pack(l, [0n, -1n])).toEqual([-(1n << 9n)]);
    expect(unpack(l, [-(1n << 9n)], 2)).toEqual([0n, -1n]);
    expect(pack(l, [])).toEqual([]);
    expect(unpack(l, [], 0)).toEqual([]);
  });
  it('round trip (signed integers, any length)', () => {
    fc.assert(fc.property(fc.array(fc.bigInt({ min: -(1n << 15n) + 1n, max: (1n << 15n) - 1n }), { maxLength: 30 }), (vs) => {
      const packed = pack(layout, vs);
      expect(packed).toHaveLength(plaintextsNeeded(layout, vs.length));
      expect(unpack(layout, packed, vs.length)).toEqual(vs);
    }));
  });
  it('sums of up to `summands` packed vectors with negatives, scaled by up to 2^scalingBits, decode slot-wise', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 20 }).chain((len) => fc.array(fc.array(fc.bigInt({ min: -(1n << 15n) + 1n, max: (1n << 15n) - 1n }), { minLength: len, maxLength: len }), { minLength: 1, maxLength: 64 })),
      fc.integer({ min: 0, max: 3 }),
      (vectors, shift) => {
        const len = vectors[0]!.length;
        const packs = vectors.map((v) => pack(layout, v));
        const sum = packs.reduce((acc, p) => acc.map((x, i) => x + p[i]!));
        const scaled = sum.map((x) => x << BigInt(shift));
        const expected = Array.from({ length: len }, (_, j) => vectors.reduce((a, v) => a + v[j]!, 0n) << BigInt(shift));
        expect(unpack(layout, scaled, len)).toEqual(expected);
      }), { numRuns: 60 });
  });
  it('extreme values: all slots at ±capacity decode exactly', () => {
    const l = packingLayout({ modulusBits: 128, valueBits: 8, summands: 3 });
    const max = 127n;
    const vs = [max, -max, max, -max, -max, max];
    const sum = pack(l, vs).map((x) => x * 3n);
    expect(unpack(l, sum, vs.length)).toEqual(vs.map((v) => 3n * v));
  });
  it('with the modulus: homomorphic sums of encrypted packed vectors with negatives', () => {
    const sk = privateKeyFromPrimes(P256, Q256);
    const pk = sk.publicKey;
    const rng = seededRng(5);
    const l = packingLayout({ modulus: pk.n, valueBits: 20, summands: 16, scalingBits: 2 });
    expect(l.modulusBits).toBe(512);
    const vectors = Array.from({ length: 16 }, (_, i) => Array.from({ length: 30 }, (_, j) => BigInt(((i * 7919 + j * 104729) % 1_000_001) - 500_000)));
    let acc: bigint[] | undefined;
    for (const v of vectors) {
      const packed = pack(l, v);
      for (const x of packed) expect(x >= 0n && x < pk.n).toBe(true);
      const cts = packed.map((x) => encrypt(pk, x, rng));
      acc = acc ? acc.map((c, i) => add(pk, c, cts[i]!)) : cts;
    }
    const scaled = acc!.map((c) => mulConst(pk, c, 4n));
    const decoded = unpack(l, scaled.map((c) => decrypt(sk, c)), 30);
    expect(decoded).toEqual(Array.from({ length: 30 }, (_, j) => 4n * vectors.reduce((a, v) => a + v[j]!, 0n)));
  });
  it('detects overflow: a slot beyond capacity, bits above the last slot, wrong count', () => {
    const l = packingLayout({ modulusBits: 64, valueBits: 8, summands: 2 }); // slotBits 10, capacity 254
    expect(() => unpack(l, [255n], 1)).toThrow(new RangeError('unpack: slot 0 overflowed (|255| > capacity 254)'));
    expect(() => unpack(l, [-255n], 1)).toThrow(RangeError);
    expect(() => unpack(l, [1n << 10n], 1)).toThrow(new RangeError('unpack: plaintext 0 has nonzero bits above its last slot (overflow)'));
    expect(() => unpack(l, [1n, 2n], 1)).toThrow(new RangeError('unpack: 1 values need 1 plaintexts, got 2'));
    // Summing more vectors than declared overflows and is caught.
    const p = pack(l, [127n, 127n]);
    expect(() => unpack(l, p.map((x) => x * 3n), 2)).toThrow(RangeError);
    const ln = packingLayout({ modulus: 1n << 61n | 1n, valueBits: 8, summands: 2 });
    expect(() => unpack(ln, [1n << 62n], 1)).toThrow(new RangeError('unpack: plaintext 0 must be in [0, n)'));
  });
  it('rejects values needing more than valueBits signed bits and non-bigints', () => {
    const l = packingLayout({ modulusBits: 64, valueBits: 8, summands: 2 });
    expect(() => pack(l, [128n])).toThrow(new RangeError('pack: value 0 (128) needs more than 8 signed bits'));
    expect(() => pack(l, [0n, -128n])).toThrow(new RangeError('pack: value 1 (-128) needs more than 8 signed bits'));
    expect(() => pack(l, [1 as unknown as bigint])).toThrow(new TypeError('pack: value 0 must be a bigint, got number'));
    expect(() => pack(l, 'x' as unknown as bigint[])).toThrow(TypeError);
  });
});
