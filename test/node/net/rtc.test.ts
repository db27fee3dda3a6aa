import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { realClock } from '../../../src/core/clock';
import type { PeerId } from '../../../src/core/transport';
import { createCallPacer } from '../../../src/net/call-pacer';
import type { RawChannel } from '../../../src/net/link';
import { createConnector, GATHER_WAIT_MS, type Connector } from '../../../src/net/rtc';
import type { Signal } from '../../../src/net/signalling';
import { fakeRtcNetwork, signallingPair, type FakeNetworkOptions, type SignalRecord } from './fake-rtc';

interface Setup {
  net: ReturnType<typeof fakeRtcNetwork>;
  log: SignalRecord[];
  alice: Connector;
  bob: Connector;
  /** Bob's end of each link Alice opened. */
  incoming: Array<[PeerId, RawChannel]>;
}

let open: Connector[] = [];

/** Alice dials Bob over in-memory signalling and a fake network; both connectors pace with no gap unless told. */
function setup(opts: FakeNetworkOptions & { gatherWaitMs?: number; iceServers?: RTCIceServer[]; bobGapMs?: number } = {}): Setup {
  const net = fakeRtcNetwork(opts);
  const sig = signallingPair('alice', 'bob');
  const common = { factory: net.factory, gatherWaitMs: opts.gatherWaitMs, iceServers: opts.iceServers };
  const alice = createConnector({ ...common, signalling: sig.a, pacer: createCallPacer({ clock: realClock(), gapMs: 0 }) });
  const bob = createConnector({ ...common, signalling: sig.b, pacer: createCallPacer({ clock: realClock(), gapMs: opts.bobGapMs ?? 0 }) });
  const incoming: Array<[PeerId, RawChannel]> = [];
  bob.onIncoming((from, ch) => incoming.push([from, ch]));
  open.push(alice, bob);
  return { net, log: sig.log, alice, bob, incoming };
}

/** Dials and exposes the outcome without awaiting it (time only moves when the test advances it). */
function dial(c: Connector, to: PeerId): { link: RawChannel | null; error: Error | null } {
  const out: { link: RawChannel | null; error: Error | null } = { link: null, error: null };
  c.dial(to).then((l) => { out.link = l; }, (e: unknown) => { out.error = e instanceof Error ? e : new Error(String(e)); });
  return out;
}

const kinds = (log: SignalRecord[]): Signal['kind'][] => log.map((r) => r.signal.kind);
const candidates = (log: SignalRecord[]): SignalRecord[] => log.filter((r) => r.signal.kind === 'candidate');
const sdpOf = (log: SignalRecord[], kind: 'offer' | 'answer'): string => {
  const s = log.find((r) => r.signal.kind === kind)?.signal;
  if (s?.kind !== kind) throw new Error(`no ${kind} was signalled`);
  return s.sdp;
};

beforeEach(() => { vi.useFakeTimers(); });
afterEach(() => {
  for (const c of open) c.close();
  open = [];
  vi.useRealTimers();
});

describe('WebRTC connector with half-trickle ICE (fake RTCPeerConnection)', () => {
  it('a dial opens a link on both ends, with each side\'s candidates inside its description, and bytes flow both ways', async () => {
    const { net, log, alice, incoming } = setup();
    const d = dial(alice, 'bob');
    await vi.advanceTimersByTimeAsync(100);
    expect(d.error).toBeNull();
    expect(d.link).not.toBeNull();
    expect(incoming.map(([from]) => from)).toEqual(['alice']);
    const a = d.link!, b = incoming[0]![1];
    const atA: unknown[] = [], atB: unknown[] = [];
    a.onMessage((m) => atA.push(m));
    b.onMessage((m) => atB.push(m));
    a.send(Uint8Array.of(1, 2, 3));
    b.send(Uint8Array.of(9, 8));
    await vi.advanceTimersByTimeAsync(1);
    expect(atB.map((m) => [...new Uint8Array(m as ArrayBuffer)])).toEqual([[1, 2, 3]]);
    expect(atA.map((m) => [...new Uint8Array(m as ArrayBuffer)])).toEqual([[9, 8]]);
    // The link opened on the candidates the descriptions carried.
    const offerer = net.byRole('offer'), answerer = net.byRole('answer');
    for (const c of offerer.gathered) expect(sdpOf(log, 'offer')).toContain(`a=${c}\r\n`);
    for (const c of answerer.gathered) expect(sdpOf(log, 'answer')).toContain(`a=${c}\r\n`);
    expect(offerer.gathered).toHaveLength(2);
    expect(answerer.gathered).toHaveLength(2);
    // Closing one end closes the other.
    let bClosed = false;
    b.onClose(() => { bClosed = true; });
    a.close();
    await vi.advanceTimersByTimeAsync(10);
    expect(bClosed).toBe(true);
    expect(offerer.calls.close).toBe(1);
  });

  it('candidates gathered before the description is sent ride inside it: one offer, one answer, no candidate signal, no addIceCandidate', async () => {
    const { net, log, alice } = setup({ offerer: { candidateDelaysMs: [3, 6, 9], completeAfterMs: 10 } });
    const d = dial(alice, 'bob');
    await vi.advanceTimersByTimeAsync(100);
    expect(d.link).not.toBeNull();
    expect(kinds(log)).toEqual(['offer', 'answer']);
    expect(sdpOf(log, 'offer').match(/^a=candidate:/gm)).toHaveLength(3);
    expect(sdpOf(log, 'answer').match(/^a=candidate:/gm)).toHaveLength(2);
    for (const pc of net.pcs) expect(pc.calls.addIceCandidate).toBe(0);
    // Implicit descriptions: one setLocalDescription per side, no createOffer/createAnswer call.
    for (const pc of net.pcs) expect([pc.calls.createOffer, pc.calls.createAnswer, pc.calls.setLocalDescription]).toEqual([0, 0, 1]);
    // The completion event, not the cap, released the offer: 10 ms after setLocalDescription.
    const offerer = net.byRole('offer');
    const offerAt = log.find((r) => r.signal.kind === 'offer')!.at;
    expect(offerAt - offerer.setLocalAt!).toBe(10);
    expect(offerer.gatherListenerCount()).toBe(0);
  });

  it('a candidate gathered after the description was sent trickles: one candidate signal, one addIceCandidate on the far side, and the link opens on it', async () => {
    // Alice's only candidate comes after the 40 ms wait (a slow STUN server); Bob's is quick.
    const { net, log, alice, incoming } = setup({
      gatherWaitMs: 40,
      offerer: { candidateDelaysMs: [80], completeAfterMs: 90 },
      answerer: { candidateDelaysMs: [5], completeAfterMs: 6 },
    });
    const d = dial(alice, 'bob');
    await vi.advanceTimersByTimeAsync(60);
    expect(d.link).toBeNull(); // Bob knows none of Alice's candidates yet
    expect(sdpOf(log, 'offer')).not.toContain('a=candidate:');
    await vi.advanceTimersByTimeAsync(100);
    expect(d.link).not.toBeNull();
    expect(incoming).toHaveLength(1);
    const offerer = net.byRole('offer'), answerer = net.byRole('answer');
    expect(kinds(log)).toEqual(['offer', 'answer', 'candidate']);
    const trickled = candidates(log)[0]!;
    expect(trickled.from).toBe('alice');
    expect(trickled.signal).toMatchObject({ candidate: { candidate: offerer.gathered[0], sdpMid: '0', sdpMLineIndex: 0 } });
    expect(answerer.calls.addIceCandidate).toBe(1);
    expect(answerer.added.map((c) => c.candidate)).toEqual(offerer.gathered);
    expect(offerer.calls.addIceCandidate).toBe(0);
  });

  it('a trickled candidate that arrives before the far side set the remote description is not lost', async () => {
    // Bob paces 20 ms apart, so Alice's candidate (1 ms after her offer) reaches him before his setRemoteDescription.
    const { net, log, alice } = setup({
      gatherWaitMs: 40, bobGapMs: 20,
      offerer: { candidateDelaysMs: [41], completeAfterMs: 42 },
      answerer: { candidateDelaysMs: [5], completeAfterMs: 6 },
    });
    const d = dial(alice, 'bob');
    await vi.advanceTimersByTimeAsync(300);
    expect(d.link).not.toBeNull();
    const answerer = net.byRole('answer');
    expect(kinds(log)).toEqual(['offer', 'candidate', 'answer']);
    const deliveredAt = candidates(log)[0]!.at + 1; // signallingPair latency
    expect(deliveredAt).toBeLessThan(answerer.setRemoteAt!);
    expect(answerer.calls.addIceCandidate).toBe(1); // once, after setRemoteDescription (the fake rejects earlier calls)
    expect(answerer.added).toHaveLength(1);
  });

  it('the end-of-candidates event is never signalled, even when gathering completes after the description went out', async () => {
    const slow = { candidateDelaysMs: [5, 60], completeAfterMs: 100 };
    const { net, log, alice } = setup({ gatherWaitMs: 30, offerer: slow, answerer: slow });
    const d = dial(alice, 'bob');
    await vi.advanceTimersByTimeAsync(300);
    expect(d.link).not.toBeNull();
    for (const pc of net.pcs) expect(pc.iceGatheringState).toBe('complete'); // both fired the null candidate
    expect(candidates(log).filter((r) => r.signal.kind === 'candidate' && r.signal.candidate === null)).toEqual([]);
    // Each side trickled its one late candidate, nothing else.
    expect(candidates(log).map((r) => r.from).sort()).toEqual(['alice', 'bob']);
  });

  it('when gathering never completes, the offer goes out at the gathering cap, not before, and the link opens', async () => {
    const stuck = { candidateDelaysMs: [5], completeAfterMs: null };
    const cap = 50;
    const { net, log, alice } = setup({ gatherWaitMs: cap, offerer: stuck, answerer: stuck });
    const d = dial(alice, 'bob');
    for (let i = 0; i < 20 && net.pcs[0]?.setLocalAt == null; i++) await vi.advanceTimersByTimeAsync(1);
    const offerer = net.byRole('offer');
    const setLocalAt = offerer.setLocalAt!;
    const t0 = performance.now();
    await vi.advanceTimersByTimeAsync(setLocalAt + cap - 1 - t0);
    expect(kinds(log)).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(kinds(log)).toEqual(['offer']);
    const offerAt = log[0]!.at;
    expect(offerAt - setLocalAt).toBeGreaterThanOrEqual(cap);
    expect(offerAt - setLocalAt).toBeLessThan(cap + 10);
    expect(sdpOf(log, 'offer')).toContain(`a=${offerer.gathered[0]}\r\n`);
    await vi.advanceTimersByTimeAsync(2 * cap);
    expect(d.link).not.toBeNull();
    expect(offerer.iceGatheringState).toBe('gathering');
    expect(offerer.gatherListenerCount()).toBe(0); // the wait removed its listener
  });

  it('the default gathering cap is GATHER_WAIT_MS', async () => {
    const { net, log, alice } = setup({ offerer: { candidateDelaysMs: [5], completeAfterMs: null } });
    dial(alice, 'bob');
    await vi.advanceTimersByTimeAsync(GATHER_WAIT_MS - 1);
    expect(kinds(log)).toEqual([]);
    await vi.advanceTimersByTimeAsync(10);
    expect(kinds(log)).toEqual(['offer']);
    expect(log[0]!.at - net.byRole('offer').setLocalAt!).toBe(GATHER_WAIT_MS);
  });

  it('each connection is built with iceCandidatePoolSize 1 and the configured ICE servers', async () => {
    const iceServers: RTCIceServer[] = [{ urls: 'stun:stun.example.org:3478' }, { urls: 'turn:turn.example.org', username: 'u', credential: 'c' }];
    const { net, alice } = setup({ iceServers });
    const d = dial(alice, 'bob');
    await vi.advanceTimersByTimeAsync(100);
    expect(d.link).not.toBeNull();
    expect(net.pcs).toHaveLength(2);
    for (const pc of net.pcs) {
      expect(pc.config.iceCandidatePoolSize).toBe(1);
      expect(pc.config.iceServers).toEqual(iceServers);
    }
    const plain = setup();
    dial(plain.alice, 'bob');
    await vi.advanceTimersByTimeAsync(1);
    expect(plain.net.pcs[0]!.config).toEqual({ iceServers: [], iceCandidatePoolSize: 1 });
  });

  it('refuses a negative, NaN or infinite gathering cap, naming the option', () => {
    const sig = signallingPair('alice', 'bob');
    for (const gatherWaitMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createConnector({ signalling: sig.a, factory: fakeRtcNetwork().factory, gatherWaitMs })).toThrow(/gatherWaitMs/);
    }
  });
});
