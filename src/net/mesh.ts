/**
 * The set of live WebRTC links of one participant: dials through a queue with at most
 * `maxPending` simultaneous attempts (more starves STUN/DTLS on small machines), answers incoming
 * links up to `maxLinks`, resolves glare (both sides dialling each other) by id order, wraps every
 * data channel in a reliable {@link Link}, and reports traffic.
 * @module
 */
import type { Clock } from '../core/clock';
import type { PeerId } from '../core/transport';
import type { Channel } from './codec';
import { createLink, type Link, type LinkOptions, type RawChannel } from './link';

/** What the mesh needs to open links (a {@link Connector} from ./rtc, or a fake in tests). */
export interface Dialer {
  dial(remote: PeerId): Promise<RawChannel>;
  onIncoming(fn: (from: PeerId, channel: RawChannel) => void): void;
  close(): void;
}

/** Options of {@link createMesh}. */
export interface MeshOptions {
  self: PeerId;
  dialer: Dialer;
  clock: Clock;
  /** Simultaneous outgoing attempts. Default 2. */
  maxPending?: number;
  /** Links kept at most (incoming beyond this are refused). Default 64. */
  maxLinks?: number;
  link?: LinkOptions;
}

/** Traffic totals over all links, past and present. */
export interface MeshStats {
  bytesSent: number;
  bytesReceived: number;
  retries: number;
  unacked: number;
  dialFailures: number;
  /** Received frames dropped by the links, by reason. */
  dropped: Record<string, number>;
}

/** A participant's links. */
export interface Mesh {
  readonly self: PeerId;
  /** Peers with an open link. */
  peers(): PeerId[];
  has(peer: PeerId): boolean;
  /** Queues a dial (no-op if linked or already queued); resolves true once linked. */
  connect(peer: PeerId): Promise<boolean>;
  /** Sends a reliable message; false when there is no open link. */
  send(peer: PeerId, channel: Channel, payload: Uint8Array): boolean;
  onMessage(fn: (from: PeerId, channel: Channel, payload: Uint8Array) => void): void;
  /** Link up/down notifications. */
  onPeer(fn: (peer: PeerId, up: boolean) => void): void;
  /**
   * Whether an incoming link from `peer` may be accepted (used by the connector). A peer we are
   * linked to is accepted: it dials again only after losing its side (a reload), and the new link
   * replaces ours.
   */
  accepts(peer: PeerId): boolean;
  disconnect(peer: PeerId): void;
  /** Why the last dial to `peer` failed (undefined if it did not). */
  dialError(peer: PeerId): string | undefined;
  stats(): MeshStats;
  close(): void;
}

/**
 * Two links to one peer opened within this many ms, one dialled by each end, are a glare pair (both
 * dialled at once), not a reload: a reloaded tab takes longer than this to load and dial again.
 */
export const GLARE_WINDOW_MS = 10_000;

/** A live link, when it opened and which end dialled it. */
interface Entry { link: Link; since: number; dialedBySelf: boolean }

/** Creates a mesh over a dialer. */
export function createMesh(opts: MeshOptions): Mesh {
  const { self, dialer, clock } = opts;
  const maxPending = opts.maxPending ?? 2;
  const maxLinks = opts.maxLinks ?? 64;
  const links = new Map<PeerId, Entry>();
  const waiting: PeerId[] = [];
  const waiters = new Map<PeerId, Array<(ok: boolean) => void>>();
  const dialing = new Set<PeerId>();
  const closedTotals = { bytesSent: 0, bytesReceived: 0, retries: 0, unacked: 0 };
  const dropped: Record<string, number> = {};
  let dialFailures = 0;
  const dialErrors = new Map<PeerId, string>();
  let closed = false;
  let onMsg: (from: PeerId, ch: Channel, p: Uint8Array) => void = () => {};
  let onPeerFn: (peer: PeerId, up: boolean) => void = () => {};

  const settle = (peer: PeerId, ok: boolean): void => {
    for (const w of waiters.get(peer) ?? []) w(ok);
    waiters.delete(peer);
  };

  /** A second link to a peer within the glare window that the other end dialled: both dialled at once. */
  const isGlare = (current: Entry, dialedBySelf: boolean): boolean => current.dialedBySelf !== dialedBySelf && clock.now() - current.since < GLARE_WINDOW_MS;
  const adopt = (peer: PeerId, raw: RawChannel, dialedBySelf: boolean): void => {
    if (closed) { raw.close(); return; }
    const current = links.get(peer);
    if (current && isGlare(current, dialedBySelf)) {
      // Both ends dialled at once and both links opened. Each end keeps the link dialled by the
      // smaller id, whatever order the two opened in, so both keep the same one.
      const newDialer = dialedBySelf ? self : peer;
      const currentDialer = current.dialedBySelf ? self : peer;
      if (currentDialer < newDialer) { raw.close(); settle(peer, true); return; }
    }
    // Otherwise a peer only dials when it has no link to us: an existing link is a stale half (the
    // peer reloaded) and the new one replaces it, reported as up again. The new link is registered
    // before the old one closes, so that close is not a link loss (which would re-dial at once,
    // and the re-dial would replace the link at the other end: a loop).
    const link = createLink(raw, clock, opts.link);
    links.set(peer, { link, since: clock.now(), dialedBySelf });
    current?.link.close();
    link.onMessage((ch, p) => onMsg(peer, ch, p));
    link.onClose(() => {
      // Every link's traffic counts once, when it closes, also a replaced one (no longer in `links`).
      const s = link.stats;
      closedTotals.bytesSent += s.bytesSent; closedTotals.bytesReceived += s.bytesReceived;
      closedTotals.retries += s.retries; closedTotals.unacked += s.unacked;
      for (const [r, n] of Object.entries(s.dropped)) dropped[r] = (dropped[r] ?? 0) + (n ?? 0);
      if (links.get(peer)?.link !== link) return;
      links.delete(peer);
      if (!closed) onPeerFn(peer, false);
    });
    settle(peer, true);
    onPeerFn(peer, true);
  };

  const pump = (): void => {
    while (!closed && dialing.size < maxPending && waiting.length > 0) {
      const peer = waiting.shift()!;
      if (links.has(peer)) { settle(peer, true); continue; }
      dialing.add(peer);
      dialer.dial(peer).then(
        (raw) => { dialing.delete(peer); dialErrors.delete(peer); adopt(peer, raw, true); pump(); },
        (e: unknown) => {
          dialing.delete(peer);
          if (!links.has(peer)) { dialFailures++; dialErrors.set(peer, e instanceof Error ? e.message : String(e)); settle(peer, false); }
          pump();
        },
      );
    }
  };

  dialer.onIncoming((from, raw) => adopt(from, raw, false));

  return {
    self,
    peers: () => [...links.keys()],
    has: (p) => links.has(p),
    connect(peer) {
      if (closed) return Promise.resolve(false);
      if (peer === self) return Promise.reject(new RangeError('mesh: cannot connect to self'));
      if (links.has(peer)) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const ws = waiters.get(peer) ?? [];
        ws.push(resolve);
        waiters.set(peer, ws);
        if (!dialing.has(peer) && !waiting.includes(peer)) { waiting.push(peer); pump(); }
      });
    },
    send(peer, channel, payload) {
      const l = links.get(peer)?.link;
      if (!l || l.closed) return false;
      try { l.send(channel, payload); return true; } catch { return false; }
    },
    onMessage(fn) { onMsg = fn; },
    onPeer(fn) { onPeerFn = fn; },
    accepts(peer) {
      if (closed || peer === self) return false;
      if (links.has(peer)) return true; // re-dial from a reloaded peer: replaces the stale link
      // Glare: both dialling each other. The smaller id's offer wins; the larger id's is refused.
      if (dialing.has(peer) && self < peer) return false;
      return links.size < maxLinks;
    },
    disconnect(peer) { links.get(peer)?.link.close(); },
    dialError: (peer) => dialErrors.get(peer),
    stats() {
      const s: MeshStats = { ...closedTotals, dialFailures, dropped: { ...dropped } };
      for (const { link: l } of links.values()) {
        s.bytesSent += l.stats.bytesSent; s.bytesReceived += l.stats.bytesReceived;
        s.retries += l.stats.retries; s.unacked += l.stats.unacked;
        for (const [r, n] of Object.entries(l.stats.dropped)) s.dropped[r] = (s.dropped[r] ?? 0) + (n ?? 0);
      }
      return s;
    },
    close() {
      if (closed) return;
      closed = true;
      for (const { link } of [...links.values()]) link.close();
      links.clear();
      for (const p of [...waiters.keys()]) settle(p, false);
      waiting.length = 0;
      dialer.close();
    },
  };
}
