/**
 * Signalling strategies: how two tabs exchange the SDP offer/answer and ICE candidates that set up a
 * WebRTC link. Like trystero, the strategy is swappable and knows nothing about what flows on the
 * link afterwards. Implementations here: a PeerJS server ({@link peerjsSignalling}, the `peer`
 * package, embedded in Vite or `npm run signal`) and BroadcastChannel between tabs of one browser
 * ({@link broadcastSignalling}, no server at all). Signals relayed over existing links are provided by
 * the mesh (src/net/mesh.ts) through the same interface.
 * @module
 */
import type { PeerId } from '../core/transport';

/** One signalling message of a connection attempt `conn`. */
export type Signal =
  | { conn: string; kind: 'offer' | 'answer'; sdp: string }
  | { conn: string; kind: 'candidate'; candidate: RTCIceCandidateInit | null }
  | { conn: string; kind: 'bye'; reason: string };

/** A signalling channel for one participant id. */
export interface Signalling {
  readonly self: PeerId;
  /** Resolves once the strategy can send (e.g. the PeerJS server accepted our id); rejects with why not. */
  ready(): Promise<void>;
  send(to: PeerId, signal: Signal): void;
  /** Installs the single handler of valid signals addressed to us. */
  onSignal(fn: (from: PeerId, signal: Signal) => void): void;
  /**
   * Adds a listener told when a peer we signalled is not registered on the server (PeerJS EXPIRE,
   * i.e. the client's 'peer-unavailable'); returns its removal. Strategies that cannot know omit it.
   */
  onUnavailable?(fn: (peer: PeerId) => void): () => void;
  close(): void;
}

const MAX_SDP = 64 * 1024;
const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks a participant id (PeerJS accepts these characters; we are stricter). */
export function isValidPeerId(id: unknown): id is PeerId {
  return typeof id === 'string' && ID_RE.test(id);
}

/** Validates an untrusted signal; returns null when anything is off. */
export function parseSignal(x: unknown): Signal | null {
  if (typeof x !== 'object' || x === null) return null;
  const o = x as Record<string, unknown>;
  if (typeof o['conn'] !== 'string' || o['conn'].length > 140) return null;
  const conn = o['conn'];
  switch (o['kind']) {
    case 'offer': case 'answer':
      if (typeof o['sdp'] !== 'string' || o['sdp'].length > MAX_SDP) return null;
      return { conn, kind: o['kind'], sdp: o['sdp'] };
    case 'candidate': {
      const c = o['candidate'];
      if (c === null) return { conn, kind: 'candidate', candidate: null };
      if (typeof c !== 'object') return null;
      const r = c as Record<string, unknown>;
      if (typeof r['candidate'] !== 'string' || r['candidate'].length > 2048) return null;
      const out: RTCIceCandidateInit = { candidate: r['candidate'] };
      if (typeof r['sdpMid'] === 'string') out.sdpMid = r['sdpMid'];
      if (typeof r['sdpMLineIndex'] === 'number') out.sdpMLineIndex = r['sdpMLineIndex'];
      return { conn, kind: 'candidate', candidate: out };
    }
    case 'bye':
      return { conn, kind: 'bye', reason: typeof o['reason'] === 'string' ? o['reason'].slice(0, 200) : '' };
    default:
      return null;
  }
}

/** Where the PeerJS server is (client side). */
export interface PeerjsServerConfig {
  host: string;
  port: number;
  /** Mount path, e.g. `/peerjs` (the WebSocket is at `<path>/peerjs`). */
  path: string;
  secure: boolean;
  /** PeerJS API key, default `peerjs`. */
  key?: string;
}

/** Minimal WebSocket surface, injectable for tests. */
export type WebSocketFactory = (url: string) => WebSocket;

/**
 * Signalling through a PeerJS server (`peer` 1.0.2): one WebSocket per participant, signals travel
 * as OFFER/ANSWER/CANDIDATE messages whose `payload` is our {@link Signal}. The server stamps `src`
 * with the sender's registered id, so a peer cannot impersonate another id.
 */
export function peerjsSignalling(self: PeerId, server: PeerjsServerConfig, opts: { webSocket?: WebSocketFactory; heartbeatMs?: number } = {}): Signalling {
  if (!isValidPeerId(self)) throw new TypeError(`peerjsSignalling: invalid peer id ${JSON.stringify(self)}`);
  if (!Number.isInteger(server.port) || server.port <= 0 || server.port > 65535) throw new RangeError(`peerjsSignalling: bad port ${server.port}`);
  const token = Math.floor(performance.now() * 1000).toString(36) + crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36);
  const path = server.path.endsWith('/') ? server.path : server.path + '/';
  const url = `${server.secure ? 'wss' : 'ws'}://${server.host}:${server.port}${path}peerjs?key=${encodeURIComponent(server.key ?? 'peerjs')}&id=${encodeURIComponent(self)}&token=${token}`;
  const ws = (opts.webSocket ?? ((u: string) => new WebSocket(u)))(url);
  let handler: (from: PeerId, s: Signal) => void = () => {};
  const unavailable = new Set<(peer: PeerId) => void>();
  let closed = false;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const outbox: string[] = [];
  let open = false;
  const ready = new Promise<void>((resolve, reject) => {
    ws.onmessage = (e: MessageEvent) => {
      let m: unknown;
      try { m = JSON.parse(String(e.data)); } catch { return; }
      if (typeof m !== 'object' || m === null) return;
      const msg = m as Record<string, unknown>;
      switch (msg['type']) {
        case 'OPEN':
          open = true;
          for (const o of outbox.splice(0)) ws.send(o);
          heartbeat = setInterval(() => { if (ws.readyState === 1) ws.send('{"type":"HEARTBEAT"}'); }, opts.heartbeatMs ?? 5000);
          resolve();
          break;
        case 'ID-TAKEN':
          reject(new Error(`signalling: id ${self} is already taken on the server`));
          break;
        case 'ERROR':
          reject(new Error(`signalling: server error: ${JSON.stringify((msg['payload'] as { msg?: unknown } | undefined)?.msg ?? msg['payload'])}`));
          break;
        case 'OFFER': case 'ANSWER': case 'CANDIDATE': {
          const from = msg['src'];
          const s = parseSignal(msg['payload']);
          if (isValidPeerId(from) && s) handler(from, s);
          break;
        }
        case 'EXPIRE': {
          // Our signals to `src` sat undelivered on the server: nobody has that id (wrong round, creator gone).
          const peer = msg['src'];
          if (isValidPeerId(peer)) for (const fn of [...unavailable]) fn(peer);
          break;
        }
        default: break; // LEAVE: the link's own close tells us
      }
    };
    ws.onerror = () => reject(new Error(`signalling: cannot reach the PeerJS server at ${url.split('?')[0]}`));
    ws.onclose = () => { clearInterval(heartbeat); if (!open) reject(new Error('signalling: the PeerJS server closed the connection')); };
  });
  ready.catch(() => {});
  const type = { offer: 'OFFER', answer: 'ANSWER', candidate: 'CANDIDATE', bye: 'CANDIDATE' } as const;
  return {
    self,
    ready: () => ready,
    send(to, signal) {
      if (closed) return;
      const text = JSON.stringify({ type: type[signal.kind], dst: to, payload: signal });
      if (open && ws.readyState === 1) ws.send(text); else outbox.push(text);
    },
    onSignal(fn) { handler = fn; },
    onUnavailable(fn) { unavailable.add(fn); return () => unavailable.delete(fn); },
    close() {
      if (closed) return;
      closed = true;
      unavailable.clear();
      clearInterval(heartbeat);
      try { if (ws.readyState === 1) ws.send('{"type":"LEAVE"}'); ws.close(); } catch { /* already gone */ }
    },
  };
}

/** Minimal BroadcastChannel surface, injectable for tests. */
export interface BroadcastLike {
  postMessage(m: unknown): void;
  onmessage: ((e: MessageEvent) => void) | null;
  close(): void;
}

/**
 * Signalling between tabs of one browser profile over a BroadcastChannel named after the room;
 * no server involved. Any tab of the profile can read it, which is fine: SDP is not secret and the
 * join secret is checked over the encrypted link.
 */
export function broadcastSignalling(self: PeerId, room: string, opts: { channel?: BroadcastLike } = {}): Signalling {
  if (!isValidPeerId(self)) throw new TypeError(`broadcastSignalling: invalid peer id ${JSON.stringify(self)}`);
  const bc: BroadcastLike = opts.channel ?? new BroadcastChannel(`chiaroscuro-signal-${room}`);
  let handler: (from: PeerId, s: Signal) => void = () => {};
  bc.onmessage = (e) => {
    const m = e.data as Record<string, unknown> | null;
    if (typeof m !== 'object' || m === null || m['dst'] !== self || !isValidPeerId(m['src'])) return;
    const s = parseSignal(m['signal']);
    if (s) handler(m['src'], s);
  };
  return {
    self,
    ready: () => Promise.resolve(),
    send(to, signal) { bc.postMessage({ src: self, dst: to, signal }); },
    onSignal(fn) { handler = fn; },
    close() { bc.onmessage = null; bc.close(); },
  };
}
