import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WireError, WireReader, WireWriter, varintSize } from '../../../src/protocol/wire';

describe('wire writer/reader', () => {
  it('round-trips varints, fixed-width bigints, float64 arrays and strings', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 20 }),
        fc.string({ maxLength: 40 }),
        (v, big, floats, s) => {
          const w = new WireWriter(4).varint(v).bigint(big, 32).f64Array(floats).string(s).u8(7);
          const bytes = w.finish();
          const r = new WireReader(bytes);
          expect(r.varint()).toBe(v);
          expect(r.bigint(32)).toBe(big);
          expect(Array.from(r.f64Array(100))).toEqual(floats);
          expect(r.string(1000)).toBe(s);
          expect(r.u8()).toBe(7);
          r.end();
        },
      ),
    );
  });

  it('sizes varints exactly', () => {
    for (const v of [0, 127, 128, 16383, 16384, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
      expect(new WireWriter().varint(v).finish().length).toBe(varintSize(v));
    }
  });

  it('encodes bigints big-endian at the exact width (known answer)', () => {
    expect(Array.from(new WireWriter().bigint(0x0102030405n, 6).finish())).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => new WireWriter().bigint(256n, 1)).toThrow(RangeError);
    expect(() => new WireWriter().bigint(-1n, 4)).toThrow(RangeError);
  });

  it('rejects truncated, oversized, non-canonical and trailing input with WireError', () => {
    const bytes = new WireWriter().varint(300).bigint(5n, 8).finish();
    expect(() => new WireReader(bytes.subarray(0, 1)).varint()).toThrow(WireError);
    const r = new WireReader(bytes);
    expect(() => r.varint('v', 299)).toThrow(/exceeds/);
    expect(() => new WireReader(new Uint8Array([0x80, 0x00])).varint()).toThrow(/non-canonical/);
    expect(() => new WireReader(new Uint8Array(9).fill(0xff)).varint()).toThrow(/longer/);
    const r2 = new WireReader(bytes);
    r2.varint();
    expect(() => r2.end()).toThrow(/trailing/);
    expect(() => new WireReader(new WireWriter().f64(NaN).finish()).f64()).toThrow(/finite/);
    expect(() => new WireReader(new WireWriter().varint(5).finish()).f64Array(4)).toThrow(WireError);
    expect(() => new WireReader(new Uint8Array([2, 0xff, 0xfe])).string(10)).toThrow(/UTF-8/);
  });
});
