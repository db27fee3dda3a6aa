/**
 * Paces the WebRTC calls that block the page. `new RTCPeerConnection()`, `createDataChannel()` and
 * `close()` return only after WebRTC's signalling and network threads have done their part. When
 * many tabs share few cores, those threads wait for a core, and so does the page: measured at
 * 12 tabs on 2 cores, one `close()` of a released link held the main thread 50–350 ms with 2 ms of
 * its own CPU. Running such calls one per task, spaced by a gap, keeps each task to one wait, and
 * a random offset keeps tabs that react to the same event from calling at the same instant.
 * Teardown is deferred behind set-up: a new link is on the round's path, a released one is not.
 * @module
 */
import type { Cancel, Clock } from '../core/clock';

/** `urgent` calls (opening links) run before any queued `lazy` one (closing links). */
export type CallPriority = 'urgent' | 'lazy';

/** What a pacer has run: how many calls, and the longest one (its label and wall ms). */
export interface CallPacerStats { calls: number; slowestMs: number; slowest: string }

/** Runs blocking calls alone in their own task. */
export interface CallPacer {
  /**
   * Queues `call` to run alone in a later task. A throwing call is ignored (the next one still runs).
   * `label` names it in {@link CallPacer.stats}.
   */
  run(call: () => void, priority: CallPriority, label?: string): void;
  /** Calls queued and not run yet. */
  pending(): number;
  stats(): CallPacerStats;
  /** Runs every queued call now, in order (a page being closed frees its connections). */
  flush(): void;
}

/** Options of {@link createCallPacer}. */
export interface CallPacerOptions {
  clock: Clock;
  /** Minimum milliseconds between two calls. */
  gapMs: number;
  /** Extra delay per call, up to `jitterMs` (uniform). Default 0. */
  jitterMs?: number;
  /** Uniform in [0, 1) for the jitter; use `secureRng().nextFloat` in tabs. Required if jitterMs > 0. */
  random?: () => number;
}

/**
 * Creates a pacer. Calls run in FIFO order within a priority.
 * @throws RangeError on a negative or non-finite gap or jitter, or jitter without a random source
 */
export function createCallPacer(opts: CallPacerOptions): CallPacer {
  const { clock, gapMs } = opts;
  const jitterMs = opts.jitterMs ?? 0;
  if (!(gapMs >= 0) || !Number.isFinite(gapMs)) throw new RangeError(`createCallPacer: gapMs must be a non-negative finite number, got ${gapMs}`);
  if (!(jitterMs >= 0) || !Number.isFinite(jitterMs)) throw new RangeError(`createCallPacer: jitterMs must be a non-negative finite number, got ${jitterMs}`);
  if (jitterMs > 0 && !opts.random) throw new RangeError('createCallPacer: jitterMs needs a random source');
  interface Queued { call: () => void; label: string }
  const urgent: Queued[] = [];
  const lazy: Queued[] = [];
  const stats: CallPacerStats = { calls: 0, slowestMs: 0, slowest: '' };
  let lastRun = -Infinity;
  let timer: Cancel | null = null;

  const next = (): Queued | undefined => urgent.shift() ?? lazy.shift();
  const exec = ({ call, label }: Queued): void => {
    const t0 = clock.now();
    try { call(); } catch { /* the call's owner handles its own failure */ }
    const ms = clock.now() - t0;
    stats.calls++;
    if (ms > stats.slowestMs) { stats.slowestMs = ms; stats.slowest = label; }
  };
  const runOne = (): void => {
    timer = null;
    const q = next();
    if (!q) return;
    lastRun = clock.now();
    exec(q);
    schedule();
  };
  const schedule = (): void => {
    if (timer || urgent.length + lazy.length === 0) return;
    const wait = Math.max(0, lastRun + gapMs - clock.now()) + (jitterMs > 0 ? opts.random!() * jitterMs : 0);
    timer = clock.setTimer(wait, runOne);
  };

  return {
    run(call, priority, label = '') {
      (priority === 'urgent' ? urgent : lazy).push({ call, label });
      schedule();
    },
    pending: () => urgent.length + lazy.length,
    stats: () => ({ ...stats }),
    flush() {
      timer?.();
      timer = null;
      for (let q = next(); q; q = next()) exec(q);
    },
  };
}
