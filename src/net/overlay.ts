/**
 * Bounded random overlay: which WebRTC links a participant keeps. No full mesh: each participant's
 * wanted peers are its Cyclon view (src/net/cyclon.ts, size max(2, ⌈D/2⌉), seeded from a random sample of the
 * round's members and reshuffled periodically) and, for key holders, a star around holder 1: holder 1
 * collects the partial decryptions (it is the requester unless it is gone), so it wants every other
 * holder and they want it. A full holder clique would open ℓ(ℓ − 1)/2 links at the round's start
 * instead of ℓ − 1; a holder taking over from a lost holder 1 opens its links on demand. A link stays
 * open while either end wants it, so the link degree is ≈ D (out-view plus in-view); a link neither
 * end wants is idle: up to `idleLinks` idle links stay open (the most recently idle ones), the others
 * are released. Closing a link blocks the page on a loaded device (src/net/call-pacer.ts), and views
 * swap entries back and forth, so a few idle links are a cache of connections rather than a cost.
 * Each end tells the other when its want flips ({@link Overlay.announcements}). A pin keeps a link
 * without making it a gossip neighbour (joiners and the creator during the lobby). Pure logic over an
 * injected Rng: the session dials, closes and carries the messages.
 * @module
 */
import type { Rng } from '../core/rng';
import type { PeerId } from '../core/transport';
import { createCyclon, type Cyclon } from './cyclon';

/** Options of {@link createOverlay}. */
export interface OverlayOptions {
  self: PeerId;
  /** Target link degree D (≥ 1): the Cyclon view holds ⌈D/2⌉ peers. */
  degree: number;
  rng: Rng;
  /** Links neither end wants that stay open (default 0: every idle link is released after the grace). */
  idleLinks?: number;
}

/** Link planning state of one participant. */
export interface Overlay {
  readonly self: PeerId;
  /** The peer-sampling view. */
  readonly cyclon: Cyclon;
  /**
   * Sets the round's members and key holders; seeds the view with a random sample of the members,
   * drawn first from those already linked and unpinned (record links and pins before calling this).
   */
  setMembers(members: readonly PeerId[], holders: readonly PeerId[]): void;
  /** Keeps the link to `peer` open (on) or stops doing so (off); a pin alone does not make a gossip neighbour. */
  pin(peer: PeerId, on: boolean): void;
  /** Records a link going up or down. */
  linkUp(peer: PeerId): void;
  linkDown(peer: PeerId): void;
  /** Marks a member as gone (dial failed / left) until it links again: dropped from the view, not dialled. */
  forget(peer: PeerId): void;
  /** The other end said whether it wants the link. */
  setTheirWant(peer: PeerId, on: boolean): void;
  /** Whether this end wants `peer` as an overlay neighbour (what it announces; pins aside). */
  wants(peer: PeerId): boolean;
  /** Members to dial now (wanted, not linked, not planned, not gone). Marks them planned. */
  plan(): PeerId[];
  /**
   * Idle links to close: linked peers that neither end wants, unpinned, for at least `graceMs` as of
   * `now`, beyond the `idleLinks` most recently idle (the oldest idle go first). The grace keeps a
   * link that is wanted again soon (views swap entries back and forth) and lets the peer that just
   * introduced a neighbour still relay the signalling of the new link.
   */
  releasable(now: number, graceMs: number): PeerId[];
  /** Whether some idle link beyond `idleLinks` is waiting out its grace (call {@link Overlay.releasable} again later). */
  releasePending(): boolean;
  /** Changes of this end's want for linked peers since the last call (a new link counts as a change). */
  announcements(): Array<{ peer: PeerId; want: boolean }>;
  /** Gossip neighbours: linked members that either end wants. */
  neighbours(): PeerId[];
  /** Who told us about `peer` in a shuffle (a relay for signalling a link to it), if known. */
  introducer(peer: PeerId): PeerId | undefined;
  /** Records that `via` introduced `peers`. */
  introduced(via: PeerId, peers: readonly PeerId[]): void;
}

/**
 * View size for a target degree: links are wanted by either end, so ⌈D/2⌉ gives degree ≈ D. At
 * least 2: a graph where everyone points at one random peer falls apart into components, while
 * random 2-out graphs are connected with high probability.
 */
export const viewSizeFor = (degree: number): number => Math.max(2, Math.ceil(degree / 2));

/** Creates an {@link Overlay}. */
export function createOverlay(opts: OverlayOptions): Overlay {
  const { self, rng } = opts;
  if (!Number.isInteger(opts.degree) || opts.degree < 1) throw new RangeError(`overlay: degree must be an integer ≥ 1, got ${opts.degree}`);
  const idleLinks = opts.idleLinks ?? 0;
  if (!Number.isInteger(idleLinks) || idleLinks < 0) throw new RangeError(`overlay: idleLinks must be an integer ≥ 0, got ${idleLinks}`);
  const viewSize = viewSizeFor(opts.degree);
  const cyclon = createCyclon({ self, viewSize, shuffleLength: Math.max(1, Math.ceil(viewSize / 2)), rng });
  const members = new Set<PeerId>();
  let holders = new Set<PeerId>();
  /** Holder 1, the hub of the holders' star (undefined without holders). */
  let primary: PeerId | undefined;
  const pinned = new Set<PeerId>();
  const linked = new Set<PeerId>();
  const planned = new Set<PeerId>();
  const gone = new Set<PeerId>();
  const theirWant = new Map<PeerId, boolean>();
  const announced = new Map<PeerId, boolean>();
  const introducers = new Map<PeerId, PeerId>();
  /** Idle links (neither end wants them), and since when, as of the last {@link Overlay.releasable}. */
  const unwantedSince = new Map<PeerId, number>();

  /** Seeds the view from a random order of `pool`, not its first members: views start as independent uniform samples. */
  const seedFrom = (pool: PeerId[]): void => {
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(rng.nextFloat() * (i + 1));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    cyclon.seed(pool);
  };
  /** Whether `p` is this holder's star partner: holder 1 and any other holder. */
  const starPartner = (p: PeerId): boolean => holders.has(self) && holders.has(p) && (self === primary || p === primary);
  const wants = (p: PeerId): boolean =>
    p !== self && (cyclon.has(p) || cyclon.inFlight === p || starPartner(p));

  return {
    self,
    cyclon,
    setMembers(m, h) {
      for (const p of m) if (p !== self) members.add(p);
      holders = new Set(h);
      primary = h[0];
      const alive = [...members].filter((p) => !gone.has(p));
      // Members already linked and unpinned (the lobby's links between joiners) first: a view member
      // that is linked costs no dial when the round starts. Pinned links (the creator's lobby star) are
      // not preferred, or every joiner would pick the creator.
      seedFrom(alive.filter((p) => linked.has(p) && !pinned.has(p)));
      seedFrom(alive);
    },
    pin(peer, on) { if (on) pinned.add(peer); else pinned.delete(peer); },
    // A peer that links (again) is alive: a forgotten member back from a reload can be a neighbour again.
    linkUp(peer) { linked.add(peer); planned.delete(peer); gone.delete(peer); theirWant.set(peer, true); announced.delete(peer); },
    linkDown(peer) { linked.delete(peer); planned.delete(peer); theirWant.delete(peer); announced.delete(peer); unwantedSince.delete(peer); },
    forget(peer) { gone.add(peer); planned.delete(peer); linked.delete(peer); cyclon.remove(peer); cyclon.failShuffle(peer); },
    setTheirWant(peer, on) { if (linked.has(peer)) theirWant.set(peer, on); },
    wants,
    plan() {
      // A view emptied by departures refills from the known members (shuffles alone could leave it empty).
      if (cyclon.inFlight === null && cyclon.ids().length < viewSize) seedFrom([...members].filter((p) => !gone.has(p)));
      const out: PeerId[] = [];
      const candidates = [...cyclon.ids(), ...(cyclon.inFlight ? [cyclon.inFlight] : []), ...[...holders].filter(starPartner), ...pinned];
      for (const p of candidates) {
        if (p === self || linked.has(p) || planned.has(p) || gone.has(p) || out.includes(p)) continue;
        // Both ends of a star link want it: the smaller id dials (the other waits), which avoids glare.
        if (starPartner(p) && !cyclon.has(p) && !pinned.has(p) && p < self) continue;
        out.push(p);
      }
      for (const p of out) planned.add(p);
      return out;
    },
    releasable(now, graceMs) {
      for (const p of unwantedSince.keys()) if (!linked.has(p)) unwantedSince.delete(p);
      for (const p of linked) {
        if (wants(p) || pinned.has(p) || theirWant.get(p) !== false) unwantedSince.delete(p);
        else if (!unwantedSince.has(p)) unwantedSince.set(p, now);
      }
      // Map order is insertion order: the oldest idle first.
      const excess = unwantedSince.size - idleLinks;
      const out = [...unwantedSince].slice(0, Math.max(0, excess)).filter(([, since]) => now - since >= graceMs).map(([p]) => p);
      for (const p of out) unwantedSince.delete(p);
      return out;
    },
    releasePending: () => unwantedSince.size > idleLinks,
    announcements() {
      const out: Array<{ peer: PeerId; want: boolean }> = [];
      for (const p of linked) {
        const w = wants(p);
        if (announced.get(p) !== w) { announced.set(p, w); out.push({ peer: p, want: w }); }
      }
      return out;
    },
    neighbours: () => [...linked].filter((p) => members.has(p) && !gone.has(p) && (wants(p) || theirWant.get(p) === true)),
    introducer: (p) => introducers.get(p),
    introduced(via, peers) { for (const p of peers) if (p !== self && p !== via) introducers.set(p, via); },
  };
}
