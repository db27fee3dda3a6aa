import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ACK_BYTES, Channel, CHUNK_BYTES, decodeFrame, encodeAck, encodeData, encodeMessage, MAX_CHUNKS, MAX_MESSAGE_BYTES } from '../../../src/net/codec';

describe('codec', () => {
  it('encodes a DATA chunk byte for byte (known answer)', () => {
    const f = encodeData(Channel.Control, 0x01020304, 1, 3, Uint8Array.of(9, 8));
    expect([...f]).toEqual([0xc5, 1, 1, 1, 1, 2, 3, 4, 0, 1, 0, 3, 9, 8]);
    expect([...encodeAck(258)]).toEqual([0xc5, 1, 2, 0, 0, 0, 1, 2]);
    expect(encodeAck(1).length).toBe(ACK_BYTES);
  });

  it('round-trips messages of any size through chunks', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 3 * CHUNK_BYTES + 17 }), fc.integer({ min: 0, max: 0xffffffff }), (len, id) => {
      const msg = new Uint8Array(len);
      for (let i = 0; i < len; i++) msg[i] = (i * 31 + len) & 0xff;
      const chunks = encodeMessage(Channel.Protocol, id, msg);
      expect(chunks.length).toBe(Math.max(1, Math.ceil(len / CHUNK_BYTES)));
      const parts: Uint8Array[] = [];
      chunks.forEach((c, i) => {
        const r = decodeFrame(c.buffer);
        if (!r.ok || r.frame.kind !== 'data') throw new Error('decode failed');
        expect(r.frame).toMatchObject({ id, index: i, count: chunks.length, channel: Channel.Protocol });
        parts.push(r.frame.payload);
      });
      const joined = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
      let off = 0; for (const p of parts) { joined.set(p, off); off += p.length; }
      expect(Buffer.from(joined).equals(Buffer.from(msg))).toBe(true);
    }), { numRuns: 30 });
  });

  it('returns a precise reason for every malformed frame and never throws', () => {
    const good = encodeData(Channel.Protocol, 7, 0, 1, Uint8Array.of(1));
    const mutate = (i: number, v: number): Uint8Array => { const c = good.slice(); c[i] = v; return c; };
    expect(decodeFrame('text')).toEqual({ ok: false, reason: 'not-binary' });
    expect(decodeFrame(Uint8Array.of(0xc5, 1))).toEqual({ ok: false, reason: 'short' });
    expect(decodeFrame(mutate(0, 0))).toEqual({ ok: false, reason: 'magic' });
    expect(decodeFrame(mutate(1, 2))).toEqual({ ok: false, reason: 'version' });
    expect(decodeFrame(mutate(2, 9))).toEqual({ ok: false, reason: 'kind' });
    expect(decodeFrame(mutate(3, 5))).toEqual({ ok: false, reason: 'channel' });
    expect(decodeFrame(good.subarray(0, 10))).toEqual({ ok: false, reason: 'short' });
    expect(decodeFrame(mutate(11, 0))).toEqual({ ok: false, reason: 'chunk-count' });
    expect(decodeFrame(mutate(9, 1))).toEqual({ ok: false, reason: 'chunk-index' });
    const tooMany = good.slice(); new DataView(tooMany.buffer).setUint16(10, MAX_CHUNKS + 1);
    expect(decodeFrame(tooMany)).toEqual({ ok: false, reason: 'chunk-count' });
    const shortMiddle = encodeData(Channel.Protocol, 7, 0, 2, Uint8Array.of(1));
    expect(decodeFrame(shortMiddle)).toEqual({ ok: false, reason: 'chunk-size' });
    const big = new Uint8Array(12 + CHUNK_BYTES + 1); big.set(good.subarray(0, 12));
    expect(decodeFrame(big)).toEqual({ ok: false, reason: 'chunk-size' });
    expect(decodeFrame(Uint8Array.of(0xc5, 1, 2, 0, 0, 0, 1))).toEqual({ ok: false, reason: 'ack-length' });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => { decodeFrame(b); }));
  });

  it('rejects bad arguments on encode with precise errors', () => {
    expect(() => encodeMessage(Channel.Protocol, 1, new Uint8Array(MAX_MESSAGE_BYTES + 1))).toThrow(RangeError);
    expect(() => encodeAck(-1)).toThrow(/u32/);
    expect(() => encodeData(Channel.Protocol, 1, 2, 2, new Uint8Array(0))).toThrow(/chunk index/);
    expect(() => encodeData(3 as Channel, 1, 0, 1, new Uint8Array(0))).toThrow(/unknown channel/);
    expect(() => encodeData(Channel.Protocol, 1, 0, 1, [1] as unknown as Uint8Array)).toThrow(TypeError);
  });
});
