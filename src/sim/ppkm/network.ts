/**
 * A discrete-event in-memory network for PPkM runs and tests: virtual time, per-link latency drawn
 * from a seeded rng, optional loss, per-node clocks. Events run one at a time; after each, the run
 * loop awaits the target node's processing chain, so async state machines stay deterministic.
 * @module
 */
import type { Cancel, Clock } from '../../core/clock';
import type { Rng } from '../../core/rng';
import type { PeerId, Transport } from '../../core/transport';
import { MAX_FRAME_BYTES } from '../../core/transport';

interface SimEvent {
  readonly time: number;
  readonly seq: number;
  readonly target: PeerId;
  readonly run: () => void;
  cancelled: boolean;
}

/** Options of {@link SimNetwork}. */
export interface SimNetworkOptions {
  readonly rng: Rng;
  /** One-way latency range in ms; default [1, 5]. */
  readonly latencyMs?: readonly [number, number];
  /** Probability that a frame is lost; default 0. */
  readonly loss?: number;
  /** Observer of every sent frame (wire audits, byte counts). */
  readonly onSend?: (from: PeerId, to: PeerId, frame: Uint8Array) => void;
}

/** Min-heap on (time, seq). */
class EventQueue {
  private readonly a: SimEvent[] = [];
  get size(): number { return this.a.length; }
  push(e: SimEvent): void {
    const a = this.a;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): SimEvent | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

const less = (x: SimEvent, y: SimEvent): boolean => x.time < y.time || (x.time === y.time && x.seq < y.seq);

/** The simulated network. */
export class SimNetwork {
  private readonly queue = new EventQueue();
  private readonly handlers = new Map<PeerId, (from: PeerId, frame: Uint8Array) => void>();
  private readonly links = new Map<PeerId, readonly PeerId[]>();
  private seq = 0;
  private time = 0;
  /** Frames delivered and lost so far. */
  readonly counters = { delivered: 0, lost: 0 };

  constructor(private readonly o: SimNetworkOptions) {
    const [lo, hi] = o.latencyMs ?? [1, 5];
    if (!(lo >= 0 && hi >= lo)) throw new RangeError(`SimNetwork: latency range must satisfy 0 ≤ min ≤ max, got [${lo}, ${hi}]`);
    const loss = o.loss ?? 0;
    if (!(loss >= 0 && loss < 1)) throw new RangeError(`SimNetwork: loss must be in [0, 1), got ${loss}`);
  }

  /** Current virtual time (ms). */
  now(): number {
    return this.time;
  }

  private schedule(delay: number, target: PeerId, run: () => void): SimEvent {
    const e: SimEvent = { time: this.time + delay, seq: this.seq++, target, run, cancelled: false };
    this.queue.push(e);
    return e;
  }

  /** The virtual clock of one node (its timers are events targeting it). */
  clock(id: PeerId): Clock {
    return {
      now: () => this.time,
      setTimer: (ms, fn): Cancel => {
        const e = this.schedule(Math.max(0, ms), id, fn);
        return () => { e.cancelled = true; };
      },
    };
  }

  /** Creates node `id`'s transport with a fixed neighbour list (undirected edges are the caller's job). */
  transport(id: PeerId, neighbours: readonly PeerId[]): Transport {
    this.links.set(id, [...neighbours]);
    let closed = false;
    return {
      self: id,
      neighbours: () => (closed ? [] : this.links.get(id) ?? []),
      send: (to, frame) => {
        if (frame.length > MAX_FRAME_BYTES) throw new RangeError(`frame of ${frame.length} bytes exceeds ${MAX_FRAME_BYTES}`);
        if (closed) return;
        this.o.onSend?.(id, to, frame);
        if ((this.o.loss ?? 0) > 0 && this.o.rng.nextFloat() < this.o.loss!) { this.counters.lost++; return; }
        const [lo, hi] = this.o.latencyMs ?? [1, 5];
        const copy = frame.slice();
        this.schedule(lo + (hi - lo) * this.o.rng.nextFloat(), to, () => {
          const h = this.handlers.get(to);
          if (!h) return;
          this.counters.delivered++;
          h(id, copy);
        });
      },
      onFrame: (handler) => { this.handlers.set(id, handler); },
      close: () => { closed = true; this.handlers.delete(id); },
    };
  }

  /**
   * Runs events until `stop()` holds or nothing is left.
   * @param settle awaited after each event with the event's target (the node's processing chain)
   * @param maxEvents safety cap (RangeError when exceeded)
   */
  async run(settle: (target: PeerId) => Promise<void>, stop: () => boolean, maxEvents = 10_000_000): Promise<void> {
    let n = 0;
    while (!stop()) {
      const e = this.queue.pop();
      if (!e) return;
      if (e.cancelled) continue;
      if (++n > maxEvents) throw new RangeError(`SimNetwork: more than ${maxEvents} events`);
      this.time = e.time;
      e.run();
      await settle(e.target);
    }
  }
}
