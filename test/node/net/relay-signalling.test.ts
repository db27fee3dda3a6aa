import { describe, expect, it } from 'vitest';
import type { PeerId } from '../../../src/core/transport';
import { decodeControl, encodeControl, type ControlMessage } from '../../../src/net/control';
import { relaySignalling, type RelayedSignal, type RelayFailure, type RelaySignalling } from '../../../src/net/relay-signalling';
import type { Signal, Signalling } from '../../../src/net/signalling';

/** A fake server signalling that records what it was asked to send. */
function fakeServer(self: PeerId) {
  const sent: Array<[PeerId, Signal]> = [];
  let handler: (from: PeerId, s: Signal) => void = () => {};
  const sig: Signalling = {
    self, ready: () => Promise.resolve(), send: (to, s) => { sent.push([to, s]); },
    onSignal: (fn) => { handler = fn; }, close() {},
  };
  return { sig, sent, deliver: (from: PeerId, s: Signal) => handler(from, s) };
}

/** Three tabs a — r — x: a and x are each linked to r only; control messages go through the JSON codec. */
function trio(opts: { rHasX?: boolean } = {}) {
  const links = new Set(['a|r', 'r|x']);
  if (opts.rHasX === false) links.delete('r|x');
  const linked = (p: PeerId, q: PeerId): boolean => links.has([p, q].sort().join('|'));
  const tabs = new Map<PeerId, { relay: RelaySignalling; server: ReturnType<typeof fakeServer>; got: Array<[PeerId, Signal]> }>();
  for (const id of ['a', 'r', 'x']) {
    const server = fakeServer(id);
    const relay = relaySignalling({
      fallback: server.sig,
      host: {
        has: (p) => linked(id, p),
        send: (p, m) => {
          if (!linked(id, p)) return false;
          const wire = decodeControl(encodeControl(m)) as RelayedSignal | RelayFailure; // what really crosses the link
          queueMicrotask(() => tabs.get(p)!.relay.receive(id, wire));
          return true;
        },
      },
      relayFor: (p) => (id === 'a' && p === 'x' ? 'r' : undefined), // r introduced x to a
    });
    const got: Array<[PeerId, Signal]> = [];
    relay.onSignal((from, s) => got.push([from, s]));
    tabs.set(id, { relay, server, got });
  }
  return tabs;
}

const flush = async (): Promise<void> => { for (let i = 0; i < 10; i++) await Promise.resolve(); };
const offer: Signal = { conn: 'a.0', kind: 'offer', sdp: 'v=0' };

describe('signalling relayed over existing links', () => {
  it('a → r → x and the answer back x → r → a, without the server; the relay stamps the origin', async () => {
    const t = trio();
    t.get('a')!.relay.send('x', offer);
    await flush();
    expect(t.get('x')!.got).toEqual([['a', offer]]);
    const answer: Signal = { conn: 'a.0', kind: 'answer', sdp: 'v=0 answer' };
    t.get('x')!.relay.send('a', answer); // x learnt the way back from the relayed offer
    await flush();
    expect(t.get('a')!.got).toEqual([['x', answer]]);
    for (const id of ['a', 'r', 'x']) expect(t.get(id)!.server.sent).toEqual([]);
    expect(t.get('r')!.relay.stats().forwarded).toBe(2);
    expect(t.get('a')!.relay.stats()).toMatchObject({ sentViaRelay: 1, receivedViaRelay: 1, sentViaServer: 0 });
  });

  it('a first hop claiming another origin is dropped (origins are stamped by the relay, never trusted)', async () => {
    const t = trio();
    t.get('r')!.relay.receive('a', { t: 'sig', to: 'x', from: 'mallory', signal: offer });
    await flush();
    expect(t.get('x')!.got).toEqual([]);
  });

  it('a relay without a link to the target answers sig-fail; the origin resends through the server and keeps doing so', async () => {
    const t = trio({ rHasX: false });
    t.get('a')!.relay.send('x', offer);
    await flush();
    expect(t.get('a')!.server.sent).toEqual([['x', offer]]);
    expect(t.get('a')!.relay.stats().relayFailures).toBe(1);
    const cand: Signal = { conn: 'a.0', kind: 'candidate', candidate: null };
    t.get('a')!.relay.send('x', cand);
    expect(t.get('a')!.server.sent).toEqual([['x', offer], ['x', cand]]);
  });

  it('without a known relay, signals go through the server, and server signals reach the handler', () => {
    const t = trio();
    t.get('r')!.relay.send('a', offer);
    expect(t.get('r')!.server.sent).toEqual([['a', offer]]);
    t.get('r')!.server.deliver('a', offer);
    expect(t.get('r')!.got).toEqual([['a', offer]]);
  });

  it('the control codec rejects malformed relay and overlay messages', () => {
    const bad = [
      { t: 'sig', to: 'x', signal: { conn: 'c', kind: 'nope' } },
      { t: 'sig', to: 'bad id!', signal: offer },
      { t: 'sig', to: 'x', from: 7, signal: offer },
      { t: 'sig-fail', to: 'x', from: 'a', signal: offer },
      { t: 'shuffle', entries: [{ id: 'a', age: -1 }] },
      { t: 'shuffle', entries: [{ id: 'a', age: 1 }, { id: 'a', age: 2 }] },
      { t: 'shuffle-reply', entries: Array.from({ length: 65 }, (_, i) => ({ id: `p${i}`, age: 0 })) },
      { t: 'want', on: 'yes' },
    ];
    for (const m of bad) expect(decodeControl(new TextEncoder().encode(JSON.stringify(m)))).toBeNull();
    const good: ControlMessage[] = [
      { t: 'sig', to: 'x', signal: offer }, { t: 'sig', to: 'x', from: 'a', signal: offer }, { t: 'sig-fail', to: 'x', signal: offer },
      { t: 'shuffle', entries: [{ id: 'a', age: 0 }, { id: 'b', age: 3 }] }, { t: 'shuffle-reply', entries: [] }, { t: 'want', on: false },
    ];
    for (const m of good) expect(decodeControl(encodeControl(m))).toEqual(m);
  });
});
