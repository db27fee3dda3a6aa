/**
 * Lobby links: while a joiner waits in the lobby it links to a few random members, one dial at a
 * time, until it has `target` links to members other than the creator (counting links others
 * dialled to it), and accepts others' lobby dials only up to 2 × `target` links. When the round
 * starts, the overlay seeds its view with these links first ({@link Overlay.setMembers}), so the
 * round's first second carries protocol work instead of link set-up (ICE, DTLS and SCTP for every
 * link, while every tab also starts encrypting).
 *
 * Why not full views: the lobby does not know the final membership, and the overlay's Cyclon
 * shuffles randomise the views once the round runs; the lobby only saves the dials.
 * Pure logic over an injected clock and Rng: the session provides the mesh.
 * @module
 */
import type { Cancel, Clock } from '../core/clock';
import type { Rng } from '../core/rng';
import type { PeerId } from '../core/transport';

/** What the linker needs from the mesh. */
export interface LobbyLinkHost {
  has(peer: PeerId): boolean;
  /** Opens a link (resolves false when the dial failed). */
  connect(peer: PeerId): Promise<boolean>;
}

/** Options of {@link createLobbyLinker}. */
export interface LobbyLinkerOptions {
  self: PeerId;
  /** The creator's id: already linked, never counted. */
  hub: PeerId;
  /** Links to other members this joiner wants before the round starts (≥ 0). */
  target: number;
  /**
   * A lobby update reaches every member at once: each waits a random delay in [0, spreadMs) before
   * its first dial, so the tabs of one device do not all dial in the same task.
   */
  spreadMs: number;
  host: LobbyLinkHost;
  clock: Clock;
  rng: Rng;
}

/** A joiner's lobby linking. */
export interface LobbyLinker {
  /** The lobby's members changed: dial more if this joiner has fewer than `target` links to them. */
  update(members: readonly PeerId[]): void;
  /** Links this joiner has to members other than the creator. */
  linked(): number;
  /** Whether it has `target` links (or no member left to dial). */
  settled(): boolean;
  /**
   * Whether to accept a link `peer` dials to this joiner: until {@link LobbyLinker.stop}, only while
   * it has fewer than 2 × `target` links to other members (the creator is always accepted). Without
   * this cap the earliest joiners collect about `target` · ln N links (each later joiner picks them
   * with probability `target`/members), and the round releases most of them at its start.
   */
  accepts(peer: PeerId): boolean;
  /** The round started (or the tab left): no more dials. */
  stop(): void;
}

/** Creates a {@link LobbyLinker}; it dials nothing until the first {@link LobbyLinker.update}. */
export function createLobbyLinker(opts: LobbyLinkerOptions): LobbyLinker {
  const { self, hub, host, clock, rng } = opts;
  if (!Number.isInteger(opts.target) || opts.target < 0) throw new RangeError(`lobby links: target must be an integer ≥ 0, got ${opts.target}`);
  if (!Number.isFinite(opts.spreadMs) || opts.spreadMs < 0) throw new RangeError(`lobby links: spreadMs must be a finite number ≥ 0, got ${opts.spreadMs}`);
  let members: PeerId[] = [];
  /** Members whose dial failed: not dialled again in this lobby. */
  const failed = new Set<PeerId>();
  let stopped = false, dialling = false;
  let pending: Cancel | null = null;

  const others = (): PeerId[] => members.filter((p) => p !== self && p !== hub);
  const linked = (): number => others().filter((p) => host.has(p)).length;
  const candidates = (): PeerId[] => others().filter((p) => !host.has(p) && !failed.has(p));
  const settled = (): boolean => linked() >= opts.target || candidates().length === 0;

  /** One dial to a random unlinked member, then the next, until settled. */
  const step = (): void => {
    pending = null;
    if (stopped || dialling || settled()) return;
    const pool = candidates();
    const peer = pool[Math.floor(rng.nextFloat() * pool.length)]!;
    dialling = true;
    void host.connect(peer).then((ok) => {
      dialling = false;
      if (!ok) failed.add(peer);
      step();
    });
  };

  return {
    update(m) {
      members = [...m];
      if (stopped || dialling || pending || settled()) return;
      pending = clock.setTimer(rng.nextFloat() * opts.spreadMs, step);
    },
    linked,
    settled,
    accepts: (peer) => stopped || peer === hub || host.has(peer) || linked() < 2 * opts.target,
    stop() { stopped = true; pending?.(); pending = null; },
  };
}
