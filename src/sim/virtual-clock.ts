/**
 * A discrete-event virtual clock: timers fire in (time, insertion) order, and the run loop awaits the
 * asynchronous work they start before advancing time, so a simulation is deterministic for a seed
 * however long the (real) crypto takes.
 * @module
 */
import type { Cancel, Clock } from '../core/clock';

/** A target {@link VirtualClock.post} calls with two arguments (no closure per event). */
export interface Receiver {
  receive(a: unknown, b: unknown): void;
}

interface Event {
  time: number;
  seq: number;
  /** Timer callback, or null when cancelled / when `target` is set. */
  fn: (() => void) | null;
  target: Receiver | null;
  a: unknown;
  b: unknown;
}

/** Options of {@link VirtualClock.run}. */
export interface RunLoopOptions {
  /** Stop once virtual time would pass this (ms). Default Infinity. */
  until?: number;
  /** Called after every `progressEvery` events with the virtual time (for progress bars). */
  onProgress?: (now: number, events: number) => void | Promise<void>;
  progressEvery?: number;
  /** Stop early when this returns true (checked between batches). */
  stop?: () => boolean;
}

/** Virtual-time {@link Clock} plus the event loop that drives it. */
export class VirtualClock implements Clock {
  private heap: Event[] = [];
  private readonly times: number[] = [];
  private readonly seqs: number[] = [];
  private seq = 0;
  private time = 0;
  private pending: Promise<unknown>[] = [];
  /** Events executed so far. */
  events = 0;

  /** Current virtual time in ms. */
  now(): number {
    return this.time;
  }

  /** Schedules `fn` after `ms` virtual milliseconds (negative or NaN delays count as 0). */
  setTimer(ms: number, fn: () => void): Cancel {
    const ev: Event = { time: this.time + (ms > 0 ? ms : 0), seq: this.seq++, fn, target: null, a: undefined, b: undefined };
    this.push(ev);
    return () => { ev.fn = null; };
  }

  /**
   * Schedules `target.receive(a, b)` after `ms` (same ordering as {@link setTimer}, not cancellable):
   * the network's per-message delivery without allocating a closure and a cancel handle each.
   */
  post(ms: number, target: Receiver, a: unknown, b: unknown): void {
    this.push({ time: this.time + (ms > 0 ? ms : 0), seq: this.seq++, fn: null, target, a, b });
  }

  /** Registers asynchronous work the loop must await before advancing time. */
  track(work: Promise<unknown>): void {
    this.pending.push(work);
  }

  /** Number of scheduled (possibly cancelled) events. */
  get scheduled(): number {
    return this.heap.length;
  }

  /** Runs events until none is left, `until` is reached or `stop()` says so. */
  async run(opts: RunLoopOptions = {}): Promise<void> {
    const until = opts.until ?? Infinity;
    const every = opts.progressEvery ?? 10_000;
    await this.settle();
    while (this.heap.length > 0) {
      if (opts.stop?.()) return;
      const t = this.times[0]!;
      if (t > until) return;
      this.time = t;
      // Run every event due now (including ones scheduled at this very time by earlier ones).
      while (this.heap.length > 0 && this.times[0] === t) {
        const ev = this.pop();
        if (ev.target) {
          this.events++;
          ev.target.receive(ev.a, ev.b);
        } else if (ev.fn) {
          this.events++;
          ev.fn();
        } else {
          continue;
        }
        if (opts.onProgress && this.events % every === 0) await opts.onProgress(this.time, this.events);
      }
      // Synchronous participants leave nothing pending: skip the await (a microtask per event time).
      if (this.pending.length > 0) await this.settle();
    }
  }

  private async settle(): Promise<void> {
    while (this.pending.length > 0) {
      const work = this.pending;
      this.pending = [];
      // One piece of work is the common case (one event per distinct time): skip Promise.all.
      if (work.length === 1) await work[0];
      else await Promise.all(work);
    }
  }

  // Binary heap ordered by (time, seq). The keys live in two parallel number arrays in heap order,
  // so sifting compares contiguous doubles instead of chasing one object per comparison.
  private push(ev: Event): void {
    const h = this.heap, times = this.times, seqs = this.seqs;
    const t = ev.time, q = ev.seq;
    let i = h.length;
    h.push(ev);
    times.push(t);
    seqs.push(q);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p]!;
      if (pt < t || (pt === t && seqs[p]! < q)) break;
      h[i] = h[p]!;
      times[i] = pt;
      seqs[i] = seqs[p]!;
      i = p;
    }
    h[i] = ev;
    times[i] = t;
    seqs[i] = q;
  }

  private pop(): Event {
    const h = this.heap, times = this.times, seqs = this.seqs;
    const top = h[0]!;
    const last = h.pop()!;
    const lt = times.pop()!;
    const lq = seqs.pop()!;
    const size = h.length;
    if (size > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const r = l + 1;
        let c = l;
        if (r < size) {
          const rt = times[r]!, ltm = times[l]!;
          if (rt < ltm || (rt === ltm && seqs[r]! < seqs[l]!)) c = r;
        }
        const ct = times[c]!;
        if (!(ct < lt || (ct === lt && seqs[c]! < lq))) break;
        h[i] = h[c]!;
        times[i] = ct;
        seqs[i] = seqs[c]!;
        i = c;
      }
      h[i] = last;
      times[i] = lt;
      seqs[i] = lq;
    }
    return top;
  }
}
