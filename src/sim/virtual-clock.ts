/**
 * A discrete-event virtual clock: timers fire in (time, insertion) order, and the run loop awaits the
 * asynchronous work they start before advancing time, so a simulation is deterministic for a seed
 * however long the (real) crypto takes.
 * @module
 */
import type { Cancel, Clock } from '../core/clock';

interface Event {
  time: number;
  seq: number;
  fn: (() => void) | null;
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
    const ev: Event = { time: this.time + (ms > 0 ? ms : 0), seq: this.seq++, fn };
    this.push(ev);
    return () => { ev.fn = null; };
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
      const t = this.heap[0]!.time;
      if (t > until) return;
      this.time = t;
      // Run every event due now (including ones scheduled at this very time by earlier ones).
      while (this.heap.length > 0 && this.heap[0]!.time === t) {
        const ev = this.pop();
        if (!ev.fn) continue;
        this.events++;
        ev.fn();
        if (opts.onProgress && this.events % every === 0) await opts.onProgress(this.time, this.events);
      }
      await this.settle();
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

  private push(ev: Event): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(ev, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = ev;
  }

  private pop(): Event {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && less(h[r]!, h[l]!) ? r : l;
        if (!less(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function less(a: Event, b: Event): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
