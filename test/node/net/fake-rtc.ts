/**
 * A fake WebRTC "network" for Node tests of src/net/rtc.ts: peer connections and data channels with
 * only the surface rtc.ts and `fromDataChannel` (src/net/link.ts) use, scripted ICE gathering on
 * timers (fake them with `vi.useFakeTimers()`), and an in-memory {@link Signalling} pair.
 *
 * Like a browser, a connection starts gathering at `setLocalDescription`, adds each candidate to its
 * local description *before* firing `icecandidate`, then sets `iceGatheringState` to `complete`,
 * fires `icegatheringstatechange` and finally the end-of-candidates event (`candidate: null`).
 * Two connections "connect" (channels open on both ends) once each has its remote description and
 * knows at least one candidate the other side gathered, from the SDP or from `addIceCandidate`.
 * @module
 */
import type { PeerId } from '../../../src/core/transport';
import type { PeerConnectionFactory } from '../../../src/net/rtc';
import { parseSignal, type Signal, type Signalling } from '../../../src/net/signalling';

/** When one connection finds its candidates, in ms after its `setLocalDescription`. */
export interface GatherScript {
  /** Delay of each candidate. */
  candidateDelaysMs: number[];
  /** When gathering completes (never before the last candidate); `null`: it never does. Default: with the last candidate. */
  completeAfterMs?: number | null;
}

/** Options of {@link fakeRtcNetwork}: the gathering of the side that sets a local offer, and of the answering side. */
export interface FakeNetworkOptions {
  offerer?: GatherScript;
  answerer?: GatherScript;
}

/** Gathering used when a test does not script it: two candidates well inside the default wait. */
export const DEFAULT_GATHER: GatherScript = { candidateDelaysMs: [5, 10], completeAfterMs: 12 };

/** The calls counted per connection. */
export type FakeCallName = 'createDataChannel' | 'createOffer' | 'createAnswer' | 'setLocalDescription' | 'setRemoteDescription' | 'addIceCandidate' | 'close';

/** A session description as the fake produces and accepts it. */
export interface FakeDescription { type: 'offer' | 'answer'; sdp: string }

/** What `onicecandidate` receives. */
export interface FakeIceEvent { candidate: FakeIceCandidate | null }

/** An ICE candidate with the `toJSON` rtc.ts serialises it with. */
export class FakeIceCandidate {
  constructor(readonly candidate: string, readonly sdpMid = '0', readonly sdpMLineIndex = 0) {}
  toJSON(): RTCIceCandidateInit { return { candidate: this.candidate, sdpMid: this.sdpMid, sdpMLineIndex: this.sdpMLineIndex }; }
}

/** One end of a fake data channel; messages reach the paired end in a later task, in order. */
export class FakeDataChannel {
  readyState: RTCDataChannelState = 'connecting';
  binaryType: BinaryType = 'blob';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onbufferedamountlow: (() => void) | null = null;
  /** The other end, once connected. */
  peer: FakeDataChannel | null = null;
  /** Messages sent on this end. */
  sent = 0;

  constructor(readonly label: string, readonly ordered: boolean) {}

  /** Sends bytes; throws like a browser when the channel is not open. */
  send(data: ArrayBuffer | ArrayBufferView): void {
    const peer = this.peer;
    if (this.readyState !== 'open' || !peer) throw new Error(`InvalidStateError: data channel is ${this.readyState}`);
    const src = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const copy = src.slice().buffer;
    this.sent++;
    setTimeout(() => {
      if (peer.readyState !== 'open') return;
      peer.onmessage?.({ data: peer.binaryType === 'arraybuffer' ? copy : new Blob([copy]) });
    }, 0);
  }

  /** Closes both ends; each fires `close` in a later task. */
  close(): void {
    for (const end of [this, this.peer]) {
      if (!end || end.readyState === 'closed') continue;
      end.readyState = 'closed';
      setTimeout(() => end.onclose?.(), 0);
    }
  }
}

/** A fake RTCPeerConnection; tests read its counters and state. */
export class FakePeerConnection {
  /** Calls made on it, by name. */
  readonly calls: Record<FakeCallName, number> = { createDataChannel: 0, createOffer: 0, createAnswer: 0, setLocalDescription: 0, setRemoteDescription: 0, addIceCandidate: 0, close: 0 };
  /** Candidates given to `addIceCandidate` (after validation). */
  readonly added: RTCIceCandidateInit[] = [];
  /** Candidate strings this connection gathered, in order. */
  readonly gathered: string[] = [];
  /** `performance.now()` at the (first) `setLocalDescription`, null before. */
  setLocalAt: number | null = null;
  /** `performance.now()` at the successful `setRemoteDescription`, null before. */
  setRemoteAt: number | null = null;
  iceGatheringState: RTCIceGatheringState = 'new';
  connectionState: RTCPeerConnectionState = 'new';
  remoteDescription: FakeDescription | null = null;
  onicecandidate: ((e: FakeIceEvent) => void) | null = null;
  ondatachannel: ((e: { channel: FakeDataChannel }) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  /** Set by the network once both ends are paired. */
  connecting = false;
  readonly channels: FakeDataChannel[] = [];
  private local: FakeDescription | null = null;
  private readonly known = new Set<string>();
  private readonly gatherListeners = new Set<() => void>();
  private readonly timers: Array<ReturnType<typeof setTimeout>> = [];

  constructor(readonly id: number, readonly config: RTCConfiguration, private readonly net: FakeNetworkInternals) {}

  /** The local description with every candidate gathered so far, as browsers report it. */
  get localDescription(): FakeDescription | null {
    if (!this.local) return null;
    return { type: this.local.type, sdp: this.local.sdp + this.gathered.map((c) => `a=${c}\r\n`).join('') };
  }

  /** `offer` or `answer` once a local description is set. */
  get role(): 'offer' | 'answer' | null { return this.local?.type ?? null; }

  /** The far end, known from the remote description. */
  get remotePeer(): FakePeerConnection | null {
    const ufrag = this.remoteDescription && /^a=ice-ufrag:fake(\d+)\r?$/m.exec(this.remoteDescription.sdp)?.[1];
    return ufrag ? this.net.pcs[Number(ufrag)] ?? null : null;
  }

  /** Whether this end has the remote description and one of `peer`'s gathered candidates. */
  knowsCandidateOf(peer: FakePeerConnection): boolean {
    return this.remoteDescription !== null && peer.gathered.some((c) => this.known.has(c));
  }

  createDataChannel(label: string, init: RTCDataChannelInit = {}): FakeDataChannel {
    this.calls.createDataChannel++;
    this.live();
    const dc = new FakeDataChannel(label, init.ordered ?? true);
    this.channels.push(dc);
    return dc;
  }

  createOffer(): Promise<FakeDescription> {
    this.calls.createOffer++;
    return this.described('offer');
  }

  createAnswer(): Promise<FakeDescription> {
    this.calls.createAnswer++;
    return this.describedAnswer();
  }

  private describedAnswer(): Promise<FakeDescription> {
    if (this.remoteDescription?.type !== 'offer') return Promise.reject(new Error('InvalidStateError: createAnswer without a remote offer'));
    return this.described('answer');
  }

  async setLocalDescription(given?: RTCSessionDescriptionInit): Promise<void> {
    this.calls.setLocalDescription++;
    this.live();
    // Without an argument (implicit), the connection creates the offer or answer its state calls for.
    const d = given ?? await (this.remoteDescription?.type === 'offer' ? this.describedAnswer() : this.described('offer'));
    if ((d.type !== 'offer' && d.type !== 'answer') || !d.sdp?.includes(`a=ice-ufrag:fake${this.id}\r\n`)) {
      throw new Error('InvalidModificationError: not a description this connection created');
    }
    if (this.local) throw new Error('fake-rtc: renegotiation is not modelled');
    this.local = { type: d.type, sdp: d.sdp };
    this.setLocalAt = performance.now();
    this.gather(this.net.script(d.type));
  }

  setRemoteDescription(d: RTCSessionDescriptionInit): Promise<void> {
    this.calls.setRemoteDescription++;
    try { this.live(); } catch (e) { return Promise.reject(e); }
    if ((d.type !== 'offer' && d.type !== 'answer') || typeof d.sdp !== 'string') return Promise.reject(new TypeError('fake-rtc: bad remote description'));
    if (this.remoteDescription) return Promise.reject(new Error('fake-rtc: renegotiation is not modelled'));
    if (d.type === 'answer' && this.local?.type !== 'offer') return Promise.reject(new Error('InvalidStateError: answer without a local offer'));
    this.remoteDescription = { type: d.type, sdp: d.sdp };
    const peer = this.remotePeer;
    if (!peer || peer === this) { this.remoteDescription = null; return Promise.reject(new Error('fake-rtc: remote description names no other connection')); }
    this.setRemoteAt = performance.now();
    for (const line of d.sdp.split(/\r?\n/)) if (line.startsWith('a=candidate:')) this.known.add(line.slice(2));
    this.net.maybeConnect(this);
    return Promise.resolve();
  }

  addIceCandidate(c?: RTCIceCandidateInit): Promise<void> {
    this.calls.addIceCandidate++;
    try { this.live(); } catch (e) { return Promise.reject(e); }
    if (!this.remoteDescription) return Promise.reject(new Error('InvalidStateError: addIceCandidate before the remote description'));
    if (!c?.candidate) return Promise.resolve(); // end of candidates
    if (!c.candidate.startsWith('candidate:')) return Promise.reject(new Error('OperationError: malformed candidate'));
    this.added.push(c);
    this.known.add(c.candidate);
    this.net.maybeConnect(this);
    return Promise.resolve();
  }

  addEventListener(type: string, fn: () => void): void {
    if (type !== 'icegatheringstatechange') throw new Error(`fake-rtc: event ${type} is not modelled`);
    this.gatherListeners.add(fn);
  }

  removeEventListener(type: string, fn: () => void): void {
    if (type === 'icegatheringstatechange') this.gatherListeners.delete(fn);
  }

  /** Number of `icegatheringstatechange` listeners still installed. */
  gatherListenerCount(): number { return this.gatherListeners.size; }

  /** Closes the connection and its channels; like a browser, fires no connectionstatechange. */
  close(): void {
    this.calls.close++;
    if (this.connectionState === 'closed') return;
    this.connectionState = 'closed';
    for (const t of this.timers.splice(0)) clearTimeout(t);
    for (const dc of this.channels) dc.close();
  }

  /** Opens the channels of this connection towards `peer` (called by the network). */
  openChannelsTo(peer: FakePeerConnection): void {
    for (const near of this.channels) {
      if (near.peer) continue;
      const far = new FakeDataChannel(near.label, near.ordered);
      near.peer = far;
      far.peer = near;
      near.readyState = far.readyState = 'open';
      peer.channels.push(far);
      peer.ondatachannel?.({ channel: far });
      near.onopen?.();
    }
  }

  /** Sets the connection state and fires the change event. */
  setConnectionState(s: RTCPeerConnectionState): void {
    this.connectionState = s;
    this.onconnectionstatechange?.();
  }

  private live(): void {
    if (this.connectionState === 'closed') throw new Error('InvalidStateError: connection closed');
  }

  private described(type: 'offer' | 'answer'): Promise<FakeDescription> {
    try { this.live(); } catch (e) { return Promise.reject(e); }
    const sdp = [
      'v=0', `o=- ${this.id} 2 IN IP4 127.0.0.1`, 's=-', 't=0 0', 'a=group:BUNDLE 0',
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'c=IN IP4 0.0.0.0',
      `a=ice-ufrag:fake${this.id}`, 'a=mid:0', `a=setup:${type === 'offer' ? 'actpass' : 'active'}`, 'a=sctp-port:5000', '',
    ].join('\r\n');
    return Promise.resolve({ type, sdp });
  }

  private gatheringState(s: RTCIceGatheringState): void {
    this.iceGatheringState = s;
    for (const fn of [...this.gatherListeners]) fn();
  }

  private gather(script: GatherScript): void {
    this.gatheringState('gathering');
    script.candidateDelaysMs.forEach((ms, n) => {
      this.timers.push(setTimeout(() => {
        const c = `candidate:${n + 1} 1 udp 2122260223 10.0.${this.id}.1 ${50000 + n} typ host generation 0`;
        this.gathered.push(c); // in the local description before the event fires, as in browsers
        this.onicecandidate?.({ candidate: new FakeIceCandidate(c) });
      }, ms));
    });
    const complete = script.completeAfterMs === undefined ? Math.max(0, ...script.candidateDelaysMs) : script.completeAfterMs;
    if (complete === null) return;
    this.timers.push(setTimeout(() => {
      this.gatheringState('complete');
      this.onicecandidate?.({ candidate: null });
    }, Math.max(complete, ...script.candidateDelaysMs)));
  }
}

/** What connections need from their network. */
interface FakeNetworkInternals {
  readonly pcs: readonly FakePeerConnection[];
  script(role: 'offer' | 'answer'): GatherScript;
  maybeConnect(pc: FakePeerConnection): void;
}

/** A fake network: its factory for `createConnector`, and every connection it built. */
export interface FakeRtcNetwork {
  readonly factory: PeerConnectionFactory;
  /** Connections in construction order (index = id). */
  readonly pcs: readonly FakePeerConnection[];
  /** The connection that set a local description of this type (the first, if several). */
  byRole(role: 'offer' | 'answer'): FakePeerConnection;
}

/** Creates a fake network whose connections gather as scripted per role. */
export function fakeRtcNetwork(opts: FakeNetworkOptions = {}): FakeRtcNetwork {
  const pcs: FakePeerConnection[] = [];
  const internals: FakeNetworkInternals = {
    pcs,
    script: (role) => (role === 'offer' ? opts.offerer : opts.answerer) ?? DEFAULT_GATHER,
    maybeConnect(pc) {
      const peer = pc.remotePeer;
      if (!peer || peer.remotePeer !== pc || pc.connecting || !pc.knowsCandidateOf(peer) || !peer.knowsCandidateOf(pc)) return;
      pc.connecting = peer.connecting = true;
      setTimeout(() => {
        if (pc.connectionState === 'closed' || peer.connectionState === 'closed') return;
        pc.setConnectionState('connected');
        peer.setConnectionState('connected');
        pc.openChannelsTo(peer);
        peer.openChannelsTo(pc);
      }, 0);
    },
  };
  return {
    // The one cast: the fake has only the part of RTCPeerConnection that rtc.ts uses.
    factory: (config) => {
      const pc = new FakePeerConnection(pcs.length, config, internals);
      pcs.push(pc);
      return pc as unknown as RTCPeerConnection;
    },
    pcs,
    byRole(role) {
      const pc = pcs.find((p) => p.role === role);
      if (!pc) throw new Error(`fake-rtc: no connection set a local ${role}`);
      return pc;
    },
  };
}

/** One signal as it crossed the in-memory signalling, with `performance.now()` at sending. */
export interface SignalRecord { from: PeerId; to: PeerId; signal: Signal; at: number }

/** Two {@link Signalling} ends wired to each other, and the log of every signal sent. */
export interface SignallingPair { a: Signalling; b: Signalling; log: SignalRecord[] }

/**
 * In-memory signalling between `aId` and `bId`: each signal goes through JSON and `parseSignal`
 * (like the real strategies) and reaches the other side's handler `latencyMs` later.
 * Sending to anyone else, or an invalid signal, throws.
 */
export function signallingPair(aId: PeerId, bId: PeerId, latencyMs = 1): SignallingPair {
  const log: SignalRecord[] = [];
  const handlers = new Map<PeerId, (from: PeerId, s: Signal) => void>();
  const end = (self: PeerId, other: PeerId): Signalling => {
    let closed = false;
    return {
      self,
      ready: () => Promise.resolve(),
      send(to, signal) {
        if (closed) return;
        if (to !== other) throw new Error(`signallingPair: ${self} cannot reach ${to}`);
        const parsed = parseSignal(JSON.parse(JSON.stringify(signal)));
        if (!parsed) throw new Error(`signallingPair: invalid signal ${JSON.stringify(signal)}`);
        log.push({ from: self, to, signal: parsed, at: performance.now() });
        setTimeout(() => handlers.get(to)?.(self, parsed), latencyMs);
      },
      onSignal(fn) { handlers.set(self, fn); },
      close() { closed = true; handlers.delete(self); },
    };
  };
  return { a: end(aId, bId), b: end(bId, aId), log };
}
