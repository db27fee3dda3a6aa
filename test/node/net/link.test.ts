import { describe, expect, it } from 'vitest';
import { Channel, CHUNK_BYTES, encodeData } from '../../../src/net/codec';
import { createLink } from '../../../src/net/link';
import { fakeChannel, manualClock, wire } from './fakes';

function pair(lose?: (b: Uint8Array) => boolean) {
  const clock = manualClock();
  const ra = fakeChannel(), rb = fakeChannel();
  const a = createLink(ra, clock, { ackTimeoutMs: 100, maxAttempts: 3 });
  const b = createLink(rb, clock, { ackTimeoutMs: 100, maxAttempts: 3 });
  const got: Array<[number, number[]]> = [];
  b.onMessage((ch, p) => got.push([ch, [...p.subarray(0, 4)]]));
  return { clock, ra, rb, a, b, got, flush: wire(ra, rb, lose) };
}

describe('reliable link', () => {
  it('delivers small and multi-chunk messages once, acknowledged', () => {
    const { a, b, got, flush } = pair();
    a.send(Channel.Protocol, Uint8Array.of(1, 2, 3));
    const big = new Uint8Array(2 * CHUNK_BYTES + 5).fill(7);
    a.send(Channel.Control, big);
    flush();
    expect(got).toEqual([[0, [1, 2, 3]], [1, [7, 7, 7, 7]]]);
    expect(a.inFlight()).toBe(0);
    expect(b.stats.messagesReceived).toBe(2);
    expect(a.stats.bytesSent).toBeGreaterThan(big.length);
  });

  it('retries a lost message until acknowledged and suppresses duplicates', () => {
    let dropped = 0;
    // Lose the first data frame and the first ACK: the receiver sees the message twice, delivers once.
    const { a, b, clock, got, flush } = pair((m) => (m[2] === 1 || m[2] === 2) && dropped++ < 1);
    a.send(Channel.Protocol, Uint8Array.of(5));
    flush();
    expect(got).toEqual([]);
    clock.advance(100); flush();
    expect(got).toEqual([[0, [5]]]);
    expect(a.inFlight()).toBe(0);
    expect(a.stats.retries).toBe(1);
    // Now lose an ACK: the retry is a duplicate.
    dropped = 0;
    const { a: a2, b: b2, clock: c2, got: got2, flush: f2 } = pair((m) => m[2] === 2 && dropped++ < 1);
    a2.send(Channel.Protocol, Uint8Array.of(6));
    f2(); c2.advance(100); f2();
    expect(got2).toEqual([[0, [6]]]);
    expect(b2.stats.duplicates).toBe(1);
    expect(a2.inFlight()).toBe(0);
    void b;
  });

  it('gives up after maxAttempts and counts the message as unacked', () => {
    const { a, clock, flush } = pair(() => true);
    a.send(Channel.Protocol, Uint8Array.of(1));
    for (let i = 0; i < 10; i++) { flush(); clock.advance(1000); }
    expect(a.stats.retries).toBe(2);
    expect(a.stats.unacked).toBe(1);
    expect(a.inFlight()).toBe(0);
  });

  it('drops malformed frames with a counted reason and keeps working', () => {
    const { a, b, rb, got, flush } = pair();
    rb.deliver('hello');
    rb.deliver(Uint8Array.of(0, 1, 2, 3, 4));
    rb.deliver(Uint8Array.of(0xc5, 9, 1, 0));
    rb.deliver(encodeData(Channel.Protocol, 9, 0, 2, Uint8Array.of(1))); // short middle chunk
    rb.deliver(new ArrayBuffer(3));
    expect(b.stats.dropped).toEqual({ 'not-binary': 1, magic: 1, version: 1, 'chunk-size': 1, short: 1 });
    a.send(Channel.Protocol, Uint8Array.of(42));
    flush();
    expect(got).toEqual([[0, [42]]]);
    expect(b.closed).toBe(false);
  });

  it('bounds concurrent reassemblies', () => {
    const { b, rb } = pair();
    for (let id = 1; id <= 9; id++) rb.deliver(encodeData(Channel.Protocol, id, 0, 2, new Uint8Array(CHUNK_BYTES)));
    expect(b.stats.dropped['reassembly-limit']).toBe(1);
  });

  it('holds frames while bufferedAmount is above the high-water mark and resumes on low', () => {
    const clock = manualClock();
    const raw = fakeChannel();
    const link = createLink(raw, clock, { highWaterMark: 10 });
    raw.buffered = 11;
    link.send(Channel.Protocol, Uint8Array.of(1));
    expect(raw.sent.length).toBe(0);
    raw.drain();
    expect(raw.sent.length).toBe(1);
  });

  it('closes on remote close, refuses sends afterwards, survives a throwing handler', () => {
    const { a, b, ra, flush } = pair();
    let closed = 0;
    b.onMessage(() => { throw new Error('handler bug'); });
    a.send(Channel.Protocol, Uint8Array.of(1)); flush();
    expect(b.stats.messagesReceived).toBe(1);
    a.onClose(() => closed++);
    ra.remoteClose();
    expect(closed).toBe(1);
    expect(a.closed).toBe(true);
    expect(() => a.send(Channel.Protocol, Uint8Array.of(1))).toThrow(/closed/);
  });
});
