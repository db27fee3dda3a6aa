/**
 * Cyclon peer sampling (Voulgaris, Gavidia & van Steen, J. Netw. Syst. Manag. 2005): every
 * participant keeps a small view of `viewSize` peer ids with ages and periodically shuffles part of
 * it with the oldest peer in it. The views converge to random samples of the live membership, the
 * in-degrees stay narrow, and dead peers age out (a failed shuffle drops its target). Pure logic over
 * an injected Rng: the overlay (src/net/overlay.ts) turns view entries into WebRTC links and the
 * session carries the shuffle messages.
 * @module
 */
import type { Rng } from '../core/rng';
import type { PeerId } from '../core/transport';

/** One view entry: a peer and how many shuffles ago the pointer was created. */
export interface ViewEntry {
  readonly id: PeerId;
  readonly age: number;
}

/** Options of {@link createCyclon}. */
export interface CyclonOptions {
  self: PeerId;
  /** View size c (≥ 1). */
  viewSize: number;
  /** Entries exchanged per shuffle ℓ (1 ≤ ℓ ≤ c), own fresh entry included. */
  shuffleLength: number;
  rng: Rng;
}

/** A shuffle this participant starts: send `offer` to `target`. */
export interface ShuffleOffer {
  readonly target: PeerId;
  readonly offer: readonly ViewEntry[];
}

/** The view of one participant. */
export interface Cyclon {
  readonly self: PeerId;
  /** The current view (copies). */
  view(): ViewEntry[];
  ids(): PeerId[];
  has(peer: PeerId): boolean;
  /** Adds fresh (age 0) entries while there is room, e.g. the bootstrap sample. Self and duplicates are ignored. */
  seed(peers: readonly PeerId[]): void;
  /**
   * Active side: ages every entry, removes the oldest (the target) and returns the offer: a fresh
   * entry for self plus ℓ − 1 random other entries. Null while the view is empty or a shuffle is in flight.
   */
  startShuffle(): ShuffleOffer | null;
  /** Active side: merges the target's reply, putting received entries in place of the ones sent. */
  completeShuffle(from: PeerId, reply: readonly ViewEntry[]): void;
  /** Active side: the target did not answer (dead). Its entry stays removed; the shuffle ends. */
  failShuffle(target: PeerId): void;
  /** Passive side: replies with up to ℓ random entries and merges the offer in their place. */
  answerShuffle(from: PeerId, offer: readonly ViewEntry[]): ViewEntry[];
  /** Drops a peer known to be gone. */
  remove(peer: PeerId): void;
  /** Target of the shuffle in flight, if any. */
  readonly inFlight: PeerId | null;
}

/** Largest view size accepted (views are small by design; bounds message sizes). */
export const MAX_VIEW_SIZE = 64;

/** Creates a {@link Cyclon} view. */
export function createCyclon(opts: CyclonOptions): Cyclon {
  const { self, rng } = opts;
  if (!Number.isInteger(opts.viewSize) || opts.viewSize < 1 || opts.viewSize > MAX_VIEW_SIZE) {
    throw new RangeError(`cyclon: viewSize must be an integer in [1, ${MAX_VIEW_SIZE}], got ${opts.viewSize}`);
  }
  if (!Number.isInteger(opts.shuffleLength) || opts.shuffleLength < 1 || opts.shuffleLength > opts.viewSize) {
    throw new RangeError(`cyclon: shuffleLength must be an integer in [1, viewSize = ${opts.viewSize}], got ${opts.shuffleLength}`);
  }
  const c = opts.viewSize, l = opts.shuffleLength;
  let view: ViewEntry[] = [];
  let inFlight: { target: PeerId; sent: PeerId[] } | null = null;

  /** `count` distinct random entries of `pool` (partial Fisher–Yates). */
  const sample = <T>(pool: readonly T[], count: number): T[] => {
    const a = pool.slice();
    const n = Math.min(count, a.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(rng.nextFloat() * (a.length - i));
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a.slice(0, n);
  };

  /**
   * Cyclon's merge: ignore entries for self or already present; fill empty slots first, then replace
   * entries that were sent to the other side (`sent`, in order).
   */
  const merge = (received: readonly ViewEntry[], sent: readonly PeerId[]): void => {
    const replaceable = sent.slice();
    for (const e of received) {
      if (e.id === self || view.some((v) => v.id === e.id)) continue;
      const entry = { id: e.id, age: e.age };
      if (view.length < c) { view.push(entry); continue; }
      let victim: PeerId | undefined;
      while ((victim = replaceable.shift()) !== undefined) {
        const i = view.findIndex((v) => v.id === victim);
        if (i >= 0) { view[i] = entry; break; }
      }
      if (victim === undefined) break; // nothing left to replace
    }
  };

  return {
    self,
    view: () => view.map((e) => ({ ...e })),
    ids: () => view.map((e) => e.id),
    has: (p) => view.some((e) => e.id === p),
    get inFlight() { return inFlight?.target ?? null; },
    seed(peers) {
      for (const p of peers) {
        if (view.length >= c) return;
        if (p !== self && !view.some((e) => e.id === p)) view.push({ id: p, age: 0 });
      }
    },
    startShuffle() {
      if (inFlight || view.length === 0) return null;
      view = view.map((e) => ({ id: e.id, age: e.age + 1 }));
      let oldest = 0;
      for (let i = 1; i < view.length; i++) if (view[i]!.age > view[oldest]!.age) oldest = i;
      const target = view[oldest]!.id;
      view.splice(oldest, 1);
      const others = sample(view, l - 1);
      inFlight = { target, sent: others.map((e) => e.id) };
      return { target, offer: [{ id: self, age: 0 }, ...others.map((e) => ({ ...e }))] };
    },
    completeShuffle(from, reply) {
      if (!inFlight || inFlight.target !== from) return;
      const { sent } = inFlight;
      inFlight = null;
      merge(reply.slice(0, l), sent);
    },
    failShuffle(target) {
      if (inFlight?.target === target) inFlight = null;
    },
    answerShuffle(from, offer) {
      const reply = sample(view.filter((e) => e.id !== from), l).map((e) => ({ ...e }));
      merge(offer.slice(0, l), reply.map((e) => e.id));
      return reply;
    },
    remove(peer) {
      view = view.filter((e) => e.id !== peer);
    },
  };
}
