/**
 * WebRTC link setup over a {@link Signalling} strategy: offer/answer carrying the candidates gathered
 * so far (later ones trickle), one ordered reliable data channel per link, connect timeouts. The RTCPeerConnection constructor is injected,
 * so tests can substitute a fake and deployments can wrap it.
 * @module
 */
import { realClock } from '../core/clock';
import { secureRng } from '../core/rng';
import type { PeerId } from '../core/transport';
import { createCallPacer, type CallPacer, type CallPacerStats } from './call-pacer';
import { fromDataChannel, type RawChannel } from './link';
import type { Signal, Signalling } from './signalling';

/** Creates a peer connection; defaults to the browser's `RTCPeerConnection`. */
export type PeerConnectionFactory = (config: RTCConfiguration) => RTCPeerConnection;

/** Options of {@link createConnector}. */
export interface ConnectorOptions {
  signalling: Signalling;
  factory?: PeerConnectionFactory;
  /** STUN/TURN servers; none are needed on one machine or a LAN. */
  iceServers?: RTCIceServer[];
  /** A link attempt not open after this many ms fails. Default 20000. */
  timeoutMs?: number;
  /** Decides whether to answer an incoming offer (e.g. degree limit, glare rule). */
  accept?: (from: PeerId) => boolean;
  /**
   * Runs every WebRTC call of link set-up and teardown (construction, data channel, offer/answer,
   * descriptions, candidates, close) alone in its own task, set-up first. Default:
   * {@link defaultCallPacer}. See ./call-pacer for why.
   */
  pacer?: CallPacer;
  /** Milliseconds to wait for ICE gathering before sending a description. Default {@link GATHER_WAIT_MS}. */
  gatherWaitMs?: number;
}

/** Minimum gap between two WebRTC calls of one tab. */
export const CALL_GAP_MS = 10;
/** Random extra delay per call, so tabs reacting to the same event do not call at the same instant. */
export const CALL_JITTER_MS = 15;

/** The pacer tabs use: {@link CALL_GAP_MS} apart plus up to {@link CALL_JITTER_MS}, from secure randomness. */
export function defaultCallPacer(): CallPacer {
  const rng = secureRng();
  return createCallPacer({ clock: realClock(), gapMs: CALL_GAP_MS, jitterMs: CALL_JITTER_MS, random: () => rng.nextFloat() });
}

/** Dials and answers WebRTC links. */
export interface Connector {
  /** Opens a link to `remote`; rejects on timeout, refusal or ICE failure. */
  dial(remote: PeerId): Promise<RawChannel>;
  /** Installs the single handler of links opened by remote peers. */
  onIncoming(fn: (from: PeerId, channel: RawChannel) => void): void;
  /** Attempts currently negotiating. */
  pending(): number;
  /** The paced WebRTC calls so far and the slowest one. */
  callStats(): CallPacerStats;
  close(): void;
}

/**
 * How long a side waits for ICE gathering before it sends its offer or answer. The candidates
 * gathered by then travel inside the description, so the other side adds them in its one
 * `setRemoteDescription` call instead of one blocking `addIceCandidate` call and one signalling
 * message each (8 per side on a dual-stack host: UDP and TCP, IPv4 and IPv6). Later candidates
 * (a slow STUN or TURN server) still trickle one by one.
 */
export const GATHER_WAIT_MS = 300;

/**
 * A link being negotiated; `pc` is null until the paced construction ran. `described`: our offer or
 * answer has been sent, so a newly gathered candidate must trickle (before, it rides in the SDP).
 */
interface Attempt { pc: RTCPeerConnection | null; remote: PeerId; remoteSet: boolean; described: boolean; early: RTCIceCandidateInit[]; fail(e: Error): void; timer: ReturnType<typeof setTimeout> }

/** Resolves once `pc` has gathered its candidates, or after `capMs`. */
function gathered(pc: RTCPeerConnection, capMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') { resolve(); return; }
    const done = (): void => { clearTimeout(timer); pc.removeEventListener('icegatheringstatechange', check); resolve(); };
    const check = (): void => { if (pc.iceGatheringState === 'complete') done(); };
    const timer = setTimeout(done, capMs);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

/**
 * Creates a connector bound to one signalling strategy.
 * @throws RangeError on a negative or non-finite `gatherWaitMs`
 */
export function createConnector(opts: ConnectorOptions): Connector {
  const { signalling } = opts;
  const factory = opts.factory ?? ((c: RTCConfiguration) => new RTCPeerConnection(c));
  // A pool of one: gathering starts at construction, during the paced calls before the offer or answer.
  const config: RTCConfiguration = { iceServers: opts.iceServers ?? [], iceCandidatePoolSize: 1 };
  const gatherWaitMs = opts.gatherWaitMs ?? GATHER_WAIT_MS;
  if (!(gatherWaitMs >= 0) || !Number.isFinite(gatherWaitMs)) throw new RangeError(`createConnector: gatherWaitMs must be a non-negative finite number, got ${gatherWaitMs}`);
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const pacer = opts.pacer ?? defaultCallPacer();
  const closePc = (pc: RTCPeerConnection): void => pacer.run(() => pc.close(), 'lazy', 'close');
  /** Starts one WebRTC call alone in a paced task; settles with its result. */
  const paced = <T>(label: string, call: () => T | Promise<T>): Promise<T> => new Promise<T>((resolve, reject) => {
    pacer.run(() => { try { Promise.resolve(call()).then(resolve, reject); } catch (e) { reject(e); } }, 'urgent', label);
  });
  const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));
  const attempts = new Map<string, Attempt>();
  let incoming: (from: PeerId, ch: RawChannel) => void = () => {};
  let counter = 0;
  let closed = false;

  /** Registers an attempt before its connection exists, so signals arriving meanwhile are kept. */
  const register = (conn: string, remote: PeerId, reject: (e: Error) => void): Attempt => {
    let failed = false;
    const a: Attempt = {
      pc: null, remote, remoteSet: false, described: false, early: [],
      fail: (e) => {
        if (failed) return;
        failed = true;
        clearTimeout(a.timer); attempts.delete(conn);
        if (a.pc) closePc(a.pc);
        reject(e);
      },
      timer: setTimeout(() => a.fail(new Error(`connect to ${remote} timed out after ${timeoutMs} ms`)), timeoutMs),
    };
    attempts.set(conn, a);
    return a;
  };

  /** Whether the attempt still runs (not failed, timed out, opened or closed with the connector). */
  const live = (conn: string, a: Attempt): boolean => !closed && attempts.get(conn) === a;

  /** Creates the attempt's connection in a paced task; null if the attempt ended meanwhile. */
  const construct = (conn: string, a: Attempt): Promise<RTCPeerConnection | null> => paced('construct', () => {
    if (!live(conn, a)) return null;
    const pc = a.pc = factory(config);
    // Before our description is sent, a candidate is already in it (the browser adds each gathered
    // candidate to the local description before firing the event). The end-of-candidates event
    // (null) is not sent: the other side has nothing to do with it.
    pc.onicecandidate = (e) => { if (e.candidate && a.described) signalling.send(a.remote, { conn, kind: 'candidate', candidate: e.candidate.toJSON() }); };
    pc.onconnectionstatechange = () => { if (pc.connectionState === 'failed') a.fail(new Error(`ICE to ${a.remote} failed`)); };
    return pc;
  });

  const opened = (conn: string, a: Attempt, pc: RTCPeerConnection, dc: RTCDataChannel): RawChannel => {
    clearTimeout(a.timer);
    attempts.delete(conn);
    const raw = fromDataChannel(dc);
    const onClose = raw.onClose;
    let closing = false;
    return {
      ...raw,
      get bufferedAmount() { return dc.bufferedAmount; },
      // Closing the link closes the channel now (the remote end learns it at once) and the whole
      // peer connection, which frees its sockets, later in a paced task.
      close: () => {
        if (closing) return;
        closing = true;
        dc.close();
        closePc(pc);
      },
      onClose: (fn) => {
        onClose(fn);
        pc.onconnectionstatechange = () => { if (pc.connectionState === 'failed' || pc.connectionState === 'closed') fn(); };
      },
    };
  };

  const addCandidate = (a: Attempt, c: RTCIceCandidateInit | null): void => {
    if (!c) return;
    const pc = a.pc;
    if (!a.remoteSet || !pc) { a.early.push(c); return; }
    paced('addIceCandidate', () => pc.addIceCandidate(c)).catch(() => { /* stale candidate, or the link closed meanwhile */ });
  };

  const setRemote = async (a: Attempt, pc: RTCPeerConnection, type: 'offer' | 'answer', sdp: string): Promise<void> => {
    await paced('setRemoteDescription', () => pc.setRemoteDescription({ type, sdp }));
    a.remoteSet = true;
    for (const c of a.early.splice(0)) addCandidate(a, c);
  };

  // The server says nobody has that id: fail the attempts now instead of at the connect timeout.
  signalling.onUnavailable?.((peer) => {
    for (const a of [...attempts.values()]) if (a.remote === peer) a.fail(new Error(`peer-unavailable: ${peer} is not registered on the signalling server`));
  });

  signalling.onSignal((from, s: Signal) => {
    if (closed) return;
    const a = attempts.get(s.conn);
    if (a && a.remote !== from) return; // someone else's attempt id
    switch (s.kind) {
      case 'offer': {
        if (a) return;
        if (opts.accept && !opts.accept(from)) { signalling.send(from, { conn: s.conn, kind: 'bye', reason: 'refused' }); return; }
        const at = register(s.conn, from, () => {});
        void (async () => {
          try {
            const pc = await construct(s.conn, at);
            if (!pc) return;
            pc.ondatachannel = (e) => {
              const dc = e.channel;
              const fire = (): void => { incoming(from, opened(s.conn, at, pc, dc)); };
              if (dc.readyState === 'open') fire(); else dc.onopen = fire;
            };
            await setRemote(at, pc, 'offer', s.sdp);
            if (!live(s.conn, at)) return;
            // Implicit: the browser creates the answer (one blocking call instead of two).
            await paced('setLocalDescription', () => pc.setLocalDescription());
            await gathered(pc, gatherWaitMs);
            if (!live(s.conn, at)) return;
            at.described = true;
            signalling.send(from, { conn: s.conn, kind: 'answer', sdp: pc.localDescription?.sdp ?? '' });
          } catch (e) { at.fail(asError(e)); }
        })();
        return;
      }
      case 'answer':
        if (a?.pc && !a.remoteSet) setRemote(a, a.pc, 'answer', s.sdp).catch((e: unknown) => a.fail(asError(e)));
        return;
      case 'candidate':
        if (a) addCandidate(a, s.candidate);
        return;
      case 'bye':
        if (a) a.fail(new Error(`${from} refused the link (${s.reason})`));
        return;
    }
  });

  return {
    dial(remote) {
      if (closed) return Promise.reject(new Error('connector closed'));
      return new Promise<RawChannel>((resolve, reject) => {
        const conn = `${signalling.self}.${(counter++).toString(36)}`;
        const a = register(conn, remote, reject);
        void (async () => {
          try {
            const pc = await construct(conn, a);
            if (!pc) return;
            const dc = await paced('createDataChannel', () => pc.createDataChannel('chiaroscuro', { ordered: true }));
            dc.onopen = () => resolve(opened(conn, a, pc, dc));
            if (!live(conn, a)) return;
            // Implicit: the browser creates the offer (one blocking call instead of two).
            await paced('setLocalDescription', () => pc.setLocalDescription());
            await gathered(pc, gatherWaitMs);
            if (!live(conn, a)) return;
            a.described = true;
            signalling.send(remote, { conn, kind: 'offer', sdp: pc.localDescription?.sdp ?? '' });
          } catch (e) { a.fail(asError(e)); }
        })();
      });
    },
    onIncoming(fn) { incoming = fn; },
    pending: () => attempts.size,
    callStats: () => pacer.stats(),
    close() {
      closed = true;
      for (const a of [...attempts.values()]) a.fail(new Error('connector closed'));
      pacer.flush(); // closing: free every connection now
    },
  };
}
