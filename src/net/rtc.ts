/**
 * WebRTC link setup over a {@link Signalling} strategy: offer/answer with trickle ICE, one ordered
 * reliable data channel per link, connect timeouts. The RTCPeerConnection constructor is injected,
 * so tests can substitute a fake and deployments can wrap it.
 * @module
 */
import type { PeerId } from '../core/transport';
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
}

/** Dials and answers WebRTC links. */
export interface Connector {
  /** Opens a link to `remote`; rejects on timeout, refusal or ICE failure. */
  dial(remote: PeerId): Promise<RawChannel>;
  /** Installs the single handler of links opened by remote peers. */
  onIncoming(fn: (from: PeerId, channel: RawChannel) => void): void;
  /** Attempts currently negotiating. */
  pending(): number;
  close(): void;
}

interface Attempt { pc: RTCPeerConnection; remote: PeerId; remoteSet: boolean; early: RTCIceCandidateInit[]; fail(e: Error): void; timer: ReturnType<typeof setTimeout> }

/** Creates a connector bound to one signalling strategy. */
export function createConnector(opts: ConnectorOptions): Connector {
  const { signalling } = opts;
  const factory = opts.factory ?? ((c: RTCConfiguration) => new RTCPeerConnection(c));
  const config: RTCConfiguration = { iceServers: opts.iceServers ?? [] };
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const attempts = new Map<string, Attempt>();
  let incoming: (from: PeerId, ch: RawChannel) => void = () => {};
  let counter = 0;
  let closed = false;

  const wire = (conn: string, remote: PeerId, pc: RTCPeerConnection, reject: (e: Error) => void): Attempt => {
    const a: Attempt = {
      pc, remote, remoteSet: false, early: [],
      fail: (e) => { clearTimeout(a.timer); attempts.delete(conn); try { pc.close(); } catch { /* closed */ } reject(e); },
      timer: setTimeout(() => a.fail(new Error(`connect to ${remote} timed out after ${timeoutMs} ms`)), timeoutMs),
    };
    attempts.set(conn, a);
    pc.onicecandidate = (e) => signalling.send(remote, { conn, kind: 'candidate', candidate: e.candidate ? e.candidate.toJSON() : null });
    pc.onconnectionstatechange = () => { if (pc.connectionState === 'failed') a.fail(new Error(`ICE to ${remote} failed`)); };
    return a;
  };

  const opened = (conn: string, a: Attempt, dc: RTCDataChannel): RawChannel => {
    clearTimeout(a.timer);
    attempts.delete(conn);
    const raw = fromDataChannel(dc);
    // Closing the link closes the whole peer connection (frees its sockets).
    const close = raw.close;
    const onClose = raw.onClose;
    return {
      ...raw,
      get bufferedAmount() { return dc.bufferedAmount; },
      close: () => { close(); a.pc.close(); },
      onClose: (fn) => {
        onClose(fn);
        a.pc.onconnectionstatechange = () => { if (a.pc.connectionState === 'failed' || a.pc.connectionState === 'closed') fn(); };
      },
    };
  };

  const addCandidate = (a: Attempt, c: RTCIceCandidateInit | null): void => {
    if (!c) return;
    if (!a.remoteSet) { a.early.push(c); return; }
    a.pc.addIceCandidate(c).catch(() => { /* stale candidate */ });
  };

  const setRemote = async (a: Attempt, type: 'offer' | 'answer', sdp: string): Promise<void> => {
    await a.pc.setRemoteDescription({ type, sdp });
    a.remoteSet = true;
    for (const c of a.early.splice(0)) a.pc.addIceCandidate(c).catch(() => {});
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
        const pc = factory(config);
        const at = wire(s.conn, from, pc, () => {});
        pc.ondatachannel = (e) => {
          const dc = e.channel;
          const fire = (): void => { incoming(from, opened(s.conn, at, dc)); };
          if (dc.readyState === 'open') fire(); else dc.onopen = fire;
        };
        void (async () => {
          try {
            await setRemote(at, 'offer', s.sdp);
            const answer = await pc.createAnswer();
            await pc.setLocalDescription(answer);
            signalling.send(from, { conn: s.conn, kind: 'answer', sdp: pc.localDescription?.sdp ?? answer.sdp ?? '' });
          } catch (e) { at.fail(e instanceof Error ? e : new Error(String(e))); }
        })();
        return;
      }
      case 'answer':
        if (a && !a.remoteSet) setRemote(a, 'answer', s.sdp).catch((e: unknown) => a.fail(e instanceof Error ? e : new Error(String(e))));
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
        const pc = factory(config);
        const a = wire(conn, remote, pc, reject);
        const dc = pc.createDataChannel('chiaroscuro', { ordered: true });
        dc.onopen = () => resolve(opened(conn, a, dc));
        void (async () => {
          try {
            const offer = await pc.createOffer();
            await pc.setLocalDescription(offer);
            signalling.send(remote, { conn, kind: 'offer', sdp: pc.localDescription?.sdp ?? offer.sdp ?? '' });
          } catch (e) { a.fail(e instanceof Error ? e : new Error(String(e))); }
        })();
      });
    },
    onIncoming(fn) { incoming = fn; },
    pending: () => attempts.size,
    close() {
      closed = true;
      for (const a of [...attempts.values()]) a.fail(new Error('connector closed'));
    },
  };
}
