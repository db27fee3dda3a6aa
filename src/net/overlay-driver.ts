/**
 * Runs an {@link Overlay} over a mesh: dials what it plans, announces this end's wants, releases
 * the idle links the overlay lets go, shuffles the Cyclon view about every `shufflePeriodMs` and answers the
 * neighbours' shuffles. Entries learnt in a shuffle remember who introduced them, so the link to a
 * new view member can be signalled through that peer (src/net/relay-signalling.ts).
 * @module
 */
import type { Clock } from '../core/clock';
import type { PeerId } from '../core/transport';
import type { OverlayMessage } from './control';
import type { Overlay } from './overlay';

/** What the driver needs from the mesh. */
export interface OverlayHost {
  has(peer: PeerId): boolean;
  /** Opens a link (resolves false when the dial failed). */
  connect(peer: PeerId): Promise<boolean>;
  disconnect(peer: PeerId): void;
  /** Sends an overlay control message; false without a link. */
  send(peer: PeerId, m: OverlayMessage): boolean;
}

/** Options of {@link createOverlayDriver}. */
export interface OverlayDriverOptions {
  overlay: Overlay;
  host: OverlayHost;
  clock: Clock;
  /** Period of this end's shuffles once {@link OverlayDriver.startShuffling} was called (default 10 s; 0 = never). */
  shufflePeriodMs?: number;
  /**
   * Uniform in [0, 1): each wait between shuffles is then drawn from [P/2, 3P/2) instead of exactly P.
   * Members start shuffling together (the round's start); fixed periods would keep their shuffles,
   * and the dials and closes that follow, in one burst every P for the whole round.
   */
  random?: () => number;
  /** A shuffle unanswered after this long counts as failed (default 30 s: a dial may take 20 s). */
  shuffleTimeoutMs?: number;
  /** A link neither end wants, beyond the overlay's `idleLinks`, is closed after this long (default 5 s; see {@link Overlay.releasable}). */
  releaseGraceMs?: number;
}

/** Counters of the driver. */
export interface OverlayStats {
  shufflesStarted: number;
  shufflesCompleted: number;
  shufflesFailed: number;
  shufflesAnswered: number;
  linksReleased: number;
}

/** Counters of a driver that has done nothing (yet). */
export const NO_OVERLAY_STATS: Readonly<OverlayStats> = Object.freeze({ shufflesStarted: 0, shufflesCompleted: 0, shufflesFailed: 0, shufflesAnswered: 0, linksReleased: 0 });

/** The running overlay of one participant. */
export interface OverlayDriver {
  /** Dials, announces and releases as the overlay now says; resolves once this round of dials settled. */
  sync(): Promise<void>;
  /** Handles an overlay message (shuffle, shuffle-reply, want) from a linked peer. */
  handle(from: PeerId, m: OverlayMessage): void;
  linkUp(peer: PeerId): void;
  linkDown(peer: PeerId): void;
  /** Starts the periodic shuffles (when every member runs an overlay that can answer them). */
  startShuffling(): void;
  /** Stops them (the round is over; the links stay). */
  stopShuffling(): void;
  stats(): OverlayStats;
  stop(): void;
}

/** Creates a driver (not shuffling yet). */
export function createOverlayDriver(opts: OverlayDriverOptions): OverlayDriver {
  const { overlay, host, clock } = opts;
  const period = opts.shufflePeriodMs ?? 10_000;
  const timeout = opts.shuffleTimeoutMs ?? 30_000;
  const grace = opts.releaseGraceMs ?? 5_000;
  for (const [name, v, min] of [['shufflePeriodMs', period, 0], ['shuffleTimeoutMs', timeout, 1], ['releaseGraceMs', grace, 0]] as const) {
    if (!Number.isFinite(v) || v < min) throw new RangeError(`overlay: ${name} must be a finite number ≥ ${min}, got ${v}`);
  }
  const stats: OverlayStats = { ...NO_OVERLAY_STATS };
  let stopped = false, shuffling = false;
  let cancelTimer: (() => void) | null = null;
  let cancelShuffleTimeout: (() => void) | null = null;
  let releaseCheck: (() => void) | null = null;

  const sync = async (): Promise<void> => {
    if (stopped) return;
    for (const { peer, want } of overlay.announcements()) host.send(peer, { t: 'want', on: want });
    for (const p of overlay.releasable(clock.now(), grace)) { stats.linksReleased++; host.disconnect(p); }
    // Links waiting out their grace are looked at again once it has passed.
    if (!releaseCheck && overlay.releasePending()) releaseCheck = clock.setTimer(grace, () => { releaseCheck = null; void sync(); });
    const dials = overlay.plan().map((p) => host.connect(p).then((ok) => { if (!ok && !stopped) overlay.forget(p); }));
    if (dials.length > 0) { await Promise.all(dials); await sync(); }
  };

  const failShuffle = (target: PeerId, alive = false): void => {
    cancelShuffleTimeout?.(); cancelShuffleTimeout = null;
    if (overlay.cyclon.inFlight !== target) return;
    stats.shufflesFailed++;
    overlay.cyclon.failShuffle(target);
    // A link lost mid-shuffle says nothing about the peer: keep it (a dead one fails its next dial).
    if (alive) overlay.cyclon.seed([target]);
    void sync();
  };

  const shuffle = (): void => {
    if (stopped || !shuffling) return;
    schedule();
    const s = overlay.cyclon.startShuffle();
    if (!s) return;
    stats.shufflesStarted++;
    cancelShuffleTimeout = clock.setTimer(timeout, () => failShuffle(s.target));
    // The target is wanted while the shuffle is in flight: sync dials it if there is no link yet.
    void sync();
    void host.connect(s.target).then((ok) => {
      if (stopped || overlay.cyclon.inFlight !== s.target) return;
      if (!ok || !host.send(s.target, { t: 'shuffle', entries: [...s.offer] })) failShuffle(s.target);
    });
  };

  const schedule = (): void => {
    if (!stopped && shuffling && period > 0) cancelTimer = clock.setTimer(opts.random ? period * (0.5 + opts.random()) : period, shuffle);
  };

  return {
    sync,
    handle(from, m) {
      if (stopped) return;
      switch (m.t) {
        case 'shuffle': {
          stats.shufflesAnswered++;
          const reply = overlay.cyclon.answerShuffle(from, m.entries);
          overlay.introduced(from, m.entries.map((e) => e.id));
          host.send(from, { t: 'shuffle-reply', entries: reply });
          void sync();
          return;
        }
        case 'shuffle-reply':
          if (overlay.cyclon.inFlight !== from) return;
          cancelShuffleTimeout?.(); cancelShuffleTimeout = null;
          stats.shufflesCompleted++;
          overlay.cyclon.completeShuffle(from, m.entries);
          overlay.introduced(from, m.entries.map((e) => e.id));
          void sync();
          return;
        case 'want':
          overlay.setTheirWant(from, m.on);
          void sync();
          return;
        default:
          return; // relayed signals are the signalling's business
      }
    },
    linkUp(peer) { overlay.linkUp(peer); void sync(); },
    linkDown(peer) {
      overlay.linkDown(peer);
      // The shuffle (or its reply) may have been lost with the link.
      if (overlay.cyclon.inFlight === peer) failShuffle(peer, true);
      void sync();
    },
    startShuffling() {
      if (shuffling || stopped) return;
      shuffling = true;
      schedule();
    },
    stopShuffling() { shuffling = false; cancelTimer?.(); cancelTimer = null; },
    stats: () => ({ ...stats }),
    stop() {
      stopped = true;
      cancelTimer?.(); cancelShuffleTimeout?.(); releaseCheck?.();
    },
  };
}
