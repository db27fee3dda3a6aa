/**
 * The simulator's in-memory network over a {@link VirtualClock}: random latency, independent message
 * loss, departures (churn) and a random overlay. Two delivery paths:
 * - bytes: a real {@link Transport} per node (frames are encoded and decoded, used for encrypted runs
 *   and the wire audit);
 * - objects: typed messages passed by reference with their encoded size counted (the fast path for
 *   10^5–10^6 plain participants). Receivers still validate every message.
 * @module
 */
import type { Rng } from '../core/rng';
import type { PeerId, Transport } from '../core/transport';
import { MAX_FRAME_BYTES } from '../core/transport';
import type { Receiver, VirtualClock } from './virtual-clock';

/** Options of {@link MemoryNetwork}. */
export interface NetworkOptions {
  clock: VirtualClock;
  /** Seeded randomness for latency, loss and the overlay. */
  rng: Rng;
  /** One-way latency, uniform in [min, max] ms. Default [5, 40]. */
  latencyMs?: readonly [number, number];
  /** Probability that a message is lost. Default 0. */
  loss?: number;
  /** Observer of every frame sent on the bytes path (the wire audit captures them). */
  onFrame?: (from: PeerId, to: PeerId, frame: Uint8Array) => void;
}

/** A typed link of the object path. */
export interface ObjectLink<M> {
  readonly self: PeerId;
  neighbours(): readonly PeerId[];
  send(to: PeerId, msg: M): void;
}

class Node implements Receiver {
  neighbours: Node[] = [];
  alive = true;
  /** Bytes sent (kept here: a Map update per message was a hot spot at 10^5 nodes). */
  bytes = 0;
  /** Live neighbours, valid while `liveEpoch` equals the network's departure count. */
  live: PeerId[] = [];
  liveEpoch = -1;
  deliver: ((from: PeerId, payload: unknown) => void) | null = null;

  constructor(readonly id: PeerId) {}

  /** A message arrives (scheduled by {@link VirtualClock.post}): dropped if this node left meanwhile. */
  receive(from: unknown, payload: unknown): void {
    if (this.alive && this.deliver) this.deliver(from as PeerId, payload);
  }
}

/** In-memory network of simulated participants. */
export class MemoryNetwork {
  /** While true no message is lost (setup over a reliable channel, e.g. key shares with acks). */
  reliable = false;
  totalBytes = 0;
  messages = 0;
  lost = 0;

  private readonly nodes = new Map<PeerId, Node>();
  private departures = 0;
  private readonly clock: VirtualClock;
  private readonly rng: Rng;
  private readonly latency: readonly [number, number];
  private readonly loss: number;
  private readonly onFrame: NetworkOptions['onFrame'];

  constructor(opts: NetworkOptions) {
    this.clock = opts.clock;
    this.rng = opts.rng;
    this.latency = opts.latencyMs ?? [5, 40];
    this.loss = opts.loss ?? 0;
    this.onFrame = opts.onFrame;
    if (!(this.latency[0] >= 0 && this.latency[1] >= this.latency[0])) throw new RangeError('MemoryNetwork: bad latency range');
    if (!(this.loss >= 0 && this.loss < 1)) throw new RangeError(`MemoryNetwork: loss must be in [0, 1), got ${this.loss}`);
  }

  private node(id: PeerId): Node {
    let n = this.nodes.get(id);
    if (!n) {
      n = new Node(id);
      this.nodes.set(id, n);
    }
    return n;
  }

  /** Bytes sent per node (insertion order) . */
  get bytesSent(): Map<PeerId, number> {
    return new Map([...this.nodes.values()].map((n) => [n.id, n.bytes]));
  }

  /** Connects every node to `degree` random others (symmetric links, so degrees are ≈ 2·degree… capped). */
  buildOverlay(ids: readonly PeerId[], degree: number): void {
    if (!Number.isInteger(degree) || degree < 1) throw new RangeError(`buildOverlay: degree must be a positive integer, got ${degree}`);
    const sets = ids.map(() => new Set<number>());
    const n = ids.length;
    if (n < 2) return;
    const d = Math.min(degree, n - 1);
    for (let i = 0; i < n; i++) {
      let guard = 0;
      while (sets[i]!.size < d && guard++ < 50 * d) {
        const j = Math.floor(this.rng.nextFloat() * n);
        if (j === i) continue;
        sets[i]!.add(j);
        sets[j]!.add(i);
      }
    }
    const nodes = ids.map((id) => this.node(id));
    nodes.forEach((node, i) => { node.neighbours = [...sets[i]!].map((j) => nodes[j]!); node.liveEpoch = -1; });
  }

  /** Live neighbours of a node (departed ones are noticed and skipped). */
  neighboursOf(id: PeerId): PeerId[] {
    return this.liveNeighbours(this.node(id)).slice();
  }

  /** Cached per node until the next departure (a fresh array per gossip cycle was a hot spot). */
  private liveNeighbours(node: Node): PeerId[] {
    if (node.liveEpoch !== this.departures) {
      const out: PeerId[] = [];
      for (const p of node.neighbours) if (p.alive) out.push(p.id);
      node.live = out;
      node.liveEpoch = this.departures;
    }
    return node.live;
  }

  /** Marks a node as departed: it neither sends nor receives anymore. */
  leave(id: PeerId): void {
    const n = this.node(id);
    if (n.alive) this.departures++;
    n.alive = false;
  }

  /** Whether a node is still in the round. */
  isAlive(id: PeerId): boolean {
    return this.nodes.get(id)?.alive === true;
  }

  private post(src: Node, to: PeerId, payload: unknown, bytes: number): void {
    if (!src.alive) return;
    const from = src.id;
    this.messages++;
    this.totalBytes += bytes;
    src.bytes += bytes;
    if (!this.reliable && this.loss > 0 && this.rng.nextFloat() < this.loss) {
      this.lost++;
      return;
    }
    const [lo, hi] = this.latency;
    const delay = lo + (hi - lo) * this.rng.nextFloat();
    const dst = this.nodes.get(to);
    if (dst) {
      this.clock.post(delay, dst, from, payload);
      return;
    }
    // Not (yet) a node: look it up at delivery time, as before.
    this.clock.setTimer(delay, () => this.nodes.get(to)?.receive(from, payload));
  }

  /** The bytes path: a {@link Transport} for node `id`. */
  transport(id: PeerId): Transport {
    const node = this.node(id);
    return {
      self: id,
      neighbours: () => this.liveNeighbours(node),
      send: (to, frame) => {
        if (frame.length > MAX_FRAME_BYTES) throw new RangeError(`send: frame of ${frame.length} bytes exceeds ${MAX_FRAME_BYTES}`);
        const copy = frame.slice(); // the receiver must not see later mutations of the sender's buffer
        this.onFrame?.(id, to, copy);
        this.post(node, to, copy, copy.length);
      },
      onFrame: (handler) => {
        node.deliver = (from, payload) => handler(from, payload as Uint8Array);
      },
      close: () => this.leave(id),
    };
  }

  /**
   * The object path: a typed link whose messages are delivered by reference, sized by `size`. (A
   * class instance, not closures: at 10^5–10^6 nodes every per-node closure costs memory.)
   */
  objectLink<M>(id: PeerId, deliver: (from: PeerId, msg: M) => void, size: (msg: M) => number): ObjectLink<M> {
    const node = this.node(id);
    node.deliver = deliver as (from: PeerId, payload: unknown) => void;
    return new NodeLink<M>(this, node, size);
  }

  /** @internal Live neighbours of a node (for {@link NodeLink}). */
  liveOf(node: Node): PeerId[] {
    return this.liveNeighbours(node);
  }

  /** @internal Sends from a node (for {@link NodeLink}). */
  postFrom(node: Node, to: PeerId, payload: unknown, bytes: number): void {
    this.post(node, to, payload, bytes);
  }
}

/** {@link ObjectLink} of one node. */
class NodeLink<M> implements ObjectLink<M> {
  readonly self: PeerId;
  constructor(private readonly net: MemoryNetwork, private readonly node: Node, private readonly size: (msg: M) => number) {
    this.self = node.id;
  }

  neighbours(): readonly PeerId[] {
    return this.net.liveOf(this.node);
  }

  send(to: PeerId, msg: M): void {
    this.net.postFrom(this.node, to, msg, this.size(msg));
  }
}
