/**
 * Bounded random overlay: which links a participant dials. No full mesh: every member dials
 * ⌈D/2⌉ random members (incoming links make the average degree ≈ D), key holders additionally link
 * to every other holder (decryption traffic is holder-to-holder), and a lost link is replaced by a
 * fresh random member while the degree is below target. Pure logic over an injected Rng, so it is
 * tested without any browser; the mesh does the dialling (≤ 2 pending at a time).
 * @module
 */
import type { Rng } from '../core/rng';
import type { PeerId } from '../core/transport';

/** Options of {@link createOverlay}. */
export interface OverlayOptions {
  self: PeerId;
  /** Target degree D (≥ 1). */
  degree: number;
  rng: Rng;
}

/** Link planning state of one participant. */
export interface Overlay {
  /** Sets the round's members (self and the hub excluded by the caller or ignored here) and holders. */
  setMembers(members: readonly PeerId[], holders: readonly PeerId[]): void;
  /** Records a link going up or down. */
  linkUp(peer: PeerId): void;
  linkDown(peer: PeerId): void;
  /** Marks a member as gone (left the round / dial failed) until it links again ({@link Overlay.linkUp}). */
  forget(peer: PeerId): void;
  /** Members to dial now (not linked, not already planned), to reach the target. */
  plan(): PeerId[];
  /** Overlay neighbours currently linked (the gossip view). */
  neighbours(): PeerId[];
}

/** Creates an {@link Overlay}. */
export function createOverlay(opts: OverlayOptions): Overlay {
  const { self, rng } = opts;
  if (!Number.isInteger(opts.degree) || opts.degree < 1) throw new RangeError(`overlay: degree must be an integer ≥ 1, got ${opts.degree}`);
  const degree = opts.degree;
  let members: PeerId[] = [];
  let holders = new Set<PeerId>();
  const linked = new Set<PeerId>();
  const planned = new Set<PeerId>();
  const gone = new Set<PeerId>();
  let started = false;

  const pickRandom = (pool: PeerId[], count: number): PeerId[] => {
    const a = pool.slice();
    const out: PeerId[] = [];
    while (out.length < count && a.length > 0) {
      const i = Math.floor(rng.nextFloat() * a.length);
      out.push(a[i]!);
      a[i] = a[a.length - 1]!;
      a.pop();
    }
    return out;
  };

  return {
    setMembers(m, h) {
      members = m.filter((x) => x !== self);
      holders = new Set(h);
      started = true;
    },
    // A peer that links (again) is alive: a forgotten member back from a reload is a neighbour again.
    linkUp(peer) { linked.add(peer); planned.delete(peer); gone.delete(peer); },
    linkDown(peer) { linked.delete(peer); planned.delete(peer); },
    forget(peer) { gone.add(peer); planned.delete(peer); linked.delete(peer); },
    plan() {
      if (!started) return [];
      const out: PeerId[] = [];
      const avail = (p: PeerId): boolean => !linked.has(p) && !planned.has(p) && !gone.has(p) && p !== self;
      // Holders form a clique among themselves (the smaller id dials, to avoid glare).
      if (holders.has(self)) for (const h of holders) if (h > self && avail(h)) out.push(h);
      const have = [...linked].filter((p) => members.includes(p)).length + planned.size + out.length;
      // Initially dial ⌈D/2⌉ (the rest arrives as incoming links); after losses, refill up to D/2 too.
      const want = Math.ceil(degree / 2) - have;
      if (want > 0) out.push(...pickRandom(members.filter((p) => avail(p) && !out.includes(p)), want));
      for (const p of out) planned.add(p);
      return out;
    },
    neighbours: () => [...linked].filter((p) => members.includes(p) && !gone.has(p)),
  };
}
