/**
 * Signalling relayed over existing links: the offer/answer/candidates of a new link to X travel over
 * the link to a peer R that has a link to X (R introduced X in a Cyclon shuffle), so once a tab is in
 * the overlay its new links need no server. When no relay is known, or the relay has lost its link
 * to X, the signal goes through the fallback strategy (the PeerJS server).
 *
 * Trust: a relay could substitute its own SDP and sit in the middle of the DTLS link, exactly as a
 * signalling server could; participants are honest-but-curious (BRIEF §2), and the protocol's
 * payloads are ciphertexts or public results either way. The relay stamps the origin from the link
 * the signal arrived on, so a participant cannot claim to be someone else to the relay's peers.
 * @module
 */
import type { PeerId } from '../core/transport';
import type { Signal, Signalling } from './signalling';

/** A relayed signal on the control channel: first hop (A → R: `to`), second hop (R → X: `to` + `from`). */
export interface RelayedSignal { t: 'sig'; to: PeerId; from?: PeerId; signal: Signal }
/** The relay's answer when it has no link to `to`: the origin resends through the server. */
export interface RelayFailure { t: 'sig-fail'; to: PeerId; signal: Signal }

/** What relaying needs from the mesh. */
export interface RelayHost {
  /** Whether there is an open link to `peer`. */
  has(peer: PeerId): boolean;
  /** Sends a relay message over the link to `peer`; false when there is none. */
  send(peer: PeerId, m: RelayedSignal | RelayFailure): boolean;
}

/** Counters of {@link RelaySignalling}. */
export interface RelayStats {
  /** Signals this tab sent through a relay. */
  sentViaRelay: number;
  /** Signals this tab sent through the fallback (server). */
  sentViaServer: number;
  /** Signals this tab forwarded for others. */
  forwarded: number;
  /** Signals this tab received through a relay. */
  receivedViaRelay: number;
  /** Relays that could not forward (the signal was resent through the server). */
  relayFailures: number;
}

/** A {@link Signalling} that prefers relays, plus its relay entry point. */
export interface RelaySignalling extends Signalling {
  /** Handles a relay control message received on the link from `from`. */
  receive(from: PeerId, m: RelayedSignal | RelayFailure): void;
  stats(): RelayStats;
}

/** Options of {@link relaySignalling}. */
export interface RelaySignallingOptions {
  /** The strategy used when no relay can carry a signal (and for readiness, unavailability). */
  fallback: Signalling;
  host: RelayHost;
  /** A peer that may relay to `peer` (e.g. the overlay's introducer), if any. */
  relayFor(peer: PeerId): PeerId | undefined;
}

/** Wraps `fallback` so signals go over existing links where a relay is known. */
export function relaySignalling(opts: RelaySignallingOptions): RelaySignalling {
  const { fallback, host } = opts;
  const self = fallback.self;
  // The relay a peer's signals reached us through: our answers go back the same way.
  const replyVia = new Map<PeerId, PeerId>();
  // Peers whose relay could not reach them: later signals to them go through the server.
  const unrelayable = new Set<PeerId>();
  let handler: (from: PeerId, s: Signal) => void = () => {};
  const stats: RelayStats = { sentViaRelay: 0, sentViaServer: 0, forwarded: 0, receivedViaRelay: 0, relayFailures: 0 };
  // A peer that reaches us through the server is answered through the server.
  fallback.onSignal((from, s) => { replyVia.delete(from); handler(from, s); });

  const viaServer = (to: PeerId, signal: Signal): void => { stats.sentViaServer++; fallback.send(to, signal); };

  return {
    self,
    ready: () => fallback.ready(),
    send(to, signal) {
      const via = replyVia.get(to) ?? (unrelayable.has(to) ? undefined : opts.relayFor(to));
      if (via !== undefined && via !== to && via !== self && host.has(via) && host.send(via, { t: 'sig', to, signal })) {
        stats.sentViaRelay++;
        return;
      }
      viaServer(to, signal);
    },
    onSignal(fn) { handler = fn; },
    receive(from, m) {
      if (m.t === 'sig-fail') {
        // Our relay lost its link to m.to: this and later signals to it go through the server.
        stats.relayFailures++;
        replyVia.delete(m.to);
        unrelayable.add(m.to);
        viaServer(m.to, m.signal);
        return;
      }
      if (m.to === self) {
        // Second hop: `from` is the relay, m.from the origin it stamped.
        if (m.from === undefined || m.from === self) return;
        stats.receivedViaRelay++;
        replyVia.set(m.from, from);
        handler(m.from, m.signal);
        return;
      }
      // First hop: forward, stamping the origin from the link it came on (never trusting m.from).
      if (m.from !== undefined) return;
      if (host.has(m.to) && host.send(m.to, { t: 'sig', to: m.to, from, signal: m.signal })) { stats.forwarded++; return; }
      host.send(from, { t: 'sig-fail', to: m.to, signal: m.signal });
    },
    onUnavailable: fallback.onUnavailable ? (fn) => fallback.onUnavailable!(fn) : undefined,
    stats: () => ({ ...stats }),
    close() { fallback.close(); },
  };
}
